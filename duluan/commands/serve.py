"""``duluan serve``: run the web server on the configured database."""

from __future__ import annotations

import argparse

from duluan.commands import django_setup


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve", help="chạy máy chủ web (cấu hình theo biến môi trường)")
    parser.add_argument("addr", nargs="?", default="127.0.0.1:8000", help="địa chỉ:cổng")
    parser.add_argument("--settings", default=None, help="mô-đun cấu hình Django (mặc định: local)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    django_setup(args.settings)
    from django.core.management import call_command

    call_command("runserver", args.addr, use_reloader=False)
    return 0
