"""batch_gc: rarer cycle collection inside, the process's own settings restored after."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys

import pytest

from duluan.analysis.runtime import batch_gc, fork_call


def test_the_threshold_is_raised_inside_and_restored_after_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), batch_gc(12_345):
        assert gc.get_threshold() == (12_345, *before[1:])
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_reference_cycles_are_still_collected():
    class Node:
        pass

    with batch_gc(1_000):
        gc.collect()
        for _ in range(5_000):  # cycles only the collector can free
            a, b = Node(), Node()
            a.other, b.other = b, a
        del a, b
        alive = sum(isinstance(o, Node) for o in gc.get_objects())
    # at most one young generation's worth of cycles is left waiting, never all of them
    assert alive < 2 * 1_000


ALLOCATION_ROUNDS = """
import resource, sys
import numpy as np
from duluan.analysis.runtime import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
def batch():
    arrays = [np.ones(n) for n in (1 << 20, 3 << 20, 2 << 20, 1 << 19)]  # 8, 24, 16 and 4 MiB
    del arrays
batch(), batch()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(10):
    batch()
print(kept, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_memory_a_batch_frees_is_kept_for_the_next_one():
    # given batches that make and free arrays of megabytes, in a process of their own
    def run(mode: str) -> tuple[str, int]:
        out = subprocess.run(
            [sys.executable, "-c", ALLOCATION_ROUNDS, mode], capture_output=True, text=True, check=True
        ).stdout.split()
        return out[0], int(out[1])

    # when the allocator keeps freed memory, and when it does not
    kept, faults_kept = run("keep")
    _, faults_default = run("default")
    # then it took the settings, and the later batches reuse the pages instead of faulting in
    # fresh ones (each zeroed by the kernel)
    assert kept == "True"
    assert faults_default > 10_000
    assert faults_kept < faults_default // 10


BLAS_ALONE = """
import sys
import numba
import numpy as np
from duluan.analysis import kernels
kernels.hash_strings(kernels.code_points("xã"))  # numba's first load, where it looks for a BLAS
from numba.np import arraymath
print("linalg-before", "scipy.linalg" in sys.modules, "blas", arraymath._HAVE_BLAS)

@numba.njit
def product(a, b):
    return np.dot(a, b)

a = np.arange(12.0).reshape(3, 4)
print("compiled-dot", np.array_equal(product(a, a.T), a @ a.T))
import scipy.linalg
import scipy.linalg.cython_blas as by_name
from scipy.linalg import cython_blas
print("same", by_name is cython_blas is sys.modules["scipy.linalg.cython_blas"])
print("linalg-works", np.allclose(scipy.linalg.inv(a @ a.T + np.eye(3)) @ (a @ a.T + np.eye(3)), np.eye(3)))
"""


def test_the_compiled_loops_start_without_scipy_linalg_and_blas_still_works():
    # given a fresh process that loads the compiled loops, then compiles a product of matrices
    # and imports scipy.linalg itself
    out = subprocess.run([sys.executable, "-c", BLAS_ALONE], capture_output=True, text=True, check=True)
    seen = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    # then numba found a BLAS without the scipy.linalg package being imported
    assert seen["linalg-before"] == "False blas True"
    # and compiled code can still use it, and the package, imported later, is whole and
    # gives the same module to each way of importing it
    assert seen["compiled-dot"] == "True"
    assert seen["same"] == "True"
    assert seen["linalg-works"] == "True"


def _pid_and_total(values):
    import os

    return os.getpid(), sum(values)


def _fails_in_a_child(parent):
    import os

    if os.getpid() != parent:
        raise RuntimeError("only in the child")
    return "here"


def _dies_in_a_child(parent):
    import os

    if os.getpid() != parent:
        os._exit(3)  # as a child killed for its memory would end
    return "here"


def _always_fails():
    raise ValueError("bad input")


@pytest.mark.skipif(platform.system() == "Windows", reason="fork")
def test_a_call_forked_aside_returns_its_result_from_another_process():
    import os

    # given a large argument (the child reads it from the memory it was forked with)
    values = list(range(200_000))
    # when the call runs aside while this process goes on
    aside = fork_call(_pid_and_total, values)
    here = sum(values)
    pid, total = aside.result()
    # then its result came back from another process (on two cores or more)
    assert total == here
    assert pid != os.getpid() or (os.cpu_count() or 1) < 2


@pytest.mark.parametrize("call", [_fails_in_a_child, _dies_in_a_child])
def test_a_call_whose_child_fails_or_dies_runs_here_instead(call):
    import os

    # given a call that fails, or ends its process, only in a forked child
    # when its result is asked for
    # then it is the result of the call run in this process
    assert fork_call(call, os.getpid()).result() == "here"


def test_a_call_that_fails_everywhere_raises_its_own_error_here():
    # given a call that fails wherever it runs
    # when its result is asked for, then its error is raised here
    with pytest.raises(ValueError, match="bad input"):
        fork_call(_always_fails).result()


def _aside_in(queue):
    queue.put(fork_call(sum, [1, 2, 3]).result())


@pytest.mark.skipif(platform.system() == "Windows", reason="fork")
def test_a_daemon_process_which_may_not_fork_runs_the_call_itself():
    import multiprocessing

    # given a daemon process (a pool's worker, say), which may not start children
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    daemon = context.Process(target=_aside_in, args=(queue,), daemon=True)
    # when it asks for a call aside
    daemon.start()
    got = queue.get(timeout=60)
    daemon.join()
    # then the call ran there and gave its result
    assert got == 6
