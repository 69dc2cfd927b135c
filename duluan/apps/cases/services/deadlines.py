"""Deadlines of cases: the legal limits and calendar overrides from the admin, fed to the engine.

The engine (:mod:`duluan.calendar`) is pure; this module only reads the rows officials edit and
passes them in as plain data, so a changed limit or an extra day off takes effect on the next
computation without a deploy.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from duluan.calendar import (
    CalendarError,
    Deadline,
    LimitTable,
    WorkCalendar,
    compute_deadline,
    parse_limits,
    parse_overrides,
)

from ..models import CalendarOverride, CountsFrom, DeadlinePolicy, LegalLimit

NO_LIMIT = "Chưa có thời hạn pháp lý cho {kind}/{step}; quản trị viên cần khai báo trong trang quản trị."


class DeadlineError(ValueError):
    """A deadline that cannot be set (an impossible date, a rule that does not allow it)."""


def limit_table() -> LimitTable:
    """The legal limits as edited in the admin (seeded from the engine's shipped file)."""
    rows = [row.as_engine_dict() for row in LegalLimit.objects.all()]
    try:
        return parse_limits(rows)
    except CalendarError as error:
        raise DeadlineError(str(error)) from None


def work_calendar() -> WorkCalendar:
    """The national calendar with the admin's overrides (seeded from the engine's shipped announcements)."""
    rows = [row.as_engine_dict() for row in CalendarOverride.objects.all()]
    try:
        return WorkCalendar(parse_overrides(rows), shipped_overrides=False)
    except CalendarError as error:
        raise DeadlineError(str(error)) from None


def policy_flags(policy: str) -> tuple[bool, bool]:
    """(remote, complex) for a routing rule's deadline policy."""
    return (
        policy in (DeadlinePolicy.REMOTE, DeadlinePolicy.REMOTE_COMPLEX),
        policy in (DeadlinePolicy.COMPLEX, DeadlinePolicy.REMOTE_COMPLEX),
    )


def local_day(moment: datetime | date) -> date:
    """The day in Asia/Ho_Chi_Minh on which ``moment`` happened."""
    if isinstance(moment, datetime):
        return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment


def counts_from(*, kind: str, step: str) -> str:
    row = LegalLimit.objects.filter(kind=kind, step=step).values_list("counts_from", flat=True).first()
    if row is None:
        raise DeadlineError(NO_LIMIT.format(kind=kind, step=step))
    return row


def deadline_compute(
    *,
    kind: str,
    step: str,
    start: date | datetime | str,
    remote: bool = False,
    complex: bool = False,
    extensions: int = 0,
    calendar: WorkCalendar | None = None,
    limits: LimitTable | None = None,
) -> Deadline:
    """The engine's deadline with the admin's rules and calendar; engine errors become DeadlineError."""
    if isinstance(start, datetime | date):
        start = local_day(start)
    try:
        return compute_deadline(
            kind=kind,
            step=step,
            start=start,
            remote=remote,
            complex=complex,
            extensions=extensions,
            calendar=calendar or work_calendar(),
            limits=limits or limit_table(),
        )
    except CalendarError as error:
        raise DeadlineError(str(error)) from None


def resolve_start(*, kind: str, received: date, accepted: date | None) -> date:
    """The day the resolve period runs from, as the rule says (receipt or acceptance)."""
    if counts_from(kind=kind, step="resolve") == CountsFrom.ACCEPTED and accepted is not None:
        return accepted
    return received


def working_days(a: date, b: date, calendar: WorkCalendar | None = None) -> int:
    """Working days in ``(a, b]`` on the province's calendar."""
    return (calendar or work_calendar()).working_days_between(a, b)
