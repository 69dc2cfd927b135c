"""CPU cost of each step of the analysis pipeline, in this process, on real news leads.

Usage::

    .venv/bin/python bench/bench_steps.py [--rows 20000] [--batch-size 1000] [--batch-gc]
                                          [--compiled]

The leads are those of ``bench_analyze.py`` (tc201805 + VNTC, ~240 characters), ``created_at``
20 s apart. Each step of ``default_pipeline()`` (models in ``var/models`` or
``DULUAN_MODEL_DIR``) runs over each batch in turn; the CPU time of this process
(``time.process_time``, robust to a shared machine) is summed per step and printed in µs per
document, with the time the cyclic garbage collector took (it runs inside whichever step
allocates, so per-step figures move by its amount between runs). ``--batch-gc`` runs under
``duluan.analysis.runtime.batch_gc`` as ``duluan analyze`` does. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_analyze

from duluan.analysis.pipeline import Document, default_pipeline
from duluan.analysis.runtime import batch_gc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batch-gc", action="store_true")
    parser.add_argument(
        "--compiled",
        "--compiled-clusterer",
        dest="compiled",
        action="store_true",
        help="score and cluster by compiled loops, as duluan analyze does from 8 MB (loaded before timing)",
    )
    args = parser.parse_args(argv)
    base = bench_analyze.base_texts()
    start = datetime(2026, 1, 1)
    rows = [
        {"id": str(i), "text": base[i % len(base)], "created_at": start + timedelta(seconds=20 * i)}
        for i in range(args.rows)
    ]
    pipeline = default_pipeline()
    if args.compiled:
        for step in pipeline.steps:
            load = getattr(step, "load_compiled", None)
            if load is not None:
                load()
        from duluan.analysis.cluster import ClusterDoc, OnlineClusterer
        from duluan.analysis.cluster_compiled import CompiledClusterer

        # A throwaway clusterer loads the loops before the timing.
        CompiledClusterer(OnlineClusterer()).assign_many([ClusterDoc("", {"ngập úng": 1})])
        cluster_step = pipeline.steps[-1]
        cluster_step.clusterer = CompiledClusterer(cluster_step.clusterer)
    gc.collect()
    in_gc = {"since": 0.0, "total": 0.0}

    def on_gc(phase: str, _info: dict) -> None:
        if phase == "start":
            in_gc["since"] = time.process_time()
        else:
            in_gc["total"] += time.process_time() - in_gc["since"]

    gc.callbacks.append(on_gc)
    cost: dict[str, float] = {}
    with batch_gc() if args.batch_gc else contextlib.nullcontext():
        for first in range(0, len(rows), args.batch_size):
            batch = [Document.from_row(r) for r in rows[first : first + args.batch_size]]
            for step in pipeline.steps:
                began = time.process_time()
                batch = step(batch)
                name = type(step).__name__
                cost[name] = cost.get(name, 0.0) + time.process_time() - began
    gc.callbacks.remove(on_gc)
    n = len(rows)
    for name, seconds in cost.items():
        print(f"{name:24s} {seconds / n * 1e6:7.1f} µs/doc")
    total = sum(cost.values())
    print(f"{'all steps':24s} {total / n * 1e6:7.1f} µs/doc = {n / total:,.0f} docs per CPU-second")
    print(f"{'of which collector':24s} {in_gc['total'] / n * 1e6:7.1f} µs/doc")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
