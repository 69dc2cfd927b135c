"""Benchmark ``duluan classify`` end to end with one and with several worker processes.

Run: ``.venv/bin/python bench/bench_classify.py [--corpus tc201805,vntc] [--rows 90000]
[--workers 1,2] [--model var/models/topic.model | vntc] [--repeat 3]``.

``--model vntc`` first trains a topic model on the whole VNTC training file with ``duluan train``
(as the issue's VNTC prediction target is about such a model: ten classes, where the shipped
government taxonomy has seventeen), and then labels with it.

For each corpus, its first ``--rows`` rows (TC201805: 90,000 news titles + leads; VNTC: all its
33,709 whole articles) are written as ``{"id", "text"}`` JSON lines to a temporary file, which
the real command then classifies in a child process, the way an official runs it
(``--no-progress``). Reported per number of workers, best of ``--repeat`` runs:

- ``wall``: the whole command, including Python's start-up, imports and loading the model;
- ``after start-up``: the same minus the wall time of the same command on a one-row file, i.e.
  the rate once the model is loaded (what a large file sees); that file is padded with rows the
  command rejects at once to the size from which it loads the compiled loops (as for the whole
  file: 0.2 s more of start-up on 2026-12-06);
- ``CPU``: user + system seconds of the command and its workers, and their ratio to the wall;
- ``classification alone``: the same batches through the same code with the rows already read
  and the model loaded, nothing written: what the workers could do if reading and writing the
  file (one process) cost nothing.

The outputs of every number of workers are compared byte for byte. The load average is printed
before and after: on a busy machine, wall-clock figures measure the queue, not the code.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from duluan.analysis.tabular import MAX_TEXT_BYTES
from duluan.commands.classify import COMPILED_MIN_BYTES
from duluan.shared_data import shared_data_dir

ROOT = Path(__file__).resolve().parent.parent


def write_rows(corpus: str, rows: int, path: Path) -> int:
    """Write the first ``rows`` rows of a shared corpus as ``{"id", "text"}`` JSON lines."""
    source = shared_data_dir() / corpus / "train.jsonl.gz"
    written = 0
    with gzip.open(source, "rt", encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
        for line in itertools.islice(fh, rows):
            record = json.loads(line)
            out.write(json.dumps({"id": record["id"], "text": record["text"]}, ensure_ascii=False) + "\n")
            written += 1
    return written


def _pad_with_rejects(path: Path) -> None:
    """Make ``path`` (one row) as large as an input that the compiled loops label, with rows the
    command rejects at once (texts over ``MAX_TEXT_BYTES``): the command then loads the loops
    before it forks its workers, as it does for the whole file, and labels the one row alone."""
    huge = json.dumps({"id": "huge", "text": "x" * (MAX_TEXT_BYTES + 1)}) + "\n"
    with open(path, "a", encoding="utf-8") as out:
        out.write(huge * -(-COMPILED_MIN_BYTES // len(huge)))


def run_classify(model: str, data: Path, output: Path, workers: int) -> tuple[float, float]:
    """Run ``duluan classify`` in a child process; return its wall and CPU seconds (with workers)."""
    command = [
        str(ROOT / ".venv" / "bin" / "duluan"),
        "classify",
        "--model",
        model,
        str(data),
        "-o",
        str(output),
        "--workers",
        str(workers),
        "--no-progress",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def predict_only(model: str, data: Path, workers: int) -> tuple[float, float, int]:
    """Time the command's classification alone, in a fresh process: the rows are read and the
    model loaded first, untimed; then the same batches go through the same code (in this
    process, or forked workers), and nothing is written. Returns wall and CPU seconds and the
    number of rows classified (the rejects apart)."""
    command = [sys.executable, __file__, "--predict-only", model, str(data), str(workers)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def _predict_only_child(model: str, data: str, workers: int) -> None:
    from duluan.analysis.runtime import forked_pool
    from duluan.commands import classify
    from duluan.commands._labelled_rows import LabelledRow, load_classifier, read_labelled_rows

    rows = [r for r in read_labelled_rows(data, label_field=None) if isinstance(r, LabelledRow)]
    size = classify.DEFAULT_BATCH
    batches = [rows[s : s + size] for s in range(0, len(rows), size)]
    classify._MODELS[model] = _kind, loaded = load_classifier(model)
    if classify._large(Path(data)):
        loaded.load_compiled()  # as the command does for a large input, before the workers fork
    pool = forked_pool(workers) if workers > 1 else None
    usage = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    start = time.perf_counter()
    done = sum(len(b) for b, _ in classify._classified(iter(batches), pool, workers, model, False))
    wall = time.perf_counter() - start
    if pool is not None:
        pool.shutdown()
    assert done == len(rows)
    after = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    cpu = sum(a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime for a, b in zip(after, usage, strict=True))
    print(wall, cpu, done)


def bench_corpus(corpus: str, rows: int, counts: list[int], model: str, repeat: int) -> bool:
    """Print the figures of one corpus; return whether every number of workers wrote the same."""
    with tempfile.TemporaryDirectory(prefix="bench-classify-") as tmp:
        folder = Path(tmp)
        data, one = folder / "in.jsonl", folder / "one.jsonl"
        n = write_rows(corpus, rows, data)
        size = data.stat().st_size
        write_rows(corpus, 1, one)
        if size >= COMPILED_MIN_BYTES:
            _pad_with_rejects(one)
        print(
            f"\nduluan classify, {corpus}: {n:,} rows ({size / n:,.0f} bytes a row), "
            f"model {Path(model).name}; CPU cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        digests = {}
        for workers in counts:
            start_up = min(run_classify(model, one, folder / "one.out.jsonl", workers)[0] for _ in range(2))
            runs = [
                run_classify(model, data, folder / f"out-{workers}.jsonl", workers) for _ in range(repeat)
            ]
            wall, cpu = min(runs)
            digests[workers] = hashlib.md5((folder / f"out-{workers}.jsonl").read_bytes()).hexdigest()
            print(
                f"  workers {workers}: wall {wall:5.2f} s = {n / wall:7,.0f} docs/s; after start-up "
                f"({start_up:.2f} s) {n / max(wall - start_up, 1e-9):7,.0f} docs/s; "
                f"CPU {cpu:5.2f} s ({cpu / wall:.2f} cores, {n / cpu:,.0f} docs per CPU s)",
                flush=True,
            )
            p_wall, p_cpu, p_n = min(predict_only(model, data, workers) for _ in range(repeat))
            print(
                f"             classification alone ({p_n:,} rows in memory, nothing written): "
                f"{p_n / p_wall:7,.0f} docs/s, CPU {p_cpu:5.2f} s ({p_n / p_cpu:,.0f} docs per CPU s)",
                flush=True,
            )
        same = len(set(digests.values())) == 1
        verdict = "yes" if same else "NO"
        print(f"  outputs identical across workers: {verdict}; load average: {os.getloadavg()[0]:.1f}")
    return same


def main() -> int:
    if sys.argv[1:2] == ["--predict-only"]:
        _predict_only_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", default="tc201805,vntc", help="comma-separated: tc201805 (leads), vntc (articles)"
    )
    parser.add_argument("--rows", type=int, default=90_000, help="rows per corpus (at most the corpus)")
    parser.add_argument("--workers", default="1,2", help="comma-separated numbers of workers")
    parser.add_argument("--model", default=str(ROOT / "var" / "models" / "topic.model"), help="model file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per number of workers (best kept)")
    args = parser.parse_args()
    if shared_data_dir() is None:
        print("shared data absent: nothing to benchmark", file=sys.stderr)
        return 1
    counts = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="duluan-bench-") as tmp:
        model = train_vntc(Path(tmp)) if args.model == "vntc" else args.model
        if not Path(model).is_file():
            print(f"model absent: {model} (make models)", file=sys.stderr)
            return 1
        same = [bench_corpus(c, args.rows, counts, model, args.repeat) for c in args.corpus.split(",")]
    return 0 if all(same) else 1


def train_vntc(folder: Path) -> str:
    """Train a topic model on the whole VNTC training file with ``duluan train``; return its path."""
    model = folder / "vntc.model"
    command = [
        str(ROOT / ".venv" / "bin" / "duluan"),
        "train",
        "--task",
        "topic",
        "--data",
        str(shared_data_dir() / "vntc" / "train.jsonl.gz"),
        "-o",
        str(model),
        "--no-progress",
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    print(
        f"trained on the VNTC training file in {time.perf_counter() - started:.1f} s: {model.name}",
        flush=True,
    )
    return str(model)


if __name__ == "__main__":
    sys.exit(main())
