"""Process settings for long batch runs of the engine (``duluan analyze``, ``import``, ``classify``).

Light on purpose: ``duluan classify`` starts its pool from here, and importing the engine's
pipeline modules for it (as :mod:`duluan.analysis.dask_engine` does) cost 28–32 ms of CPU at
every run's start, after the model's own modules (5 runs, 2026-11-30).
"""

from __future__ import annotations

import gc
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported by forked_pool, where a pool starts: 10 ms
# of imports (python -X importtime, 2026-11-30) that a command run with one worker, or one that
# only needs default_workers for its parser, does not pay.

_T = TypeVar("_T")
_R = TypeVar("_R")


def default_workers() -> int:
    """Worker processes a batch command uses when not told: two, or one on a one-core machine."""
    return min(2, os.cpu_count() or 1)


# Container allocations between two young-generation collections while a batch job runs:
# more than one batch makes and frees (see batch_gc).
BATCH_GC_THRESHOLD = 500_000


@contextmanager
def batch_gc(threshold: int = BATCH_GC_THRESHOLD) -> Iterator[None]:
    """Look for reference cycles less often while a batch job runs, then restore the settings.

    The engine allocates millions of short-lived containers (tokens, n-gram lists, per-row
    dicts) that reference counting frees at once; CPython's default collector still walks the
    young generation every 700 allocations and the whole heap (models, gazetteer, clusterer
    state) every few hundred young collections. Measured on 10,000 news leads in one process
    (2026-11-29): 42 µs of CPU a document in the collector with the defaults, 2.5 µs with a
    threshold of 50,000 — and in the import's writing process 3.9 of its 16.3 CPU-seconds
    for 20,000 rows, 0.5 with it. Cycles are still collected, only in larger, rarer passes
    (at most ``threshold`` container objects wait). Forked workers inherit the setting.

    The threshold is larger than the number of containers one batch makes and frees: a batch
    of the import's writer holds tens of thousands at once (signals, analyses, rows), and with a
    threshold of 50,000 the collector walked them 25 times in a 30,000-row import (0.47 CPU-s,
    16 µs a row, measured with ``gc.callbacks``, 2026-11-30). With 500,000 it did not run
    during those batches, and the writer's peak memory was the same (740 MiB). The analysis
    workers and driver spent under 3 µs a row in the collector either way.

    Args:
        threshold: The young generation's threshold during the job (CPython's default is 700).
    """
    old = gc.get_threshold()
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


# What glibc's allocator is asked to keep while a batch job runs (see keep_freed_memory). mallopt
# parameters: M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD.
_ALLOCATOR_SETTINGS = (
    (-3, 32 << 20),  # blocks up to 32 MiB (glibc's upper limit on 64-bit) come from the heap
    (-1, 256 << 20),  # up to 256 MiB free at the top of the heap stay there
    (-2, 16 << 20),  # and the heap grows by 16 MiB more than asked
)


def keep_freed_memory() -> bool:
    """Let glibc's allocator keep the memory one batch frees for the next, in this process and
    in the workers it forks afterwards.

    A batch makes numpy arrays of megabytes (n-gram keys, signatures, the clusterer's
    weights), frees them, and makes them again for the next batch. By default glibc gives
    blocks above a (moving) threshold their own mapping, and returns the free top of its heap
    to the system beyond another; either way the next batch's arrays start on fresh pages, each
    zeroed by the kernel at its first touch. ``duluan analyze`` of 100,000 news leads, six
    alternating pairs of runs (2026-12-01): 404,000-405,000 page faults against 209,000-216,000
    with these settings, 1.4-1.5 s of system time against 0.95-1.14, and 27.7 CPU-s in all
    against 27.1 on average (a gain of the order of the machine's noise, but in five pairs of
    six). The run's peak memory (proportional set size) rose from 793 to 873 MiB.

    For batch commands only: a long-lived server would hold on to its peak memory.

    Returns:
        Whether the C library took the settings (not on one without ``mallopt``).
    """
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, TypeError, AttributeError):  # no C library to ask (Windows), or no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return all([mallopt(param, value) == 1 for param, value in _ALLOCATOR_SETTINGS])  # each one set


_CYTHON_BLAS = "scipy.linalg.cython_blas"


def load_blas_alone() -> bool:
    """Load scipy's BLAS module for Cython (``scipy.linalg.cython_blas``) without its package,
    before numba looks for it; return whether it is loaded now.

    numba checks for a BLAS (for ``np.dot`` in compiled code) when it first compiles or loads a
    function, by importing that module. A plain import runs the ``scipy.linalg`` package first,
    whose array-API layer (scipy 1.17) reads every attribute of numpy and so imports
    ``numpy.f2py`` and ``numpy.testing``. In the first use of the engine's compiled loops,
    which ``duluan classify`` and ``analyze`` make before their workers fork (one core busy,
    the other idle), that was 0.15-0.18 of 0.27-0.31 s; loaded alone it takes 2 ms (three
    alternating pairs, 2026-12-03). ``duluan analyze`` of 100,000 news leads loaded the topic
    step's loops in 558-694 ms before, 385-512 after, and ran in 8.70-10.27 s against
    8.49-9.38 (four alternating pairs). The loops use no BLAS, but this keeps it for compiled
    code that would: numba finds the real module.

    The module is an extension module of its own (Cython's functions in a capsule table), which
    needs nothing of its package. ``scipy.linalg``, imported later by whoever uses it, finds
    it loaded; only the package's attribute for it is then missing (``scipy.linalg.cython_blas``
    as an attribute: ``import scipy.linalg.cython_blas`` and ``from scipy.linalg import
    cython_blas`` both find it, and nothing in scipy or numba reads the attribute).

    Returns:
        ``True`` when the module is loaded (now or before), ``False`` when scipy does not have it
        here: numba then imports as it would.
    """
    if _CYTHON_BLAS in sys.modules or "scipy.linalg" in sys.modules:
        return _CYTHON_BLAS in sys.modules
    import importlib.machinery
    import importlib.util

    try:
        import scipy
    except ImportError:
        return False
    folder = os.path.join(os.path.dirname(scipy.__file__), "linalg")
    found = importlib.machinery.PathFinder.find_spec("cython_blas", [folder])
    if found is None or not isinstance(found.loader, importlib.machinery.ExtensionFileLoader):
        return False
    spec = importlib.util.spec_from_file_location(_CYTHON_BLAS, found.origin)
    if spec is None or spec.loader is None:
        return False
    module = importlib.util.module_from_spec(spec)
    sys.modules[_CYTHON_BLAS] = module
    try:
        spec.loader.exec_module(module)
    except Exception:  # a build that needs its package after all: numba imports it the usual way
        del sys.modules[_CYTHON_BLAS]
        return False
    return True


def forked_pool(workers: int) -> ProcessPoolExecutor:
    """Start a pool of ``workers`` processes forked from this one, where the platform can fork.

    Forked workers begin with everything this process has built (models loaded through
    :func:`duluan.analysis.dask_engine.remember_pipeline`, say) instead of loading it again, and
    share those pages until they write to them. They are started here, from a frozen heap, so
    their garbage collector never walks (and so never copies) what they inherited; this process
    unfreezes at once.

    Args:
        workers: Number of processes.

    Returns:
        The started pool.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork" if "fork" in methods else None)
    )
    gc.freeze()
    try:
        pool.submit(int).result()  # with fork, the first task starts every worker
    finally:
        gc.unfreeze()
    return pool


def close_pool(pool: ProcessPoolExecutor, abandoned: bool = False) -> None:
    """Shut ``pool`` down; when its work is ``abandoned`` (an error, Ctrl-C or SIGTERM: nothing it
    computes will be written), stop its workers first instead of waiting for their batches (a
    killed run waited 20 s for its workers' last batches of whole articles). The standard library
    has no call for it before Python 3.14 (``terminate_workers``): the pool's processes are read
    from its ``_processes``, and nothing is stopped when it has none. The queue of batches is not
    flushed to them either (``cancel_join_thread``): its thread, writing a batch no worker would
    read any more, held the shutdown for good."""
    if abandoned:
        calls = getattr(pool, "_call_queue", None)
        if calls is not None:
            calls.cancel_join_thread()
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
    pool.shutdown(cancel_futures=True)


def ordered_results(
    submit: Callable[[_T], Any], result: Callable[[Any], _R], batches: Iterable[_T], in_flight: int
) -> Iterator[_R]:
    """Submit batches with at most ``in_flight`` pending and yield results in submission order.

    Memory stays bounded whatever the input's size: a batch is read only when one of those in
    flight has come back.
    """
    pending: deque[Any] = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class Aside:
    """A call running in a process forked from this one while this one goes on (see
    :func:`fork_call`); :meth:`result` gives what it returned."""

    def __init__(self, fn: Callable[..., _R], args: tuple[Any, ...]) -> None:
        self._fn, self._args = fn, args
        self._process: Any = None
        self._conn: Any = None
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods() or default_workers() < 2:
            return  # run here, when asked for the result
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run_aside, args=(fn, args, send), daemon=True)
        gc.freeze()  # the child's collector never walks (so never copies) what it inherited
        try:
            process.start()
        except (OSError, AssertionError):  # no process could be made (or a daemon's): run here
            receive.close()
            return
        finally:
            gc.unfreeze()
            send.close()
        self._process, self._conn = process, receive

    def result(self) -> Any:
        """What the call returned. A child that failed or died leaves the call to run here, so
        its error, if any, is raised here and nothing is lost."""
        if self._process is not None:
            try:
                status, value = self._conn.recv()
            except (EOFError, OSError):
                status, value = "failed", None
            finally:
                self._conn.close()
                self._process.join()
                self._process = None
            if status == "ok":
                return value
        return self._fn(*self._args)


def _run_aside(fn: Callable[..., Any], args: tuple[Any, ...], send: Any) -> None:
    try:
        value = fn(*args)
    except BaseException:  # the parent runs the call again and raises its error there
        send.send(("failed", None))
    else:
        send.send(("ok", value))
    finally:
        send.close()


def fork_call(fn: Callable[..., _R], *args: Any) -> Aside:
    """Start ``fn(*args)`` in a process forked from this one, which goes on meanwhile; the
    returned :class:`Aside`'s ``result()`` gives its return value (pickled back).

    The child starts from this process's memory, so the arguments are not copied (a training
    matrix of hundreds of megabytes): a task of :func:`forked_pool` would pickle them to the
    worker. On one core, or where the platform cannot fork, the call
    runs in this process when its result is asked for. For a library whose state is one global
    of the process (liblinear's random generator), the two calls cannot run side by side in
    threads without changing each other's result; in two processes each has its own.
    """
    return Aside(fn, args)
