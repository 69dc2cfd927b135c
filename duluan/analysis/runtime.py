"""Process settings for long batch runs of the engine (``duluan analyze``, ``duluan import``)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


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
