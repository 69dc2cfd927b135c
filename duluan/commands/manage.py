"""``duluan manage …``: any Django management command (migrate, createsuperuser, load_units, …)."""

from __future__ import annotations

import argparse
import os


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "manage", help="lệnh quản trị Django (ví dụ: duluan manage migrate)", add_help=False
    )
    parser.add_argument("args", nargs=argparse.REMAINDER)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duluan.config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["duluan manage", *args.args])
    return 0
