"""Reads of the issues app: the dashboard list, an issue's page, exports, training data.

Every list starts from the gatekeeper (:func:`~duluan.apps.issues.permissions.issue_list_for_user`,
:func:`~duluan.apps.intake.permissions.signal_list_for_user`). The dashboard reads only the
precomputed rows (:class:`Issue` counters, :class:`IssueDay`), never counts over all signals.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from duluan.adminunits import PRE2025, SCHEME_2025
from duluan.apps.core.clock import local_midnight
from duluan.apps.core.text import search_key
from duluan.apps.geo.models import AdminUnit, Level
from duluan.apps.intake.models import Signal
from duluan.apps.intake.permissions import signal_list_for_user

from .filters import IssueFilters, place_unit_ids
from .models import Alert, Burst, Correction, CorrectionKind, HotnessLevel, Issue, IssueDay
from .permissions import ALL, issue_list_for_user, visible_unit_ids

PAGE_SIZE = 30
REPRESENTATIVES = 10
REPRESENTATIVE_SCAN = 3000
SUMMARY_CACHE_SECONDS = 300


def _words(q: str) -> list[str]:
    return search_key(q).split()[:8]


def issue_search(*, user, filters: IssueFilters) -> QuerySet[Issue]:
    """The issues the user may see, filtered, hottest first (merged-away and empty ones left out)."""
    qs = issue_list_for_user(user).filter(merged_into__isnull=True, signal_count__gt=0)
    for word in _words(filters.q):
        qs = qs.filter(search_key__contains=word)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.channel:
        qs = qs.filter(channels__contains=f" {filters.channel} ")
    if filters.sentiment:
        qs = qs.filter(dominant_sentiment=filters.sentiment)
    if filters.level:
        qs = qs.filter(hotness_level=filters.level)
    if filters.place is not None:
        through = Issue.units.through
        ids = place_unit_ids(filters.place)
        qs = qs.filter(Exists(through.objects.filter(issue_id=OuterRef("pk"), adminunit_id__in=ids)))
    if filters.date_from or filters.date_to:
        days = IssueDay.objects.filter(issue_id=OuterRef("pk"))
        if filters.date_from:
            days = days.filter(day__gte=filters.date_from)
        if filters.date_to:
            days = days.filter(day__lte=filters.date_to)
        qs = qs.filter(Exists(days))
    return qs.order_by("-hotness", "-last_seen", "-pk")


@dataclass
class IssuePage:
    issues: list[Issue]
    page: int
    has_next: bool
    period_counts: dict[int, int] = field(default_factory=dict)


def issue_page(*, user, filters: IssueFilters) -> IssuePage:
    """One page of :func:`issue_search` (no COUNT over the whole list: one row more says "next")."""
    offset = (filters.page - 1) * PAGE_SIZE
    rows = list(
        issue_search(user=user, filters=filters).defer("hotness_components", "forecast", "summary_terms")[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    issues = rows[:PAGE_SIZE]
    counts: dict[int, int] = {}
    if issues and (filters.date_from or filters.date_to):
        days = IssueDay.objects.filter(issue_id__in=[i.pk for i in issues])
        if filters.date_from:
            days = days.filter(day__gte=filters.date_from)
        if filters.date_to:
            days = days.filter(day__lte=filters.date_to)
        counts = dict(days.values_list("issue_id").annotate(n=Sum("count")).order_by())
    from duluan.apps.core.topics import topic_labels

    labels = topic_labels()
    for issue in issues:
        issue.period_count = counts.get(issue.pk, 0)
        issue.topic_label = labels.get(issue.topic, issue.topic)
    return IssuePage(issues=issues, page=filters.page, has_next=len(rows) > PAGE_SIZE, period_counts=counts)


@dataclass
class DashboardSummary:
    hot: int
    watch: int
    signals_30d: int
    alerts: list[Alert]
    bursts: list[Burst]


def dashboard_summary(*, user, today: date | None = None) -> DashboardSummary:
    """The figures above the list: hot/watch issues, signals in 30 days, latest alerts and bursts."""
    today = today or timezone.localdate()
    visible = issue_list_for_user(user).filter(merged_into__isnull=True)
    levels = dict(
        visible.filter(hotness_level__in=[HotnessLevel.HOT, HotnessLevel.WATCH])
        .values_list("hotness_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    scope = visible_unit_ids(user)
    key = f"issues:signals30:{today.isoformat()}:" + (
        "all" if scope is ALL else hashlib.sha256(",".join(map(str, sorted(scope))).encode()).hexdigest()
    )
    signals = cache.get(key)
    if signals is None:  # a sum over a month of daily rows: kept for a few minutes
        days = IssueDay.objects.filter(day__gt=today - timedelta(days=30), day__lte=today)
        if scope is not ALL:  # scoped users: only their issues' days
            days = days.filter(issue__in=visible.values("pk"))
        signals = days.aggregate(n=Sum("count"))["n"] or 0
        cache.set(key, signals, SUMMARY_CACHE_SECONDS)
    alerts = list(
        Alert.objects.filter(issue__in=visible.values("pk"))
        .select_related("issue")
        .order_by("-created_at", "-pk")[:8]
    )
    bursts = list(
        Burst.objects.filter(flagged_at__gte=today - timedelta(days=14)).order_by("-flagged_at", "-score")[:8]
    )
    return DashboardSummary(
        hot=levels.get(HotnessLevel.HOT, 0),
        watch=levels.get(HotnessLevel.WATCH, 0),
        signals_30d=signals,
        alerts=alerts,
        bursts=bursts,
    )


# -- one issue -------------------------------------------------------------------------------------


@dataclass
class Place:
    code: str
    name: str
    count: float
    lat: float | None
    lon: float | None


@dataclass
class Representative:
    signal: Signal
    similar: int


def issue_days(issue: Issue, *, days: int = 90, today: date | None = None) -> list[tuple[date, int, int]]:
    """(day, count, negative) of the issue's last ``days`` days up to its last signal or today."""
    today = today or timezone.localdate()
    end = today
    start = end - timedelta(days=days - 1)
    rows = dict(
        (d, (c, n))
        for d, c, n in IssueDay.objects.filter(issue=issue, day__gte=start, day__lte=end).values_list(
            "day", "count", "negative"
        )
    )
    if rows:
        start = max(start, min(rows) - timedelta(days=3))
    return [
        (start + timedelta(days=i), *rows.get(start + timedelta(days=i), (0, 0)))
        for i in range((end - start).days + 1)
    ]


def issue_channels(issue: Issue) -> list[tuple[str, str, int]]:
    """Signals per channel, from the counts the refresh keeps (counted live for an issue it has not met)."""
    from duluan.apps.intake.models import Channel

    labels = dict(Channel.choices)
    counts = issue.channel_counts
    if not counts:
        counts = dict(
            Signal.objects.filter(issue=issue).values_list("channel").annotate(n=Count("id")).order_by()
        )
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(c, str(labels.get(c, c)), n) for c, n in rows]


def issue_places(issue: Issue) -> tuple[list[Place], float]:
    """The issue's places rolled up onto 2025 communes (pre-2025 units through the succession).

    Returns:
        The communes with their signal counts and coordinates (largest first), and the number of
        signals placed only at a province/district level or not at all.
    """
    by_unit = {int(k): v for k, v in (issue.unit_counts or {}).items()}
    if not by_unit and issue.signal_count:
        by_unit = dict(
            Signal.objects.filter(issue=issue, unit__isnull=False)
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    located = sum(by_unit.values())
    new: dict[str, float] = defaultdict(float)
    old: dict[str, float] = defaultdict(float)
    elsewhere = float(max(issue.signal_count - located, 0))
    for pk, scheme, code, level in AdminUnit.objects.filter(pk__in=list(by_unit)).values_list(
        "pk", "scheme", "code", "level"
    ):
        n = by_unit[pk]
        if level != Level.COMMUNE:
            elsewhere += n
        elif scheme == SCHEME_2025:
            new[code] += n
        elif scheme == PRE2025:
            old[code] += n
    if old:
        for code, n in _roll_up_to_2025(dict(old), successions=_successions_of(set(old))).items():
            if code == "?":
                elsewhere += n
            else:
                new[code] += n
    units = {
        u.code: u
        for u in AdminUnit.objects.filter(scheme=SCHEME_2025, code__in=list(new)).only(
            "code", "name", "lat", "lon"
        )
    }
    places = [
        Place(
            code,
            units[code].name if code in units else code,
            round(n, 2),
            *((units[code].lat, units[code].lon) if code in units else (None, None)),
        )
        for code, n in new.items()
    ]
    places.sort(key=lambda p: (-p.count, p.name))
    return places, elsewhere


def _successions_of(old_codes: set[str]) -> list:
    """The succession records of these pre-2025 communes only (a few rows, not the ~10,000)."""
    from duluan.adminunits import Succession as SuccessionRecord
    from duluan.apps.geo.models import Succession

    rows = Succession.objects.filter(
        old__scheme=PRE2025, old__code__in=list(old_codes), new__level=Level.COMMUNE
    ).values_list("old__code", "old__level", "new__code", "new__level", "share", "basis")
    return [SuccessionRecord(*row) for row in rows]


def _roll_up_to_2025(counts: dict[str, float], *, successions: list) -> dict[str, float]:
    """:func:`duluan.apps.geo.selectors.counts_to_2025_units` over the given succession records
    (the geo selector reads the whole table on every call, which costs more than the page)."""
    from duluan.adminunits import map_counts_to_2025

    return map_counts_to_2025(counts, successions, level=Level.COMMUNE)


def _group_key(channel: str, external_id: str, group: str) -> str:
    return group or f"{channel}:{external_id}"[-64:]


def issue_representatives(issue: Issue, *, user, limit: int = REPRESENTATIVES) -> list[Representative]:
    """Representative signals: one per near-duplicate group ("+N bản tương tự"), biggest groups first.

    Reads the issue's latest :data:`REPRESENTATIVE_SCAN` signals the user may see.
    """
    rows = list(
        signal_list_for_user(user, Signal.objects.filter(issue=issue))
        .order_by("-created_at", "-pk")
        .values_list("pk", "channel", "external_id", "near_duplicate_group", "duplicate_of_id")[
            :REPRESENTATIVE_SCAN
        ]
    )
    sizes: Counter = Counter()
    leader: dict[str, int] = {}
    key_of_pk: dict[int, str] = {}
    for pk, channel, external_id, group, dup in reversed(rows):  # oldest first: the first one leads
        key = _group_key(channel, external_id, group)
        if dup is not None and dup in key_of_pk:
            key = key_of_pk[dup]
        key_of_pk[pk] = key
        sizes[key] += 1
        leader.setdefault(key, pk)
    top = sorted(sizes, key=lambda k: (-sizes[k], -leader[k]))[:limit]
    signals = {
        s.pk: s
        for s in Signal.objects.filter(pk__in=[leader[k] for k in top])
        .select_related("unit")
        .only("pk", "channel", "title", "text_masked", "created_at", "sentiment", "topic", "unit__name")
    }
    return [Representative(signals[leader[k]], sizes[k] - 1) for k in top if leader[k] in signals]


def issue_signals_for_split(issue: Issue, *, user, limit: int = 200) -> list[Signal]:
    return list(
        signal_list_for_user(user, Signal.objects.filter(issue=issue))
        .order_by("-created_at", "-pk")
        .only("pk", "title", "text_masked", "created_at", "channel")[:limit]
    )


def issue_alerts(issue: Issue, *, limit: int = 10) -> list[Alert]:
    return list(issue.alerts.order_by("-created_at", "-pk")[:limit])


def issue_corrections(issue: Issue) -> list[Correction]:
    return list(
        Correction.objects.filter(issue=issue)
        .select_related("actor", "target")
        .order_by("-created_at", "-pk")[:20]
    )


def issue_merged_from(issue: Issue) -> list[Issue]:
    return list(Issue.objects.filter(merged_into=issue).only("pk", "title").order_by("pk")[:50])


# -- exports ---------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    ("id", "Mã tín hiệu"),
    ("created_at", "Thời điểm"),
    ("channel", "Kênh"),
    ("title", "Tiêu đề"),
    ("text_masked", "Nội dung (đã che dữ liệu cá nhân)"),
    ("topic", "Chủ đề"),
    ("sentiment", "Sắc thái"),
    ("intensity", "Mức độ bức xúc"),
    ("unit__scheme", "Hệ thống đơn vị"),
    ("unit__code", "Mã địa bàn"),
    ("unit__name", "Địa bàn"),
    ("issue_id", "Mã vấn đề"),
    ("issue__title", "Vấn đề"),
]
EXPORT_CHUNK = 5000


def export_signals(*, user, filters: IssueFilters, issue: Issue | None = None) -> QuerySet:
    """The signals to export: visible to the user, filtered; no personal data among the columns."""
    qs = signal_list_for_user(user).filter(issue__isnull=False)
    if issue is not None:
        qs = qs.filter(issue=issue)
    for word in _words(filters.q):
        qs = qs.filter(search_key__contains=word)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.sentiment:
        qs = qs.filter(sentiment=filters.sentiment)
    if filters.place is not None:
        qs = qs.filter(unit_id__in=place_unit_ids(filters.place))
    if filters.date_from:
        qs = qs.filter(created_at__gte=local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=local_midnight(filters.date_to + timedelta(days=1)))
    return qs.order_by("pk").values_list(*[name for name, _ in EXPORT_COLUMNS])


def export_rows(*, user, filters: IssueFilters, issue: Issue | None = None) -> Iterator[list]:
    """Rows of :func:`export_signals`, streamed from the database a chunk at a time."""
    tz = timezone.get_current_timezone()
    for row in export_signals(user=user, filters=filters, issue=issue).iterator(chunk_size=EXPORT_CHUNK):
        row = list(row)
        row[1] = timezone.localtime(row[1], tz).strftime("%d/%m/%Y %H:%M")
        yield row


# -- training data -----------------------------------------------------------------------------


def topic_corrections() -> Iterator[tuple[str, str]]:
    """Officials' topic confirmations on issues as ``(text_masked, topic)`` pairs for retraining.

    The same pairs also reach intake's ``topic_training_pairs`` (the signals are marked
    ``topic_confirmed``); this one follows the corrections of the issues app only.
    """
    for corr in Correction.objects.filter(kind=CorrectionKind.TOPIC).order_by("pk").iterator():
        topic = corr.after.get("topic", "")
        ids = corr.signal_ids or []
        for start in range(0, len(ids), 2000):
            for text in Signal.objects.filter(pk__in=ids[start : start + 2000], topic=topic).values_list(
                "text_masked", flat=True
            ):
                yield text, topic


def cluster_constraints() -> dict[str, list[tuple[int, int]]]:
    """Officials' merges and splits as must-link / cannot-link signal pairs (for tuning the clusterer).

    A merge says its moved signals belong with its anchor signal; a split says the moved signals
    do not belong with the ones left behind (one representative pair per split).
    """
    must, cannot = [], []
    for corr in Correction.objects.filter(kind__in=[CorrectionKind.MERGE, CorrectionKind.SPLIT]).order_by(
        "pk"
    ):
        ids = corr.signal_ids or []
        if corr.kind == CorrectionKind.MERGE and corr.anchor_signal_id and ids:
            must += [(corr.anchor_signal_id, pk) for pk in ids[:100]]
        elif corr.kind == CorrectionKind.SPLIT and ids:
            left = (
                Signal.objects.filter(issue=corr.issue)
                .exclude(pk__in=ids)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if left:
                cannot.append((ids[0], left))
    return {"must_link": must, "cannot_link": cannot}


_BACKDROP: dict[str, list[tuple[float, float]]] = {}


def province_backdrop(province_code: str = "24") -> list[tuple[float, float]]:
    """(lat, lon) of every 2025 commune of the province (static data, kept per process)."""
    if province_code not in _BACKDROP:
        _BACKDROP[province_code] = list(
            AdminUnit.objects.filter(
                scheme=SCHEME_2025, level=Level.COMMUNE, province_code=province_code, lat__isnull=False
            ).values_list("lat", "lon")
        )
    return _BACKDROP[province_code]


def place_options(q: str, *, limit: int = 20) -> list[AdminUnit]:
    """Units for the place filter's suggestions (both schemes, accent-insensitive)."""
    from duluan.apps.geo.selectors import unit_search

    return unit_search(q=q, limit=limit) if search_key(q) else []
