"""Reads of the campaigns app: lists, output summaries, the calendar, the effect's data, notes."""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from duluan.adminunits import PRE2025, SCHEME_2025
from duluan.apps.core.clock import part_of_day_gone
from duluan.apps.core.text import search_key
from duluan.apps.core.topics import topic_labels
from duluan.apps.geo.models import AdminUnit, Level, Succession

from . import effect as effect_engine
from .models import Acknowledgement, Campaign, NoteStatus, OrientationNote, Output, OutputStatus

VN = ZoneInfo("Asia/Ho_Chi_Minh")


# -- campaigns ---------------------------------------------------------------------------------


def campaign_list(queryset: QuerySet[Campaign]) -> list[Campaign]:
    return list(
        queryset.select_related("lead_agency", "plan_item")
        .annotate(
            n_outputs=Count("outputs", distinct=True),
            n_delivered=Count("outputs", filter=Q(outputs__status=OutputStatus.DELIVERED), distinct=True),
        )
        .order_by("-start_on", "pk")
    )


@dataclass
class ChannelRow:
    channel: str
    planned: int = 0
    delivered: int = 0
    outputs: int = 0
    delivered_outputs: int = 0
    attendance: int = 0
    reach: int = 0


def outputs_by_channel(campaign: Campaign) -> list[ChannelRow]:
    """Planned and delivered quantities, attendance and reach per channel."""
    rows: dict[str, ChannelRow] = {}
    for o in campaign.outputs.select_related("channel").order_by("channel__position", "channel__code"):
        row = rows.setdefault(o.channel.name, ChannelRow(o.channel.name))
        row.outputs += 1
        row.planned += o.planned_quantity
        if o.status == OutputStatus.DELIVERED:
            row.delivered_outputs += 1
            row.delivered += o.delivered_quantity or 0
            row.attendance += o.attendance or 0
            row.reach += o.reach or 0
    return list(rows.values())


def campaign_outputs(campaign: Campaign) -> list[Output]:
    return list(
        campaign.outputs.select_related("channel", "unit", "agency")
        .prefetch_related("evidence")
        .order_by("planned_on", "pk")
    )


def campaign_units(campaign: Campaign) -> list[AdminUnit]:
    return list(campaign.target_units.select_related("parent").order_by("scheme", "code"))


# -- calendar ----------------------------------------------------------------------------------


@dataclass
class Day:
    day: date
    in_month: bool
    outputs: list = field(default_factory=list)
    campaigns: list = field(default_factory=list)


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date
    campaigns: list[Campaign]


def month_of(value: str | None, today: date | None = None) -> date:
    """The first day of the month named ``YYYY-MM`` (today's month when absent or malformed)."""
    today = today or timezone.localdate()
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def calendar_month(queryset: QuerySet[Campaign], first: date) -> Month:
    """A Monday-first month grid with the outputs (on their delivered, else planned, day) and the
    campaigns running each day."""
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = weeks_dates[0][0], weeks_dates[-1][-1]
    campaigns = list(
        queryset.filter(start_on__lte=end, end_on__gte=start)
        .select_related("lead_agency")
        .order_by("start_on", "pk")
    )
    outputs = (
        Output.objects.filter(campaign__in=queryset)
        .filter(
            Q(delivered_on__range=(start, end)) | Q(delivered_on__isnull=True, planned_on__range=(start, end))
        )
        .select_related("channel", "campaign")
        .order_by("pk")
    )
    by_day = defaultdict(list)
    for o in outputs:
        by_day[o.day].append(o)
    weeks = [
        [
            Day(
                d,
                d.month == first.month,
                by_day.get(d, []),
                [c for c in campaigns if c.start_on <= d <= c.end_on],
            )
            for d in week
        ]
        for week in weeks_dates
    ]
    prev = (first - timedelta(days=1)).replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return Month(first, weeks, prev, nxt, campaigns)


# -- effect ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periods:
    """Before, during, after as [start, end) dates; the later ones are cut at today.

    Read live (``today`` given), the period holding today is as long as the part of today gone
    by (``elapsed``) allows: its signals so far are per that time, not per a whole day, which
    on a campaign's first morning read as a third of the real rate.
    """

    bounds: tuple[tuple[date, date], tuple[date, date], tuple[date, date]]
    today: date | None = None
    elapsed: float = 1.0

    @property
    def inclusive(self) -> tuple[tuple[date, date], ...]:
        """The periods as shown to people: first and last day (the last day included)."""
        return tuple((s, max(s, e - timedelta(days=1))) for s, e in self.bounds)

    @property
    def days(self) -> tuple[float, float, float]:
        live = self.today
        return tuple(
            float(max((e - s).days, 0)) - (1.0 - self.elapsed if live is not None and s <= live < e else 0.0)
            for s, e in self.bounds
        )


def campaign_periods(campaign: Campaign, today: date | None = None) -> Periods:
    """Before = as long as the campaign, just before it; after = as long, just after it.

    Without ``today`` the periods are read live: up to now, today counting for the part of it
    gone by. A given ``today`` is read as over (a report as of that day).
    """
    elapsed, live = 1.0, today is None
    if live:
        now = timezone.now()
        today, elapsed = timezone.localtime(now).date(), part_of_day_gone(now)
    length = timedelta(days=(campaign.end_on - campaign.start_on).days + 1)
    start, stop = campaign.start_on, campaign.end_on + timedelta(days=1)
    horizon = today + timedelta(days=1)
    before = (start - length, min(start, horizon))
    during = (start, max(start, min(stop, horizon)))
    after = (stop, max(stop, min(stop + length, horizon)))
    return Periods((before, during, after), today if live else None, elapsed)


def _aware(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=VN)


def home_communes(province_code: str | None = None) -> dict[int, AdminUnit]:
    code = province_code or settings.DULUAN_HOME_PROVINCE
    return {
        u.pk: u
        for u in AdminUnit.objects.filter(scheme=SCHEME_2025, level=Level.COMMUNE, province_code=code).only(
            "pk", "code", "name", "lat", "lon", "province_code"
        )
    }


def _old_to_new(new_ids) -> dict[int, int]:
    """Each pre-2025 commune → the 2025 commune that took the largest share of it."""
    best: dict[int, tuple[float, int]] = {}
    for old, new, share in Succession.objects.filter(
        new_id__in=new_ids, old__level=Level.COMMUNE
    ).values_list("old_id", "new_id", "share"):
        if old not in best or (share, -new) > (best[old][0], -best[old][1]):
            best[old] = (share, new)
    return {old: new for old, (_, new) in best.items()}


def targeted_2025_communes(campaign: Campaign, communes: dict[int, AdminUnit]) -> set[int]:
    """The 2025 communes a campaign's places cover (units of either scheme, any level)."""
    out: set[int] = set()
    roots = list(campaign.target_units.all())
    for unit in roots:
        if unit.scheme == SCHEME_2025:
            if unit.level == Level.COMMUNE:
                out.add(unit.pk)
            else:
                out |= {pk for pk, u in communes.items() if u.province_code == unit.province_code}
            continue
        # A pre-2025 unit: its communes (itself if a commune) → every 2025 commune they went into.
        ids, frontier = {unit.pk}, {unit.pk}
        while frontier:
            frontier = (
                set(AdminUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            )
            ids |= frontier
        out |= set(
            Succession.objects.filter(
                old_id__in=ids, old__level=Level.COMMUNE, new_id__in=communes
            ).values_list("new_id", flat=True)
        )
    return out & set(communes)


def theme_filter(campaign: Campaign) -> Q:
    """Signals about the campaign's theme: one of its topic codes, or a keyword (accent-insensitive)."""
    q = Q(pk__in=[])
    if campaign.topic_codes:
        q |= Q(topic__in=campaign.topic_codes)
    for word in campaign.keywords:
        key = search_key(word)
        if key:
            q |= Q(search_key__contains=key)
    return q


@dataclass
class EffectView:
    result: effect_engine.EffectResult
    periods: Periods
    targeted: int  # communes in each group of the estimate (after matching)
    comparison: int
    unplaced: int
    weekly: list[tuple[date, int, int]]  # week start, signals in all targeted / all other communes
    topic_rows: list[tuple[str, list[int]]]  # topic label, counts by (group, period)
    statements: list[str]
    method: str = ""  # how the comparison group was chosen
    targeted_all: int = 0  # communes the campaign targets / the province's other communes
    comparison_all: int = 0
    unmatched_statements: list[str] = field(default_factory=list)  # against every other commune
    plain: effect_engine.EffectResult | None = None  # the DiD against every other commune


def campaign_effect(
    campaign: Campaign, *, today: date | None = None, seed: int = effect_engine.SEED
) -> EffectView:
    """The campaign's theme signals before/during/after, targeted vs matched communes among the
    province's others, and the DiD estimates (see :mod:`duluan.apps.campaigns.effect`); the plain
    DiD against every other commune is kept beside it, as a check."""
    from duluan.apps.intake.models import Sentiment, Signal

    periods = campaign_periods(campaign, today)
    communes = home_communes()
    targeted = targeted_2025_communes(campaign, communes)
    comparison = set(communes) - targeted
    old_map = _old_to_new(communes)
    lo, hi = periods.bounds[0][0], periods.bounds[2][1]
    rows = (
        Signal.objects.filter(theme_filter(campaign), created_at__gte=_aware(lo), created_at__lt=_aware(hi))
        .filter(duplicate_of__isnull=True)
        .order_by()
        .values_list("unit_id", "unit__scheme", "created_at", "sentiment", "topic")
    )
    keys, per, neg, top, when = [], [], [], [], []
    unplaced = 0
    edges = [b[0] for b in periods.bounds] + [periods.bounds[2][1]]
    for unit_id, scheme, created, sentiment, topic in rows.iterator(chunk_size=5000):
        commune = unit_id if unit_id in communes else (old_map.get(unit_id) if scheme == PRE2025 else None)
        if commune is None:
            unplaced += 1
            continue
        day = timezone.localtime(created, VN).date()
        p = next((i for i in range(3) if edges[i] <= day < edges[i + 1]), None)
        if p is None:
            continue
        keys.append(commune)
        per.append(p)
        neg.append(sentiment == Sentiment.NEGATIVE)
        top.append(topic)
        when.append(day)
    arguments = {
        "commune": keys,
        "period": per,
        "negative": neg,
        "targeted_communes": sorted(targeted),
        "comparison_communes": sorted(comparison),
        "period_days": periods.days,
        "topic": top,
        "seed": seed,
    }
    result = effect_engine.campaign_effect(**arguments, comparison=effect_engine.MATCHED)
    plain = effect_engine.campaign_effect(**arguments, comparison=effect_engine.ALL)
    group_t = set(result.groups[effect_engine.TARGETED])
    group_c = set(result.groups[effect_engine.COMPARISON])
    # Weekly series (Monday weeks) for the timeline chart.
    weekly_counts: dict[date, list[int]] = {}
    week0 = lo - timedelta(days=lo.weekday())
    w = week0
    while w < hi:
        weekly_counts[w] = [0, 0]
        w += timedelta(days=7)
    for k, d in zip(keys, when, strict=True):  # all communes: a description, not the estimate
        wk = d - timedelta(days=d.weekday())
        weekly_counts.setdefault(wk, [0, 0])[0 if k in targeted else 1] += 1
    weekly = [(d, a, b) for d, (a, b) in sorted(weekly_counts.items())]
    labels = topic_labels()  # the page's language
    totals: dict[str, list[int]] = {}
    order = [(g, p) for g in (effect_engine.TARGETED, effect_engine.COMPARISON) for p in range(3)]
    for i, cell in enumerate(order):
        for code, n in result.topics.get(cell, {}).items():
            totals.setdefault(code, [0] * 6)[i] += n
    topic_rows = sorted(
        ((labels.get(code, code or "—"), counts) for code, counts in totals.items()), key=lambda r: -sum(r[1])
    )[:8]
    contrasts = [
        (m, c) for c in (effect_engine.DURING, effect_engine.AFTER) for m in ("share_negative", "volume")
    ]
    return EffectView(
        result,
        periods,
        len(group_t),
        len(group_c),
        unplaced,
        weekly,
        topic_rows,
        [effect_engine.statement_vi(result.estimate(m, c)) for m, c in contrasts],
        method=effect_engine.matching_statement_vi(result),
        targeted_all=len(targeted),
        comparison_all=len(comparison),
        unmatched_statements=[effect_engine.statement_vi(plain.estimate(m, c)) for m, c in contrasts],
        plain=plain,
    )


# -- surveys -----------------------------------------------------------------------------------

SURVEY_NOT_LINKED = (
    "Chưa có số liệu khảo sát về mức độ biết và ủng hộ: chiến dịch chưa được gắn với đợt khảo sát "
    "nào có câu hỏi về nhận biết và ủng hộ nội dung tuyên truyền."
)
SURVEY_NO_RESULTS = "Đợt khảo sát “{round}” chưa có kết quả: {detail}"
SURVEY_SYNTHETIC = (
    "Khung mẫu của đợt khảo sát này là GIẢ LẬP (dân số, thôn và câu trả lời sinh ngẫu nhiên cho bản "
    "demo): các con số chỉ để trình diễn cách tính, không phản ánh ý kiến thật của người dân."
)
SURVEY_METHOD = (
    "Tỷ lệ có trọng số theo thiết kế mẫu của đợt khảo sát (trọng số cơ sở từ xác suất chọn, điều chỉnh "
    "không trả lời theo xã, hiệu chỉnh theo tổng thể biên nếu đợt có); khoảng tin cậy 95 % theo thiết kế "
    "hai giai đoạn phân tầng (xã là đơn vị chọn mẫu cấp 1, thôn là cấp 2); chênh lệch giữa hai nhóm xã có "
    "sai số chuẩn tuyến tính hóa. Mẫu số là người được hỏi câu đó (kể cả trả lời “không biết”). Chỉ nêu số "
    "khi nhóm có ít nhất {min} người trả lời."
)


@dataclass
class SurveyPanel:
    """Awareness and support of the campaign's theme from one linked round (or why none)."""

    link: object
    round: object
    synthetic: bool
    message: str = ""
    respondents: int = 0
    targeted_communes: int = 0
    other_communes: int = 0
    first_day: date | None = None
    last_day: date | None = None
    rows: list = field(default_factory=list)  # (label, question label, MeasureResult)
    statements: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.message


def _indicator(value, *, yes: str | None = None, lo: int = 0, hi: int = 0) -> float:
    if value in (None, "", []):
        return float("nan")
    if yes is not None:
        return 1.0 if str(value) == yes else 0.0
    try:
        number = int(str(value))
    except ValueError:
        return 0.0
    return 1.0 if lo <= number <= hi else 0.0


def points(difference) -> tuple[str, str]:
    """A difference in percentage points and its interval, as shown ("+12,3", "[+5,0; +19,6]")."""
    if not difference.enough:
        return "", ""

    def f(x):
        return f"{x * 100:+.1f}".replace(".", ",")

    return f(difference.value), f"[{f(difference.low)}; {f(difference.high)}]"


def _survey_panel(link, targeted: set[int], old_map: dict[int, int], min_n: int) -> SurveyPanel:
    from duluan.apps.surveys.estimates import ResultsUnavailable, round_results
    from duluan.apps.surveys.models import Response

    from . import awareness

    round_ = link.round
    synthetic = bool(round_.frame.is_synthetic or round_.frame.villages_synthetic)
    panel = SurveyPanel(link=link, round=round_, synthetic=synthetic)
    try:
        results = round_results(round_)
    except ResultsUnavailable as exc:
        panel.message = SURVEY_NO_RESULTS.format(round=round_.name, detail=exc)
        return panel
    resp = results.respondents
    meta = {
        code: (stratum, unit_id if scheme == SCHEME_2025 else old_map.get(unit_id))
        for code, unit_id, scheme, stratum in round_.communes.values_list(
            "frame_unit__unit__code", "frame_unit__unit_id", "frame_unit__unit__scheme", "stratum"
        )
    }
    answers = dict(Response.objects.filter(round=round_).values_list("invitation_id", "answers"))
    days = list(Response.objects.filter(round=round_).values_list("submitted_at", flat=True))
    communes = [str(c) for c in resp["commune"]]
    is_targeted = [meta.get(c, ("", None))[1] in targeted for c in communes]
    rows = [answers.get(int(i), {}) for i in resp["invitation"]]
    aware = [_indicator(a.get(link.awareness_item), yes=link.awareness_value) for a in rows]
    support = [_indicator(a.get(link.support_item), lo=link.support_min, hi=link.support_max) for a in rows]
    result = awareness.survey_shares(
        indicators={"aware": aware, "support": support},
        weights=resp["final_weight"].to_numpy(dtype=float),
        strata=[meta.get(c, ("?", None))[0] for c in communes],
        commune=communes,
        village=[str(v) for v in resp["village"]],
        targeted=is_targeted,
        min_n=min_n,
    )
    instrument = round_.instrument.parsed()

    def label(item):
        return instrument.question(item).label if instrument.has(item) else item

    panel.respondents = len(rows)
    panel.targeted_communes = len({c for c, t in zip(communes, is_targeted, strict=True) if t})
    panel.other_communes = len(set(communes)) - panel.targeted_communes
    if days:
        panel.first_day = timezone.localtime(min(days), VN).date()
        panel.last_day = timezone.localtime(max(days), VN).date()
    panel.rows = [
        ("Biết về nội dung tuyên truyền", label(link.awareness_item), result["aware"]),
        (f"Ủng hộ (mức {link.support_min}–{link.support_max})", label(link.support_item), result["support"]),
    ]
    panel.rows = [(a, b, m, points(m.difference)) for a, b, m in panel.rows]
    panel.statements = [
        awareness.statement_vi("người biết", result["aware"]),
        awareness.statement_vi("người ủng hộ", result["support"]),
    ]
    return panel


def campaign_survey(campaign: Campaign, *, min_n: int | None = None) -> dict:
    """Awareness and support of the campaign's theme from each linked survey round: weighted
    shares with 95 % intervals, overall and in targeted vs other communes (see
    :mod:`duluan.apps.campaigns.awareness`); with no linked round, a plain message instead."""
    from . import awareness

    min_n = awareness.MIN_RESPONDENTS if min_n is None else min_n
    links = list(
        campaign.survey_links.select_related("round__frame", "round__instrument", "round__index").order_by(
            "round__year", "round__code"
        )
    )
    if not links:
        return {"available": False, "message": SURVEY_NOT_LINKED, "panels": [], "method": ""}
    communes = home_communes()
    targeted = targeted_2025_communes(campaign, communes)
    old_map = _old_to_new(communes)
    panels = [_survey_panel(link, targeted, old_map, min_n) for link in links]
    available = any(p.available for p in panels)
    message = "" if available else " ".join(p.message for p in panels)
    return {
        "available": available,
        "message": message,
        "panels": panels,
        "method": SURVEY_METHOD.format(min=min_n),
        "synthetic_note": SURVEY_SYNTHETIC,
    }


# -- orientation notes -------------------------------------------------------------------------


def orientation_notes_for_issue(issue, *, user=None) -> list[OrientationNote]:
    """Orientation notes about ``issue`` (or an issue merged into it).

    With ``user``, the notes that user may see (drafts included for their authors' agency);
    without, only approved or delivered notes. For the issues app's hot-issue page.
    """
    from .permissions import note_queryset_for_user

    issue_ids = (
        [issue.pk, *issue.merged_from.values_list("pk", flat=True)]
        if hasattr(issue, "merged_from")
        else [issue.pk]
    )
    qs = OrientationNote.objects.filter(issue_id__in=issue_ids)
    if user is None:
        qs = qs.filter(status__in=[NoteStatus.APPROVED, NoteStatus.DELIVERED])
    else:
        qs = qs.filter(pk__in=note_queryset_for_user(user).values("pk"))
    return list(qs.select_related("agency").order_by("-created_at", "-pk"))


def note_list(queryset: QuerySet[OrientationNote]) -> list[OrientationNote]:
    return list(
        queryset.select_related("agency", "issue", "campaign")
        .annotate(
            n_acks=Count("acknowledgements", distinct=True), n_recipients=Count("recipients", distinct=True)
        )
        .order_by("-created_at", "-pk")
    )


@dataclass
class RecipientRow:
    agency: object
    acknowledgements: list[Acknowledgement]


def note_readers(note: OrientationNote) -> list[RecipientRow]:
    """Each recipient agency with who acknowledged and when."""
    acks = defaultdict(list)
    for a in note.acknowledgements.select_related("user", "agency").order_by("at"):
        acks[a.agency_id].append(a)
    return [RecipientRow(a, acks.get(a.pk, [])) for a in note.recipients.order_by("code")]


def hot_issues(limit: int = 50):
    from duluan.apps.issues.models import HotnessLevel, Issue

    return list(
        Issue.objects.filter(merged_into__isnull=True)
        .filter(Q(hotness_level=HotnessLevel.HOT) | Q(hotness_level=HotnessLevel.WATCH))
        .order_by("-hotness")[:limit]
    )


def outputs_totals(campaign: Campaign) -> dict:
    agg = campaign.outputs.aggregate(
        planned=Sum("planned_quantity"),
        delivered=Sum("delivered_quantity", filter=Q(status=OutputStatus.DELIVERED)),
        attendance=Sum("attendance", filter=Q(status=OutputStatus.DELIVERED)),
        reach=Sum("reach", filter=Q(status=OutputStatus.DELIVERED)),
    )
    return {k: v or 0 for k, v in agg.items()}
