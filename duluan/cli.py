"""The ``duluan`` console entry point.

Every sub-command lives in its own module under :mod:`duluan.commands` and exposes
``register(subparsers)``; this module only discovers them, so adding a command never
means editing a shared list. Commands that need Django call :func:`duluan.commands.django_setup`
themselves, so the pure engines (``analyze``, ``deadline``, ``survey``) start without it.

When the first argument names a command, only that command's module is imported: the others
cost every run's start-up their imports (``analyze`` the engine's process pool, ``survey`` its
statistics) for a parser it does not use: 9 ms of ``duluan classify``'s (2026-11-30).
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys

from duluan import __version__, commands
from duluan.commands._args import Parser


def build_parser(command: str | None = None) -> Parser:
    """The parser of every command, or of ``command`` alone when it names one."""
    # Every sub-command's parser is made by ``add_parser``, of the class of this one: all speak
    # Vietnamese (see duluan.commands._args).
    parser = Parser(
        prog="duluan",
        description="Dư Luận: nắm bắt dư luận, phối hợp giải quyết, đo mức độ hài lòng.",
    )
    parser.add_argument(
        "--version", action="version", version=f"duluan {__version__}", help="in số phiên bản rồi thoát"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="LỆNH")
    module = _command_module(command) if command else None
    if module is not None and hasattr(module, "register"):
        module.register(subparsers)
        if command in subparsers.choices:
            return parser
        # A module named otherwise than its command (import_signals is ``import``): all of them.
        return build_parser()
    for module in _command_modules():
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def _command_module(command: str):
    """The module of ``command``, or ``None`` when none is named so."""
    if not command.isidentifier() or command.startswith("_"):
        return None
    name = f"{commands.__name__}.{command}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the module exists but lacks something it imports
            raise
        return None


def _command_modules() -> list:
    """Every command module, sorted by name."""
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{commands.__name__}.{n}") for n in names]


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, ``docker stop``), raised where the command is, as Ctrl-C is:
    by default it ended the process at once, leaving its workers running and its staged
    ``.part`` files on disk."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _default_termination_in_children() -> None:
    """Forked workers end on SIGTERM as processes do (their pool's way to stop them)."""
    if signal.getsignal(signal.SIGTERM) is _terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    parser = build_parser(args_in[0] if args_in else None)
    args = parser.parse_args(args_in)
    handler = getattr(args, "handler", None)
    if handler is None:  # a bare ``duluan``: a usage error, as in most commands
        parser.print_help(sys.stderr)
        return 2
    if argv is None:  # the console script: the process is the command's
        signal.signal(signal.SIGTERM, _terminated)
        os.register_at_fork(after_in_child=_default_termination_in_children)
    try:
        return int(handler(args) or 0)
    except Terminated:  # what Ctrl-C leaves is cleaned up the same way
        print("Đã dừng (SIGTERM).", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except OSError as exc:
        # What the commands' own checks of their paths do not foresee (a disk full, a file
        # system that refuses a file): said in one line, not a traceback. Their staged outputs
        # are dropped on the way out (StagedFile.abort), so nothing half-written is left.
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"Lỗi hệ thống tệp: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    finally:
        if argv is None and getattr(args, "exit_without_collecting", False):
            # The process ends with the command (argv None: the console script): what it holds
            # is left out of the collections of the interpreter's shutdown. A command asks for it
            # when it closes its own files and holds a large heap: the one-row classify ended
            # 25 ms sooner (medians of 20 alternating runs, 2026-11-30). Objects are still freed;
            # only cycles left unreachable are not collected, so their finalizers do not run.
            gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
