"""Performance of agencies and communes, computed fairly for those with few cases.

Definitions (working days on the province's calendar, via :mod:`duluan.calendar`):

- **on-time rate** = answered by the resolve-by date ÷ cases whose answer is due or given
  (answered, plus still open past their deadline — an agency that never answers does not look
  punctual). Shown with its count and a 95 % Wilson interval; below :data:`SMALL_N` cases the
  page says "ít hồ sơ" instead of ranking on a rate that means little.
- **time to accept** = working days from receipt to acceptance (median);
  **time to resolve** = working days from acceptance (or receipt when not accepted) to the
  published answer (median).
- **backlog** = open cases; **overdue** = open cases past the deadline of their current step.
- **satisfaction** = mean of the citizens' ratings (1–5), with how many rated.

By commune, cases located in pre-2025 communes are rolled up into the 2025 communes that succeeded
them (:func:`duluan.apps.geo.selectors.counts_to_2025_units`; a divided commune is shared out).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from django.utils import timezone

from duluan.adminunits import SCHEME_2025
from duluan.apps.geo.models import AdminUnit
from duluan.apps.geo.selectors import counts_to_2025_units

from .models import ANSWERED_STATUSES, OPEN_STATUSES, Case, Status
from .permissions import case_list_for_user
from .services.deadlines import local_day, work_calendar

SMALL_N = 10
Z95 = 1.959963984540054
FEW_CASES = "ít hồ sơ"


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for ``k`` successes in ``n`` trials; ``None`` when ``n`` is 0."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Row:
    key: str
    name: str
    total: int = 0
    backlog: int = 0
    overdue: int = 0
    on_time: int = 0
    due_or_answered: int = 0
    accept_days: list[int] = field(default_factory=list)
    resolve_days: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due_or_answered if self.due_or_answered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.on_time, self.due_or_answered)

    @property
    def few(self) -> bool:
        return self.due_or_answered < SMALL_N

    @property
    def median_accept(self) -> float | None:
        return median(self.accept_days) if self.accept_days else None

    @property
    def median_resolve(self) -> float | None:
        return median(self.resolve_days) if self.resolve_days else None

    @property
    def satisfaction(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    def as_dict(self) -> dict:
        interval = self.interval
        return {
            "key": self.key,
            "name": self.name,
            "total": self.total,
            "backlog": self.backlog,
            "overdue": self.overdue,
            "on_time": self.on_time,
            "due_or_answered": self.due_or_answered,
            "on_time_rate": self.on_time_rate,
            "interval": list(interval) if interval else None,
            "few": self.few,
            "median_accept_working_days": self.median_accept,
            "median_resolve_working_days": self.median_resolve,
            "satisfaction": self.satisfaction,
            "ratings": len(self.ratings),
        }


@dataclass
class CommuneRow:
    code: str
    name: str
    total: float
    backlog: float
    overdue: float


@dataclass
class Performance:
    agencies: list[Row]
    communes: list[CommuneRow]
    overall: Row
    as_of: object
    small_n: int = SMALL_N


def _account(row: Row, case: Case, *, today, calendar) -> None:
    row.total += 1
    received = local_day(case.received_at)
    due = case.current_due
    if case.status in OPEN_STATUSES:
        row.backlog += 1
        if due is not None and due < today:
            row.overdue += 1
            row.due_or_answered += 1
    if case.accepted_at:
        row.accept_days.append(calendar.working_days_between(received, local_day(case.accepted_at)))
    if case.status in ANSWERED_STATUSES and case.published_at:
        row.due_or_answered += 1
        row.on_time += bool(case.answered_on_time)
        start = local_day(case.accepted_at) if case.accepted_at else received
        row.resolve_days.append(calendar.working_days_between(start, local_day(case.published_at)))
    if case.satisfaction:
        row.ratings.append(case.satisfaction)


def performance_for(user, *, today=None) -> Performance:
    """The figures the user may see: officers and heads their own agencies, others all."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    cases = (
        case_list_for_user(user)
        .exclude(status=Status.MERGED)
        .select_related("lead_agency", "unit")
        .only(
            "status",
            "received_at",
            "accepted_at",
            "published_at",
            "accept_due",
            "resolve_due",
            "answered_on_time",
            "satisfaction",
            "lead_agency__name",
            "lead_agency__code",
            "unit__scheme",
            "unit__code",
            "unit__level",
        )
    )
    rows: dict[int, Row] = {}
    overall = Row(key="all", name="Toàn tỉnh")
    by_unit: dict[str, dict[str, defaultdict]] = {
        scheme: {m: defaultdict(float) for m in ("total", "backlog", "overdue")}
        for scheme in ("pre2025", SCHEME_2025)
    }
    for case in cases:
        agency = case.lead_agency
        row = rows.setdefault(agency.pk, Row(key=agency.code, name=agency.name))
        _account(row, case, today=today, calendar=calendar)
        _account(overall, case, today=today, calendar=calendar)
        counts = by_unit[case.unit.scheme]
        counts["total"][case.unit.code] += 1
        if case.status in OPEN_STATUSES:
            counts["backlog"][case.unit.code] += 1
            if case.current_due is not None and case.current_due < today:
                counts["overdue"][case.unit.code] += 1
    communes = _communes(by_unit)
    agencies = sorted(rows.values(), key=lambda r: (-r.total, r.name))
    return Performance(agencies=agencies, communes=communes, overall=overall, as_of=today)


def _communes(by_unit) -> list[CommuneRow]:
    merged: dict[str, dict[str, float]] = defaultdict(lambda: {"total": 0.0, "backlog": 0.0, "overdue": 0.0})
    for measure in ("total", "backlog", "overdue"):
        old = by_unit["pre2025"][measure]
        if old:
            for code, value in counts_to_2025_units(dict(old)).items():
                merged[code][measure] += value
        for code, value in by_unit[SCHEME_2025][measure].items():
            merged[code][measure] += value
    names = dict(
        AdminUnit.objects.filter(scheme=SCHEME_2025, code__in=list(merged)).values_list("code", "name")
    )
    result = [
        CommuneRow(code=code, name=names.get(code, "Chưa xác định xã/phường"), **values)
        for code, values in merged.items()
    ]
    return sorted(result, key=lambda r: (-r.total, r.name))
