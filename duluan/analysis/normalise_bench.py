"""Measure the speed of :func:`duluan.analysis.normalise.normalise` on real news leads.

Run ``python -m duluan.analysis.normalise_bench`` (one core, best of three passes over the first
20,000 title-and-lead texts of ``tc201805``, ~235 characters each). It times ``normalise`` text by
text, and ``normalise_many`` over batches of ``--batch-size`` texts as the analysis pipeline calls it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable

from duluan.analysis.normalise import normalise, normalise_many
from duluan.shared_data import require_shared_data


def _best(passes: int, run: Callable[[], object]) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of ``passes`` runs."""
    best = best_cpu = float("inf")
    for _ in range(passes):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return best, best_cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=1_000)
    args = parser.parse_args(argv)

    texts: list[str] = []
    with gzip.open(require_shared_data("tc201805", "train.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.texts:
                break
    batches = [texts[i : i + args.batch_size] for i in range(0, len(texts), args.batch_size)]
    mean_chars = sum(map(len, texts)) / len(texts)
    for name, run in (
        ("normalise", lambda: [normalise(text) for text in texts]),
        (f"normalise_many ({args.batch_size:,} a batch)", lambda: [normalise_many(b) for b in batches]),
    ):
        best, best_cpu = _best(args.passes, run)
        # CPU time is what one core spends; wall time also counts waiting for a busy machine's cores.
        print(
            f"{name}: {len(texts) / best_cpu:,.0f} texts/s per core by CPU time, "
            f"{len(texts) / best:,.0f} by wall-clock time "
            f"({best_cpu / len(texts) * 1e6:.1f} µs CPU per text of {mean_chars:.0f} characters on average)"
        )


if __name__ == "__main__":
    main()
