"""Throughput and peak memory of ``duluan analyze`` on real news leads, beside underthesea.

Usage::

    .venv/bin/python bench/bench_analyze.py [--sizes 10000,100000,1000000] [--engine local|dask]
                                            [--workers 2] [--steps MODULE:FUNC] [--keep]

The corpus is the shared news leads: tc201805 (title + lead, ~240 characters) and VNTC articles
cut to their lead (first sentences up to ~300 characters), ~128,000 texts. To reach a size they
are repeated; each repetition appends `` (bản N)`` so repeated texts are near-duplicates of
their first occurrence, not exact ones. ``created_at`` advances 20 s per row, so the clusterer's
time window closes clusters as it would on a live stream.

For each size the input is written to a JSONL file, ``duluan analyze`` runs as a child process,
and the benchmark samples every 0.3 s the memory of the child *and all its descendants*
(worker processes): "peak PSS" is the maximum of their summed proportional set size (shared
pages split between the processes sharing them); the RSS sum, which counts pages shared by
forked workers several times, and the largest single process's max RSS are printed beside it. docs/s is rows
divided by the child's wall time (start-up and model loading included); on a shared machine
the CPU seconds of the whole process tree (getrusage of waited-for children) give the
load-independent cost: docs per CPU-second × cores bounds docs/s on an idle machine. The
driver's own share (reading, the ordered steps, writing; read from the process every 0.05 s) is
printed beside the workers': the driver alone cannot go faster than one core.

``underthesea.word_tokenize`` is timed alone in this process on the first ``--tokenize-sample``
texts (default 10,000) of the same input, for comparison. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil

from duluan.shared_data import require_shared_data

ROOT = Path(__file__).resolve().parent.parent
LEAD_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def lead(text: str) -> str:
    """Cut an article to its lead: whole sentences up to ``LEAD_CHARS`` (at least one)."""
    if len(text) <= LEAD_CHARS:
        return text
    cut = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > LEAD_CHARS:
            break
        cut = match.start()
    if cut == 0:
        cut = text.rfind(" ", 0, LEAD_CHARS) if " " in text[:LEAD_CHARS] else LEAD_CHARS
    return text[:cut].strip()


def base_texts() -> list[str]:
    """Return the shared news leads (tc201805, then VNTC leads)."""
    texts = []
    for corpus, cut in (("tc201805", False), ("vntc", True)):
        with gzip.open(require_shared_data(corpus, "train.jsonl.gz"), "rt", encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line)["text"]
                texts.append(lead(text) if cut else text)
    return texts


def write_input(path: Path, base: list[str], size: int) -> None:
    """Write ``size`` rows cycling over ``base``, repetitions made distinct."""
    start = datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(size):
            rep, k = divmod(i, len(base))
            text = base[k] if rep == 0 else f"{base[k]} (bản {rep})"
            row = {"id": f"b{i}", "text": text, "created_at": (start + timedelta(seconds=20 * i)).isoformat()}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """Return (summed PSS, summed RSS) of a process and its descendants, in bytes.

    PSS charges each shared page (e.g. of worker processes forked from the driver) to the
    processes sharing it in proportion, so the sum is the memory the run really occupies; the
    RSS sum counts shared pages once per process and overstates it.
    """
    pss = rss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        pss += getattr(info, "pss", info.rss)
        rss += info.rss
    return pss, rss


def run_child(cmd: list[str]) -> tuple[float, float, float, int, int, int, int, str]:
    """Run a command; return wall seconds, CPU seconds of its whole tree, CPU seconds of the
    command's own process (the driver; read every 0.05 s, so up to that much of its last work
    is missing), peak PSS and RSS sums of the tree, the largest single-process max RSS
    (getrusage), exit code, last stderr line."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as err:
        # From this checkout's root: ``python -m`` puts the working directory first on the
        # path, so run from elsewhere the command would analyse with the code found there
        # (PYTHONPATH comes after it), and an A/B of two checkouts would time one of them twice.
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        proc = psutil.Process(child.pid)
        peak_pss = peak_rss = 0
        driver = 0.0
        tick = 0
        while child.poll() is None:
            try:
                times = proc.cpu_times()
                driver = times.user + times.system
                if tick % 6 == 0:  # memory every 0.3 s: reading it is much dearer
                    pss, rss = _tree_memory(proc)
                    peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            except psutil.Error:
                pass
            tick += 1
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # ru_maxrss (KiB on Linux) of the largest waited-for descendant so far.
        max_single = after.ru_maxrss * 1024
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:]
    return seconds, cpu, driver, peak_pss, peak_rss, max_single, child.returncode, tail[0] if tail else ""


def time_underthesea(path: Path, sample: int) -> tuple[int, float] | None:
    """Return (texts, docs/s) of underthesea.word_tokenize on the first ``sample`` rows."""
    try:
        from underthesea import word_tokenize
    except ImportError:
        return None
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= sample:
                break
    word_tokenize(texts[0])  # load its model outside the timing
    started = time.perf_counter()
    for text in texts:
        word_tokenize(text)
    return len(texts), len(texts) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--steps", default=None, help="per-row steps factory (default: full models)")
    parser.add_argument(
        "--model-dir", default=None, help="model folder (default DULUAN_MODEL_DIR or var/models)"
    )
    parser.add_argument("--tokenize-sample", type=int, default=10_000)
    parser.add_argument("--workdir", default=None, help="where inputs and outputs go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="duluan-bench-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    base = base_texts()
    mean_chars = sum(len(t) for t in base) / len(base)
    print(f"corpus: {len(base):,} news leads (tc201805 + VNTC leads), mean {mean_chars:.0f} characters")
    print(
        f"engine={args.engine} workers={args.workers} cpus={os.cpu_count()} steps={args.steps or 'full'} "
        f"python={platform.python_version()} ({sys._base_executable})"
    )
    duluan = [sys.executable, "-m", "duluan.cli", "analyze"]
    rows = []
    first_input = None
    for size in sizes:
        source = workdir / f"in-{size}.jsonl"
        write_input(source, base, size)
        first_input = first_input or source
        cmd = [*duluan, str(source), "-o", str(workdir / f"out-{size}.jsonl"), "--no-progress"]
        cmd += ["--engine", args.engine, "--workers", str(args.workers)]
        if args.steps:
            cmd += ["--steps", args.steps]
        if args.model_dir:
            cmd += ["--model-dir", str(Path(args.model_dir).resolve())]
        seconds, cpu, driver, pss, rss, single, code, tail = run_child(cmd)
        rows.append((size, seconds, pss, code, tail))
        print(
            f"n={size:>9,}  {size / seconds:>8,.0f} docs/s  wall {seconds:>7.1f} s  "
            f"CPU {cpu:>7.1f} s ({size / max(cpu, 1e-9):,.0f} docs per CPU-second; "
            f"driver {driver:.1f} s, workers {cpu - driver:.1f} s)  "
            f"peak PSS {pss / 2**20:>6,.0f} MiB (RSS sum {rss / 2**20:,.0f}, largest process "
            f"{single / 2**20:,.0f})  exit {code}  | {tail}",
            flush=True,
        )
        if not args.keep:
            for f in (source, workdir / f"out-{size}.jsonl", workdir / f"out-{size}.jsonl.rejects.jsonl"):
                f.unlink(missing_ok=True)
            if size != sizes[0]:
                continue
            write_input(source, base, min(size, args.tokenize_sample))
    if first_input is not None and first_input.exists():
        tok = time_underthesea(first_input, args.tokenize_sample)
        if tok is None:
            print("underthesea not installed: word_tokenize not timed")
        else:
            n, rate = tok
            best = max((size / seconds for size, seconds, _p, code, _t in rows if code == 0), default=0.0)
            print(
                f"underthesea.word_tokenize alone: {rate:,.0f} docs/s on the first {n:,} texts "
                f"(one process); duluan analyze best {best:,.0f} docs/s = {best / rate:.1f}x"
            )
        if not args.keep:
            first_input.unlink(missing_ok=True)
    return 0 if all(r[3] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
