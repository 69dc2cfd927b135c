"""The ``duluan`` console entry point.

Every sub-command lives in its own module under :mod:`duluan.commands` and exposes
``register(subparsers)``; this module only discovers them, so adding a command never
means editing a shared list. Commands that need Django call :func:`duluan.commands.django_setup`
themselves, so the pure engines (``analyze``, ``deadline``, ``survey``) start without it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from duluan import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duluan",
        description="Dư Luận: nắm bắt dư luận, phối hợp giải quyết, đo mức độ hài lòng.",
    )
    parser.add_argument("--version", action="version", version=f"duluan {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
