"""``duluan bench [NAME ...]``: run the benchmarks of a checkout (``bench/*.py``); each prints its figures.

The scripts live beside the package in a source checkout, not in an installed wheel: they read the
shared corpora and may start a throw-away PostgreSQL server, which only makes sense there.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
NO_BENCH = "Không tìm thấy thư mục bench/ (lệnh này chạy trong bản mã nguồn của Dư Luận)."


def available() -> dict[str, Path]:
    if not BENCH_DIR.is_dir():
        return {}
    return {
        p.stem.removeprefix("bench_"): p for p in sorted(BENCH_DIR.glob("*.py")) if not p.name.startswith("_")
    }


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="chạy các bài đo hiệu năng (in số liệu)",
        description="Chạy các bài đo trong bench/. Tham số sau -- được chuyển cho bài đo.",
    )
    parser.add_argument("names", nargs="*", help="tên bài đo (mặc định: liệt kê)")
    parser.add_argument("--list", action="store_true", help="liệt kê các bài đo")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="tham số cho bài đo, sau --")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    benches = available()
    if not benches:
        print(NO_BENCH, file=sys.stderr)
        return 2
    if args.list or not args.names:
        for name, path in benches.items():
            print(f"{name:20s} {path.relative_to(BENCH_DIR.parent)}")
        return 0
    unknown = [n for n in args.names if n not in benches]
    if unknown:
        print(f"Không có bài đo: {', '.join(unknown)}. Có: {', '.join(benches)}.", file=sys.stderr)
        return 2
    extra = [a for a in args.args if a != "--"]
    for name in args.names:
        print(f"== {name}", flush=True)
        code = subprocess.call([sys.executable, str(benches[name]), *extra], cwd=BENCH_DIR.parent)
        if code:
            return code
    return 0
