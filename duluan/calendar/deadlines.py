"""Compute a legal deadline from a rule, a start day and the working-day calendar.

:func:`compute_deadline` is the engine's one entry point for deadlines: it picks the rule (kind ×
step), the variant (complex case, remote area, extensions), counts working or calendar days with
the start day not counted, moves a calendar-day end off a day off (Bộ luật Dân sự 2015 Điều 147–148),
and returns a :class:`Deadline` that explains itself and lists every day it skipped and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from duluan.calendar.dates import parse_date
from duluan.calendar.errors import (
    MSG_BAD_EXTENSION_COUNT,
    MSG_NO_EXTENSION,
    MSG_TOO_MANY_EXTENSIONS,
    ExtensionError,
)
from duluan.calendar.explain import explain
from duluan.calendar.limits import LegalLimit, LimitTable, Unit, load_limits
from duluan.calendar.workdays import DayStatus, SkippedDay, WorkCalendar, default_calendar

NOTE_NO_REMOTE_VI = "Luật không đặt thời hạn riêng cho vùng sâu, vùng xa ở bước này; áp dụng thời hạn chung."
NOTE_NO_REMOTE_EN = "The law sets no separate limit for remote areas at this step; the general limit applies."
NOTE_NO_COMPLEX_VI = "Luật không đặt thời hạn riêng cho vụ việc phức tạp ở bước này; áp dụng thời hạn chung."
NOTE_NO_COMPLEX_EN = (
    "The law sets no separate limit for complex cases at this step; the general limit applies."
)
NOTE_UNVERIFIED_VI = "Thời hạn này chưa được đối chiếu với văn bản gốc."
NOTE_UNVERIFIED_EN = "This limit has not been checked against the official text."


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline, traceable to its rule and to every day it skipped.

    Attributes:
        due: the last day to act (inclusive).
        start: the day the period runs from (not counted).
        rule: the legal limit applied.
        days: the number of days counted, extensions included, in ``unit``.
        base_days: the limit before extensions (after the complex/remote variant).
        extensions: how many extensions were added.
        remote, complex: whether the remote-area / complex-case variant was applied.
        nominal_end: for calendar days, ``start + days`` before moving off a day off; else ``due``.
        skipped: days off stepped over — for working days every day off in ``(start, due]``; for
            calendar days the days off the end was moved across.
        extra_working: weekend days counted as working days (make-up Saturdays, local openings).
        notes_vi, notes_en: caveats (a flag that does not apply, an unverified rule).
        explanation_vi, explanation_en: one sentence each, with dates as dd/mm/yyyy.
    """

    due: date
    start: date
    rule: LegalLimit
    days: int
    base_days: int
    extensions: int
    remote: bool
    complex: bool
    nominal_end: date
    skipped: tuple[SkippedDay, ...]
    extra_working: tuple[DayStatus, ...] = ()
    notes_vi: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    explanation_vi: str = ""
    explanation_en: str = ""

    @property
    def unit(self) -> Unit:
        return self.rule.unit

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def moved(self) -> bool:
        """``True`` when a calendar-day end fell on a day off and was moved (Điều 148 khoản 5)."""
        return self.due != self.nominal_end

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for storage, audit and the API."""
        return {
            "due": self.due.isoformat(),
            "start": self.start.isoformat(),
            "rule_id": self.rule.id,
            "kind": self.rule.kind,
            "step": self.rule.step,
            "unit": self.rule.unit.value,
            "days": self.days,
            "base_days": self.base_days,
            "extensions": self.extensions,
            "remote": self.remote,
            "complex": self.complex,
            "nominal_end": self.nominal_end.isoformat(),
            "source_vi": self.rule.source.cite_vi(),
            "source_en": self.rule.source.cite_en(),
            "source_url": self.rule.source.url,
            "source_quote": self.rule.source.quote,
            "verified": self.rule.verified,
            "skipped": [day.to_dict() for day in self.skipped],
            "extra_working": [day.to_dict() for day in self.extra_working],
            "notes_vi": list(self.notes_vi),
            "notes_en": list(self.notes_en),
            "explanation_vi": self.explanation_vi,
            "explanation_en": self.explanation_en,
        }


@lru_cache(maxsize=1)
def default_limits() -> LimitTable:
    """The legal limits shipped in ``data/legal_limits.json`` (read once)."""
    return load_limits()


def compute_deadline(
    *,
    kind: str,
    step: str,
    start: date | str,
    remote: bool = False,
    complex: bool = False,
    extensions: int = 0,
    calendar: WorkCalendar | None = None,
    limits: LimitTable | Iterable[LegalLimit] | None = None,
) -> Deadline:
    """The deadline for ``kind``/``step`` counted from ``start``.

    Args:
        kind: kind of matter (``feedback``, ``complaint1``, ``complaint2``, ``denunciation``).
        step: ``accept`` (thụ lý) or ``resolve`` (giải quyết).
        start: the day the period runs from (receipt for ``accept``, acceptance for ``resolve``);
            a date, or text as ``YYYY-MM-DD`` / ``DD/MM/YYYY``. It is not counted.
        remote: the case is in a remote area where travel is difficult (vùng sâu, vùng xa).
        complex: the case is complex; for limits with extensions this grants the extensions the
            law gives a complex case (one for a denunciation).
        extensions: extensions granted (e.g. 2 for an especially complex denunciation); the larger
            of this and what ``complex`` implies is used.
        calendar: the working-day calendar (default: national calendar, shipped announcements).
        limits: the rules (default: the shipped ones); a :class:`LimitTable` or any iterable of
            :class:`LegalLimit`, e.g. rows from the admin.

    Raises:
        UnknownKindError, UnknownStepError: no rule for ``kind``/``step``.
        InvalidDateError: ``start`` is not a real date.
        ExtensionError: extensions the rule does not allow.
        DateOutOfRangeError: the period leaves the years the calendar knows.

    Example:
        >>> compute_deadline(kind="denunciation", step="accept", start=date(2026, 2, 10)).due
        datetime.date(2026, 2, 26)
    """
    table = _table(limits)
    rule = table.get(kind, step)
    start_day = parse_date(start)
    cal = calendar or default_calendar()
    if isinstance(extensions, bool) or not isinstance(extensions, int) or extensions < 0:
        raise ExtensionError(MSG_BAD_EXTENSION_COUNT.format(value=extensions))

    notes_vi: list[str] = []
    notes_en: list[str] = []
    base_days, remote_applied, complex_applied = _variant_days(rule, remote=remote, complex_case=complex)
    if remote and not remote_applied:
        notes_vi.append(NOTE_NO_REMOTE_VI)
        notes_en.append(NOTE_NO_REMOTE_EN)

    count = extensions
    if complex and rule.extension is not None:
        count = max(count, rule.extension.complex_count)
        complex_applied = complex_applied or rule.extension.complex_count > 0
    if complex and not complex_applied:
        notes_vi.append(NOTE_NO_COMPLEX_VI)
        notes_en.append(NOTE_NO_COMPLEX_EN)
    if count:
        if rule.extension is None:
            raise ExtensionError(MSG_NO_EXTENSION.format(rule=rule.id, value=count))
        if count > rule.extension.max_count:
            raise ExtensionError(
                MSG_TOO_MANY_EXTENSIONS.format(rule=rule.id, max=rule.extension.max_count, value=count)
            )
    total = base_days + (count * rule.extension.days if rule.extension else 0)
    if not rule.verified:
        notes_vi.append(NOTE_UNVERIFIED_VI)
        notes_en.append(NOTE_UNVERIFIED_EN)

    if rule.unit is Unit.WORKING:
        due = cal.add_working_days(start_day, total)
        nominal_end = due
        skipped = tuple(cal.days_off_between(start_day, due))
        extra = tuple(cal.extra_working_days_between(start_day, due))
    else:
        nominal_end = start_day + timedelta(days=total)
        due = cal.next_working_day(nominal_end)
        skipped = tuple(cal.days_off_between(nominal_end - timedelta(days=1), due - timedelta(days=1)))
        extra = ()

    deadline = Deadline(
        due=due,
        start=start_day,
        rule=rule,
        days=total,
        base_days=base_days,
        extensions=count,
        remote=remote_applied,
        complex=complex_applied,
        nominal_end=nominal_end,
        skipped=skipped,
        extra_working=extra,
        notes_vi=tuple(notes_vi),
        notes_en=tuple(notes_en),
    )
    explanation_vi, explanation_en = explain(deadline, cal)
    return replace(deadline, explanation_vi=explanation_vi, explanation_en=explanation_en)


def _table(limits: LimitTable | Iterable[LegalLimit] | None) -> LimitTable:
    if limits is None:
        return default_limits()
    if isinstance(limits, LimitTable):
        return limits
    return LimitTable(limits)


def _variant_days(rule: LegalLimit, *, remote: bool, complex_case: bool) -> tuple[int, bool, bool]:
    """Days for the complex/remote variant, and which of the two flags the rule honoured."""
    if remote and rule.remote_days is not None:
        if complex_case and rule.remote_complex_days is not None:
            return rule.remote_complex_days, True, True
        if complex_case and rule.complex_days is not None:
            return max(rule.remote_days, rule.complex_days), True, True
        return rule.remote_days, True, False
    if complex_case and rule.complex_days is not None:
        return rule.complex_days, False, True
    return rule.days, False, False
