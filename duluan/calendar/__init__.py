"""Working days, Vietnamese holidays and legal time limits — a pure engine (no Django).

The platform's ``cases`` app calls :func:`compute_deadline` to set a case's legal deadline and
:func:`working_days_between` for on-time statistics. Rules are plain data (:class:`LegalLimit`,
shipped in ``data/legal_limits.json``, editable in the admin and passed back in); the calendar is
the ``holidays`` package's Vietnam with announced swaps and local :class:`CalendarOverride` s.

Example:
    >>> from datetime import date
    >>> from duluan.calendar import compute_deadline
    >>> d = compute_deadline(kind="denunciation", step="accept", start=date(2026, 2, 10))
    >>> d.due
    datetime.date(2026, 2, 26)
    >>> print(d.explanation_vi)  # doctest: +ELLIPSIS
    Tiếp nhận, xử lý ban đầu và thụ lý tố cáo: 7 ngày làm việc ... không tính 14–22/02/2026 (Tết ...
"""

from duluan.calendar.dates import format_date, format_range, parse_date
from duluan.calendar.deadlines import Deadline, compute_deadline, default_limits
from duluan.calendar.errors import (
    CalendarError,
    DateOutOfRangeError,
    ExtensionError,
    InvalidDateError,
    OverrideError,
    RuleError,
    UnknownKindError,
    UnknownStepError,
)
from duluan.calendar.limits import (
    Extension,
    LegalLimit,
    LegalSource,
    LimitTable,
    Unit,
    load_limits,
    parse_limits,
)
from duluan.calendar.workdays import (
    CalendarOverride,
    DayKind,
    DayStatus,
    SkippedDay,
    WorkCalendar,
    default_calendar,
    load_overrides,
    parse_overrides,
    working_days_between,
)

__all__ = [
    "CalendarError",
    "CalendarOverride",
    "DateOutOfRangeError",
    "DayKind",
    "DayStatus",
    "Deadline",
    "Extension",
    "ExtensionError",
    "InvalidDateError",
    "LegalLimit",
    "LegalSource",
    "LimitTable",
    "OverrideError",
    "RuleError",
    "SkippedDay",
    "Unit",
    "UnknownKindError",
    "UnknownStepError",
    "WorkCalendar",
    "compute_deadline",
    "default_calendar",
    "default_limits",
    "format_date",
    "format_range",
    "load_limits",
    "load_overrides",
    "parse_date",
    "parse_limits",
    "parse_overrides",
    "working_days_between",
]
