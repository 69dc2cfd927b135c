"""Vietnam's national days off, read from the ``holidays`` package and named for explanations.

``holidays`` knows the Labour Code holidays (lunar Tết included), the days moved off a weekend
("nghỉ bù") and the days the government swapped with a Saturday worked instead ("hoán đổi" /
"làm bù"). This module turns one year of it into plain data: for each day off its Vietnamese and
English names and the *group* it belongs to (so the nine days of Tết read as one "Tết Nguyên Đán"),
and the Saturdays that are working days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

# The government's own lists start with the 1994 Labour Code's observed days; lunar data ends in 2099.
FIRST_YEAR = 1995
LAST_YEAR = 2099

_SUBSTITUTED_VI = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")
_OBSERVED_VI = " (nghỉ bù)"
_OBSERVED_EN = " (observed)"
_TET_VI = "Tết Nguyên Đán"
_TET_EN = "Tết holiday"


@dataclass(frozen=True, slots=True)
class NationalDay:
    """One national day off, or a Saturday turned into a working day."""

    date: date
    working: bool
    kind: str  # "holiday" or "makeup_workday"
    reason_vi: str
    reason_en: str
    group_vi: str
    group_en: str


def _fmt(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _name(vi_names: list[str], en_names: list[str]) -> tuple[str, str, str, str, date | None]:
    """Return (reason_vi, reason_en, group_vi, group_en, swapped-with Saturday) for one day."""
    vi = "; ".join(vi_names)
    en = "; ".join(en_names)
    if any("Lunar New Year" in name for name in en_names):
        return vi, en, _TET_VI, _TET_EN, None
    for name in vi_names:
        match = _SUBSTITUTED_VI.match(name)
        if match:
            day, month, year = (int(g) for g in match.groups())
            worked = date(year, month, day)
            reason_vi = f"Nghỉ hoán đổi với ngày làm bù {_fmt(worked)}"
            reason_en = f"Day off swapped with the working day {_fmt(worked)}"
            return reason_vi, reason_en, reason_vi, reason_en, worked
    group_vi = vi_names[0].removesuffix(_OBSERVED_VI)
    group_en = en_names[0].removesuffix(_OBSERVED_EN)
    return vi, en, group_vi, group_en, None


@lru_cache(maxsize=256)
def national_days(year: int) -> dict[date, NationalDay]:
    """Every national day off of ``year`` and every make-up Saturday the package knows for it.

    Args:
        year: between :data:`FIRST_YEAR` and :data:`LAST_YEAR`.

    Returns:
        A mapping from date to :class:`NationalDay`; days off have ``working=False``.
    """
    in_vi = holidays.country_holidays("VN", years=year, language="vi")
    in_en = holidays.country_holidays("VN", years=year, language="en_US")
    days: dict[date, NationalDay] = {}
    makeup_for: dict[date, date] = {}
    for day in sorted(in_vi):
        if day.year != year:
            continue
        reason_vi, reason_en, group_vi, group_en, worked = _name(in_vi.get_list(day), in_en.get_list(day))
        days[day] = NationalDay(day, False, "holiday", reason_vi, reason_en, group_vi, group_en)
        if worked is not None:
            makeup_for[worked] = day
    for worked in sorted(in_vi.weekend_workdays):
        if worked.year != year:
            continue
        off = makeup_for.get(worked)
        if off is None:
            off = _swapped_day_off(worked)
        if off is not None:
            reason_vi = f"Ngày làm bù cho ngày nghỉ {_fmt(off)}"
            reason_en = f"Make-up working day for the day off on {_fmt(off)}"
        else:
            reason_vi, reason_en = "Ngày làm bù", "Make-up working day"
        days[worked] = NationalDay(worked, True, "makeup_workday", reason_vi, reason_en, reason_vi, reason_en)
    return days


def _swapped_day_off(worked: date) -> date | None:
    """The day off a make-up Saturday pays for, when the two fall in different years."""
    for year in (worked.year - 1, worked.year + 1):
        if FIRST_YEAR <= year <= LAST_YEAR:
            in_vi = holidays.country_holidays("VN", years=year, language="vi")
            for day in in_vi:
                for name in in_vi.get_list(day):
                    match = _SUBSTITUTED_VI.match(name)
                    if match and date(*(int(g) for g in reversed(match.groups()))) == worked:
                        return day
    return None


def package_version() -> str:
    """The ``holidays`` version the national days come from (recorded in every explanation's trace)."""
    return getattr(holidays, "__version__", "?")
