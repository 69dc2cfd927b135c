"""``duluan demo``: migrate the embedded database, load units and demo data, then serve."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

from duluan.commands import django_setup


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="chạy bản trình diễn trên SQLite nhúng (dữ liệu mẫu, http://127.0.0.1:8000)",
        description="Tạo cơ sở dữ liệu SQLite nhúng, nạp đơn vị hành chính và dữ liệu mẫu, rồi chạy máy chủ.",
    )
    parser.add_argument("--addr", default="127.0.0.1:8000", help="địa chỉ:cổng (mặc định 127.0.0.1:8000)")
    parser.add_argument("--no-serve", action="store_true", help="chỉ chuẩn bị dữ liệu, không chạy máy chủ")
    parser.add_argument("--reload-units", action="store_true", help="nạp lại đơn vị hành chính")
    parser.set_defaults(handler=run)


def _build_models_if_missing() -> None:
    """Train the topic and sentiment models from ../shared/data once, the first time the demo runs."""
    from duluan.analysis.pipeline import resolve_model_dir
    from duluan.commands.models import build_default
    from duluan.shared_data import shared_data_dir

    folder = resolve_model_dir()
    missing = [task for task in ("topic", "sentiment") if not (folder / f"{task}.model").exists()]
    if not missing:
        return
    if shared_data_dir() is None:
        print(
            "Không có ../shared/data: bỏ qua bước huấn luyện mô hình chủ đề/sắc thái; "
            "phân tích sẽ dùng quy tắc dự phòng.",
            flush=True,
        )
        return
    print("Lần chạy đầu: huấn luyện mô hình chủ đề và sắc thái từ ../shared/data (1–3 phút)…", flush=True)
    build_default(missing, folder=str(folder), progress=True)


def run(args: argparse.Namespace) -> int:
    django_setup("duluan.config.settings.local")
    from django.core.management import call_command

    from duluan.apps.core.demo import demo_seed

    _build_models_if_missing()
    print("Đang chuẩn bị cơ sở dữ liệu…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    report = demo_seed(reload_units=args.reload_units, progress=lambda m: print(m, flush=True))
    host = args.addr if "://" in args.addr else f"http://{args.addr}"
    print()
    print(f"Dư Luận đang chạy tại {host}/")
    print("Tài khoản mẫu (tên đăng nhập / mật khẩu — vai trò):")
    for username, password, label in report.logins:
        print(f"  {username} / {password} — {label}")
    for summary in report.summaries:
        print(summary)
    print()
    if args.no_serve:
        return 0
    serve(args.addr, call_command)
    return 0


def serve(addr: str, call_command) -> None:
    """Run the web server at ``addr`` (``call_command("runserver", …)``) beside the task worker,
    and stop the worker when the server stops, by Ctrl-C or by a signal."""
    # Stopped by a signal (kill, timeout, a service manager) rather than Ctrl-C, Python would end
    # without the finally below, and the worker would live on, orphaned: so the handler is in
    # place before the worker starts, and the worker starts inside the try. A signal that comes
    # while Popen runs (the worker forked, its handle not yet returned) is held until the handle
    # is kept (the fresh-clone CI saw the worker orphaned so once under load, 2026-12-07).
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    worker = None
    try:
        # The task worker beside the web server: it refreshes hotness and alerts after each report.
        with stop.held():
            worker = subprocess.Popen(
                [sys.executable, "-m", "duluan.cli", "manage", "db_worker"],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "duluan.config.settings.local"},
            )
        call_command("runserver", addr, use_reloader=False)
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:  # busy with a long task: stopped all the same
                worker.kill()
                worker.wait()


class _Stop:
    """The SIGTERM handler: ends the demo (``SystemExit``), or, while :meth:`held`, once it ends."""

    def __init__(self) -> None:
        self._holding = False
        self._pending: int | None = None

    def __call__(self, signum: int, frame: object) -> None:
        if self._holding:
            self._pending = signum
            return
        raise SystemExit(128 + signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        if self._pending is not None:
            raise SystemExit(128 + self._pending)
