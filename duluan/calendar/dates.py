"""Reading and writing dates the Vietnamese way (dd/mm/yyyy), and ranges of them.

:func:`parse_date` is the one place that turns user text into a :class:`~datetime.date`; it names the
bad value and says why (``2026-02-30`` → "tháng 02/2026 chỉ có 28 ngày").
"""

from __future__ import annotations

import calendar as _stdcal
import re
from datetime import date, datetime

from duluan.calendar.errors import (
    MSG_BAD_DATE_FORMAT,
    MSG_BAD_DAY,
    MSG_BAD_MONTH,
    InvalidDateError,
)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_VN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_date(value: str | date) -> date:
    """Return the date written as ``YYYY-MM-DD`` or ``DD/MM/YYYY``.

    Args:
        value: the text (a :class:`date` is returned as is; a :class:`datetime` loses its time).

    Raises:
        InvalidDateError: the text is not a date, or names a day that does not exist.

    Example:
        >>> parse_date("10/02/2026")
        datetime.date(2026, 2, 10)
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InvalidDateError(value, MSG_BAD_DATE_FORMAT)
    match = _ISO.match(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _VN.match(value)
        if not match:
            raise InvalidDateError(value, MSG_BAD_DATE_FORMAT)
        day, month, year = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise InvalidDateError(value, MSG_BAD_MONTH.format(month=month))
    if year < 1:
        raise InvalidDateError(value, MSG_BAD_DATE_FORMAT)
    days_in_month = _stdcal.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise InvalidDateError(value, MSG_BAD_DAY.format(month=month, year=year, days=days_in_month))
    return date(year, month, day)


def format_date(d: date) -> str:
    """``dd/mm/yyyy``, as Vietnamese documents write dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def format_range(first: date, last: date) -> str:
    """A compact range: ``14–22/02/2026``, ``30/04–04/05/2025``, ``29/12/2025–04/01/2026``."""
    if first == last:
        return format_date(first)
    if first.year != last.year:
        return f"{format_date(first)}–{format_date(last)}"
    if first.month != last.month:
        return f"{first.day:02d}/{first.month:02d}–{format_date(last)}"
    return f"{first.day:02d}–{format_date(last)}"


WEEKDAY_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
