"""Working days for Vietnamese public bodies: weekends, national holidays, swaps and local overrides.

A day is a working day unless it is a Saturday or Sunday, a national day off (``holidays``: Labour
Code holidays with lunar Tết, days moved off a weekend, days swapped with a make-up Saturday), or a
local override says otherwise. Overrides win over everything: an extra day off closes a weekday, an
extra working day opens a weekend (the government's "ngày làm bù").

Two layers of overrides are merged, later wins: the national announcements shipped in
``data/calendar_overrides.json`` that the ``holidays`` package does not carry yet, then the caller's
(the province's, from the admin).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from duluan.calendar.dates import WEEKDAY_EN, WEEKDAY_VI, format_date, parse_date
from duluan.calendar.errors import (
    MSG_BAD_OVERRIDE,
    MSG_NEGATIVE_DAYS,
    MSG_OUT_OF_RANGE,
    CalendarError,
    DateOutOfRangeError,
    OverrideError,
)
from duluan.calendar.national import FIRST_YEAR, LAST_YEAR, national_days, package_version

_ONE_DAY = timedelta(days=1)
WEEKEND = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


class DayKind(StrEnum):
    """Why a day is (not) a working day."""

    WEEKDAY = "weekday"  # an ordinary Monday–Friday
    WEEKEND = "weekend"  # Saturday or Sunday
    HOLIDAY = "holiday"  # national day off (holidays package)
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday worked to pay for a swapped day off
    OVERRIDE_OFF = "override_off"  # extra day off by announcement or local decision
    OVERRIDE_WORKING = "override_working"  # extra working day by announcement or local decision


@dataclass(frozen=True, slots=True)
class DayStatus:
    """One day of the calendar and the reason for its status.

    ``group_vi``/``group_en`` name the occasion for explanations ("Tết Nguyên Đán" for each of the
    days of Tết); ``source`` says where the status comes from (package version or override source).
    """

    date: date
    working: bool
    kind: DayKind
    reason_vi: str
    reason_en: str
    group_vi: str
    group_en: str
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "working": self.working,
            "kind": self.kind.value,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
            "source": self.source,
        }


# A day a deadline stepped over: a DayStatus whose ``working`` is False.
SkippedDay = DayStatus


@dataclass(frozen=True, slots=True)
class CalendarOverride:
    """A day whose status is fixed by an announcement or a local decision.

    Args:
        date: the day.
        working: ``True`` opens the day for work (ngày làm bù), ``False`` closes it (extra day off).
        reason_vi: why, in Vietnamese (shown in explanations).
        reason_en: why, in English (defaults to the Vietnamese text).
        source: the document that decided it ("Văn bản 12729/VPCP-KGVX ngày 25/12/2025").
    """

    date: date
    working: bool
    reason_vi: str
    reason_en: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.date, date):
            raise OverrideError(MSG_BAD_OVERRIDE.format(value=self.date, why="thiếu ngày"))
        if not self.reason_vi.strip():
            raise OverrideError(MSG_BAD_OVERRIDE.format(value=self.date.isoformat(), why="thiếu lý do"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalendarOverride:
        """Build from plain data: ``{"date": "2026-01-02", "working": false, "reason_vi": ...}``."""
        try:
            raw_date = data["date"]
            working = data["working"]
            reason_vi = data["reason_vi"]
        except KeyError as missing:
            raise OverrideError(
                MSG_BAD_OVERRIDE.format(value=dict(data), why=f"thiếu trường {missing}")
            ) from None
        if not isinstance(working, bool):
            raise OverrideError(MSG_BAD_OVERRIDE.format(value=raw_date, why="'working' phải là true/false"))
        try:
            day = parse_date(raw_date)
        except CalendarError as error:
            raise OverrideError(MSG_BAD_OVERRIDE.format(value=raw_date, why=str(error))) from None
        return cls(
            date=day,
            working=working,
            reason_vi=str(reason_vi),
            reason_en=str(data.get("reason_en") or ""),
            source=str(data.get("source") or ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "working": self.working,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
            "source": self.source,
        }


def parse_overrides(data: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> tuple[CalendarOverride, ...]:
    """Overrides from plain data: ``{"overrides": [...]}`` or a bare list of override objects."""
    items = data.get("overrides", ()) if isinstance(data, Mapping) else data
    return tuple(CalendarOverride.from_dict(item) for item in items)


def load_overrides(path: str | Path | None = None) -> tuple[CalendarOverride, ...]:
    """Read overrides from a JSON file; with no path, the national announcements shipped here."""
    if path is None:
        return _shipped_overrides()
    with open(path, encoding="utf-8") as handle:
        return parse_overrides(json.load(handle))


@lru_cache(maxsize=1)
def _shipped_overrides() -> tuple[CalendarOverride, ...]:
    text = resources.files("duluan.calendar").joinpath("data/calendar_overrides.json").read_text("utf-8")
    return parse_overrides(json.loads(text))


class WorkCalendar:
    """The working-day calendar of Vietnamese public bodies, with overrides merged in.

    Args:
        overrides: local overrides (the province's extra days off / working days); they win over
            the national calendar and over the shipped announcements on the same day.
        shipped_overrides: also apply ``data/calendar_overrides.json`` (national announcements the
            ``holidays`` package lacks). Leave on unless a test needs the bare package.

    Example:
        >>> cal = WorkCalendar()
        >>> cal.add_working_days(date(2026, 2, 10), 7)
        datetime.date(2026, 2, 26)
    """

    first_year = FIRST_YEAR
    last_year = LAST_YEAR

    def __init__(self, overrides: Iterable[CalendarOverride] = (), *, shipped_overrides: bool = True) -> None:
        merged: dict[date, CalendarOverride] = {}
        for override in (*(_shipped_overrides() if shipped_overrides else ()), *overrides):
            merged[override.date] = override
        self._overrides = merged

    @property
    def overrides(self) -> tuple[CalendarOverride, ...]:
        """The overrides in force, by date."""
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    # -- one day ---------------------------------------------------------------------------------

    def status(self, day: date) -> DayStatus:
        """The status of ``day`` and why."""
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DateOutOfRangeError(
                MSG_OUT_OF_RANGE.format(value=format_date(day), first=FIRST_YEAR, last=LAST_YEAR)
            )
        override = self._overrides.get(day)
        if override is not None:
            kind = DayKind.OVERRIDE_WORKING if override.working else DayKind.OVERRIDE_OFF
            reason_en = override.reason_en or override.reason_vi
            return DayStatus(
                date=day,
                working=override.working,
                kind=kind,
                reason_vi=override.reason_vi,
                reason_en=reason_en,
                group_vi=override.reason_vi,
                group_en=reason_en,
                source=override.source,
            )
        national = national_days(day.year).get(day)
        if national is not None:
            kind = DayKind.MAKEUP_WORKDAY if national.working else DayKind.HOLIDAY
            return DayStatus(
                date=day,
                working=national.working,
                kind=kind,
                reason_vi=national.reason_vi,
                reason_en=national.reason_en,
                group_vi=national.group_vi,
                group_en=national.group_en,
                source=f"holidays {package_version()}",
            )
        weekday = day.weekday()
        if weekday in WEEKEND:
            return DayStatus(
                date=day,
                working=False,
                kind=DayKind.WEEKEND,
                reason_vi=WEEKDAY_VI[weekday],
                reason_en=WEEKDAY_EN[weekday],
                group_vi="thứ Bảy, Chủ nhật",
                group_en="weekends",
            )
        return DayStatus(day, True, DayKind.WEEKDAY, "", "", "", "")

    def is_working_day(self, day: date) -> bool:
        """``True`` when public bodies work on ``day``."""
        # Same answer as ``status(day).working`` without building the record: this is the hot path.
        override = self._overrides.get(day)
        if override is not None:
            return override.working
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.status(day)  # raises DateOutOfRangeError with the message
        national = national_days(day.year).get(day)
        if national is not None:
            return national.working
        return day.weekday() not in WEEKEND

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    # -- counting --------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself is never counted).

        ``n == 0`` returns ``start`` unchanged. Raises :class:`CalendarError` for a negative ``n``.
        """
        _check_count(n)
        day = start
        remaining = n
        while remaining:
            day += _ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: date, n: int) -> date:
        """``start + n`` days, moved to the next working day when it falls on a day off.

        Bộ luật Dân sự 2015: the start day is not counted (Điều 147 khoản 2) and a period ending on a
        weekend or holiday ends on the next working day (Điều 148 khoản 5).
        """
        _check_count(n)
        return self.next_working_day(start + timedelta(days=n))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]`` — so ``working_days_between(a, add_working_days(a, n)) == n``.

        Negative when ``b`` is before ``a`` (``-working_days_between(b, a)``).
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def days_off_between(self, a: date, b: date) -> list[DayStatus]:
        """The days off in ``(a, b]``, in order, each with its reason."""
        days: list[DayStatus] = []
        day = a
        while day < b:
            day += _ONE_DAY
            status = self.status(day)
            if not status.working:
                days.append(status)
        return days

    def extra_working_days_between(self, a: date, b: date) -> list[DayStatus]:
        """Weekend days in ``(a, b]`` that are working days (make-up Saturdays, local openings)."""
        days: list[DayStatus] = []
        day = a
        while day < b:
            day += _ONE_DAY
            if day.weekday() in WEEKEND:
                status = self.status(day)
                if status.working:
                    days.append(status)
        return days


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise CalendarError(MSG_NEGATIVE_DAYS.format(value=n))


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The national calendar with the shipped announcements and no local overrides (shared, read-only)."""
    return WorkCalendar()


def working_days_between(a: date, b: date, calendar: WorkCalendar | None = None) -> int:
    """Working days in ``(a, b]`` on ``calendar`` (default: :func:`default_calendar`).

    For on-time statistics: a case answered on day ``b`` for a limit of ``n`` working days from
    ``a`` is on time when ``working_days_between(a, b) <= n``.
    """
    return (calendar or default_calendar()).working_days_between(a, b)
