"""Throughput, peak memory and re-import speed of ``duluan import`` into PostgreSQL.

Usage::

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--workers 2] [--batch-size 2000]
                                           [--database-url postgres://…] [--model-dir DIR] [--keep]

The input is real news text: tc201805 (title + lead) then VNTC articles cut to their lead, repeated
to reach ``--rows`` with `` (bản N)`` appended so every row is distinct (repeats are near-duplicates
of their first occurrence, as reposts are). Each row has an id; ``created_at`` advances 20 s per
row so the clusterer's time window closes issues as on a live stream. The file is JSONL.

Without ``--database-url`` (or ``DATABASE_URL``) a throw-away PostgreSQL server is started with
``scripts/pg-throwaway.sh`` (in ``$TMPDIR/pg-bench-import-PORT``) and stopped at the end. The
database is migrated and the administrative units loaded, then ``duluan import FILE --channel
news`` runs twice as a child process: the import, then the re-import of the same file; then
``duluan manage reanalyse_signals`` reads the stored signals again (``--no-reanalyse``: not).

The benchmark samples every 0.2 s the proportional set size (PSS) of the child and all its
descendants (the analysis workers), summed; "peak memory" is the maximum of that sum.
signals/s is rows divided by the child's wall time (start-up, model loading, analysis,
clustering and writing included); the machine may be shared, so the CPU seconds of the whole
process tree (and rows per CPU-second) are printed too. PostgreSQL's own CPU and memory are not
included. Nothing here asserts a time: it prints.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil

from duluan.shared_data import require_shared_data

ROOT = Path(__file__).resolve().parents[1]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def corpus_texts() -> list[tuple[str, str]]:
    """(title, text) pairs of the real corpora: tc201805 title + lead, VNTC leads (~300 chars)."""
    out: list[tuple[str, str]] = []
    with gzip.open(require_shared_data("tc201805", "train.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            title, _, body = text.partition("\n")
            out.append((title.strip(), body.strip() or title.strip()))
    with gzip.open(require_shared_data("vntc", "train.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            text = " ".join(json.loads(line)["text"].split())
            lead = ""
            for sentence in _SENTENCE_END.split(text):
                lead = f"{lead} {sentence}".strip()
                if len(lead) >= 300:
                    break
            out.append(("", lead[:400]))
    return out


def write_input(path: Path, rows: int) -> None:
    texts = corpus_texts()
    start = datetime(2025, 1, 1, tzinfo=VN)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            title, text = texts[i % len(texts)]
            rep = i // len(texts)
            if rep:
                text = f"{text} (bản {rep})"
            record = {
                "id": f"r{i}",
                "title": title,
                "text": text,
                "created_at": (start + timedelta(seconds=20 * i)).isoformat(),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, str, int]:
    """Run ``cmd``; return (wall s, CPU s, peak memory MB of it and its descendants, stdout, exit code).

    Memory is the proportional set size (PSS) summed over the process tree: forked workers share
    the parent's pages (models, gazetteer), which RSS would count once per process.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
            total = sum(p.memory_full_info().pss for p in procs)
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
    return wall, cpu, peak / 1e6, out, proc.returncode


def count(url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    # The platform's models (the child's var folder is a temporary one, which holds none).
    models = os.environ.get("DULUAN_MODEL_DIR") or str(ROOT / "var" / "models")
    parser.add_argument("--model-dir", default=models)
    parser.add_argument("--port", type=int, default=55491)
    parser.add_argument("--keep", action="store_true", help="keep the input file")
    parser.add_argument("--no-reanalyse", action="store_true", help="skip reading the signals again")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    pg_dir = Path(tempfile.gettempdir()) / f"pg-bench-import-{args.port}"  # PostgreSQL runs as its own user
    url = args.database_url
    started_pg = False
    if not url.startswith("postgres"):
        url = subprocess.run(
            ["bash", "scripts/pg-throwaway.sh", "start", str(pg_dir), str(args.port)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        started_pg = True
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "duluan.config.settings.local",
        "DULUAN_VAR_DIR": str(tmp / "var"),
    }
    if args.model_dir:
        env["DULUAN_MODEL_DIR"] = args.model_dir
    duluan = [sys.executable, "-m", "duluan.cli"]
    try:
        print(f"database: {url}", flush=True)
        for step in (["manage", "migrate", "-v0"], ["manage", "load_units"]):
            subprocess.run([*duluan, *step], env=env, cwd=ROOT, check=True, capture_output=True)
        input_path = tmp / "input.jsonl"
        t = time.perf_counter()
        write_input(input_path, args.rows)
        print(
            f"input: {args.rows:,} rows, {input_path.stat().st_size / 1e6:.0f} MB, written in "
            f"{time.perf_counter() - t:.1f} s",
            flush=True,
        )
        cmd = [
            *duluan,
            "import",
            str(input_path),
            "--channel",
            "news",
            "--workers",
            str(args.workers),
            "--batch-size",
            str(args.batch_size),
            "--no-progress",
        ]
        seconds, cpu, peak, out, code = run_measured(cmd, env)
        print(out.strip())
        if code != 0:
            print(f"import failed with exit code {code}")
            return code
        signals = count(url, "intake_signal")
        issues = count(url, "issues_issue")
        print(
            f"import: {args.rows:,} rows in {seconds:.1f} s wall = {args.rows / seconds:,.0f} signals/s; "
            f"CPU {cpu:.1f} s = {args.rows / cpu:,.0f} signals per CPU-second; peak memory (PSS) "
            f"{peak:,.0f} MB; signals stored {signals:,}; issues {issues:,}",
            flush=True,
        )
        re_seconds, re_cpu, re_peak, re_out, code = run_measured(cmd, env)
        print(re_out.strip())
        added = count(url, "intake_signal") - signals
        print(
            f"re-import: {re_seconds:.1f} s wall ({seconds / re_seconds:.1f}× faster), CPU {re_cpu:.1f} s "
            f"({cpu / re_cpu:.1f}× less); peak memory (PSS) {re_peak:,.0f} MB; signals added {added}",
            flush=True,
        )
        if not args.no_reanalyse:
            # The stored signals read again (`reanalyse_signals`, as after a model is rebuilt):
            # the same models, so only the reading is timed, not what changes.
            reread = [*duluan, "manage", "reanalyse_signals", "--workers", str(args.workers), "--no-progress"]
            if "Lưu ý" in out:
                reread.append("--allow-fallback")
            ra_seconds, ra_cpu, ra_peak, ra_out, code = run_measured(reread, env)
            print(ra_out.strip())
            if code != 0:
                print(f"reanalyse_signals failed with exit code {code}")
                return code
            print(
                f"reanalyse_signals: {signals:,} signals in {ra_seconds:.1f} s wall = "
                f"{signals / ra_seconds:,.0f} signals/s; CPU {ra_cpu:.1f} s = {signals / ra_cpu:,.0f} "
                f"signals per CPU-second; peak memory (PSS) {ra_peak:,.0f} MB",
                flush=True,
            )
        mode = "fallback (no model files)" if "Lưu ý" in out else "models"
        print(
            f"analysis: {mode}; workers {args.workers}; batch size {args.batch_size}; "
            f"cores {os.cpu_count()}; load average at the end {os.getloadavg()[0]:.1f} "
            "(the machine is shared: compare CPU seconds)"
        )
    finally:
        if started_pg:
            subprocess.run(["bash", "scripts/pg-throwaway.sh", "stop", str(pg_dir)], cwd=ROOT, check=False)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
