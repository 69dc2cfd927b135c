"""The ``argparse`` pieces every command shares: a parser that speaks Vietnamese, argument types.

:class:`Parser` is the class of the root parser (``duluan.cli``), so ``add_subparsers`` gives it
to every sub-command's and sub-sub-command's parser too: none of the command modules names it.
argparse takes its own words ("usage:", "options", "error: the following arguments are
required", "invalid choice", …) from its module-level ``_``/``ngettext`` (gettext, domain
``messages``). The parser lends argparse the table :data:`VI` through those two names only while
one of its own methods runs, then puts them back: the process' gettext, other argparse parsers
(Django's ``manage`` commands) and the web app's translations are left as they are.
``DULUAN_LANG=en`` keeps argparse's English; ``LANG`` is not read, as the help of every command is
written in Vietnamese alone and an English ``LANG`` (the default of many servers) would only mix
the two languages again.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os

LANG_ENV = "DULUAN_LANG"

#: argparse's own user-facing msgids (Python 3.11 and 3.12) in Vietnamese. Messages about mistakes
#: in a command's definition (conflicting options, …) stay English: only a developer sees them.
VI: dict[str, str] = {
    "usage: ": "cách dùng: ",
    "positional arguments": "đối số vị trí",
    "options": "tuỳ chọn",
    "subcommands": "lệnh con",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "thiếu đối số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các đối số %s",
    "unrecognized arguments: %s": "không hiểu đối số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (chọn một trong %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "nhận nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "not allowed with argument %s": "không dùng cùng được với đối số %s",
    "ignored explicit argument %r": "không nhận giá trị %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tuỳ chọn không rõ: %(option)s có thể là %(matches)s"
    ),
    "unexpected option string: %s": "tuỳ chọn không đúng chỗ: %s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
}
#: ``ngettext``'s pairs, by their singular: Vietnamese has one form for both.
VI_PLURAL: dict[str, str] = {"expected %s argument": "cần %s giá trị"}


def speaks_english() -> bool:
    """Whether ``DULUAN_LANG`` asks for argparse's English words (``en``, ``en_GB``, …)."""
    return os.environ.get(LANG_ENV, "").lower().startswith("en")


@contextlib.contextmanager
def _vietnamese_argparse():
    """Lend argparse :data:`VI` for the block, unless :func:`speaks_english`; nestable."""
    if speaks_english():
        yield
        return
    gettext, ngettext = argparse._, argparse.ngettext
    argparse._ = lambda message: VI.get(message) or gettext(message)
    argparse.ngettext = lambda singular, plural, n: VI_PLURAL.get(singular) or ngettext(singular, plural, n)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = gettext, ngettext


def _in_vietnamese(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _vietnamese_argparse():
            return method(*args, **kwargs)

    return wrapper


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose headings, help line and usage errors are Vietnamese.

    Every method that reads argparse's words is wrapped: construction (section titles, the
    ``-h`` line), parsing (every usage error, raised and printed inside it), help and usage.
    """

    __init__ = _in_vietnamese(argparse.ArgumentParser.__init__)
    add_subparsers = _in_vietnamese(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_vietnamese(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_vietnamese(argparse.ArgumentParser.parse_known_args)
    parse_intermixed_args = _in_vietnamese(argparse.ArgumentParser.parse_intermixed_args)
    parse_known_intermixed_args = _in_vietnamese(argparse.ArgumentParser.parse_known_intermixed_args)
    format_usage = _in_vietnamese(argparse.ArgumentParser.format_usage)
    format_help = _in_vietnamese(argparse.ArgumentParser.format_help)
    error = _in_vietnamese(argparse.ArgumentParser.error)


def positive_int(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 1 (workers, batch sizes).

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a number; argparse turns it into a
            usage error that names the option.
    """
    return _whole_number(value, 1, "phải là số nguyên dương")


def non_negative_int(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 0 (a count where 0 turns a part off).

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a number.
    """
    return _whole_number(value, 0, "phải là số nguyên không âm")


def _whole_number(value: str, least: int, refusal: str) -> int:
    """``value`` as a whole number of at least ``least``; else the usage error ``refusal``."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải số nguyên") from None
    if number < least:
        raise argparse.ArgumentTypeError(refusal)
    return number


def non_negative_float(value: str) -> float:
    """An ``argparse`` type: a number of at least 0 (a weight, a ``C`` where 0 turns a part off).

    Raises:
        argparse.ArgumentTypeError: ``value`` is not such a number (``nan`` neither).
    """
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải số") from None
    if not number >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError("phải là số không âm")
    return number


# What ``--home-province`` takes to mean no home province (with or without accents).
NO_HOME = ("none", "không")


def home_province(value: str) -> str | None:
    """An ``argparse`` type: a province of the 2025 scheme by its code ("24", "1") or its name
    with or without accents ("Bắc Ninh", "bac ninh"), or ``none`` for no home province; returns
    the 2025 code, or ``None``.

    Raises:
        argparse.ArgumentTypeError: No 2025 province is called or numbered so; the message names
            a few that are.
    """
    from duluan.adminunits import fold_key, provinces_2025

    key = fold_key(value)
    if key in {fold_key(word) for word in NO_HOME}:
        return None
    provinces = provinces_2025()
    for code, name, short_name in provinces:
        if key.isdigit() and key.zfill(2) == code:
            return code
        if key and key in (fold_key(name), fold_key(short_name or "")):
            return code
    examples = ", ".join(f"{code} = {name}" for code, name, _ in provinces[:3])
    raise argparse.ArgumentTypeError(
        f"không có tỉnh, thành phố nào (từ 01/07/2025) mã hay tên '{value}' (ví dụ {examples}; "
        "hoặc 'none' để không ưu tiên tỉnh nào)"
    )
