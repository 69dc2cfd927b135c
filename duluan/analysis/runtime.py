"""Process settings for long batch runs of the engine (``duluan analyze``, ``import``, ``classify``).

Light on purpose: ``duluan classify`` starts its pool from here, and importing the engine's
pipeline modules for it (as :mod:`duluan.analysis.dask_engine` does) cost 28–32 ms of CPU at
every run's start, after the model's own modules (5 runs, 2026-11-30).
"""

from __future__ import annotations

import gc
import os
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
