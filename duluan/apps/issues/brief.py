"""The weekly brief officials file: "Báo cáo tình hình dư luận xã hội" for any period, as DOCX.

Built with the shared state-format builder (:mod:`duluan.apps.reports.state_document`, Decree
30/2020/NĐ-CP). The figures come from the issues the user may see: per-day rows
(:class:`IssueDay`) of the period and of the previous period of equal length, so "changes since
the last brief" compares like with like. A period not over yet is counted up to now, and the one
before it up to the same point (its signals of that last day up to the same hour), so a brief
made on a Thursday of the week does not read as a fall against a whole week. Charts are
matplotlib PNGs (Agg backend, DejaVu Sans — it has every Vietnamese letter).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.db.models import Count, Q, Sum
from django.utils import timezone

from duluan.analysis.hotness import format_vi
from duluan.apps.core.clock import local_midnight
from duluan.apps.core.topics import topic_labels
from duluan.apps.intake.models import Signal
from duluan.apps.reports.state_document import Signer, StateDocument

from .filters import DATE_FORMATS
from .models import Alert, HotnessLevel, Issue, IssueDay
from .permissions import ALL, issue_list_for_user, visible_unit_ids

BAD_BRIEF_RANGE = "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."
BRIEF_TOO_LONG = "Kỳ báo cáo dài tối đa 366 ngày."
TOP_ISSUES = 10
LEVEL_VI = dict(HotnessLevel.choices)


class BriefForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(input_formats=DATE_FORMATS, label="Từ ngày")
        self.fields["to"] = forms.DateField(input_formats=DATE_FORMATS, label="Đến ngày")

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if start > end:
                raise forms.ValidationError(BAD_BRIEF_RANGE)
            if (end - start).days > 365:
                raise forms.ValidationError(BRIEF_TOO_LONG)
        return data


@dataclass
class PeriodFigures:
    start: date
    end: date
    total: int
    negative: int
    by_day: dict[date, int]
    by_topic: dict[str, int]
    by_issue: dict[int, int]


def _figures(user, start: date, end: date, *, until: datetime | None = None) -> PeriodFigures:
    """The figures of ``start``..``end``, or of its part up to the moment ``until`` when that falls
    within it: the whole days before from their rows, the day of ``until`` from its signals."""
    cut = timezone.localtime(until).date() if until is not None else None
    if cut is not None and cut > end:
        cut = None
    whole_end = min(end, cut - timedelta(days=1)) if cut is not None else end
    scope = None if visible_unit_ids(user) is ALL else issue_list_for_user(user).values("pk")
    days = IssueDay.objects.filter(day__gte=start, day__lte=whole_end, issue__merged_into__isnull=True)
    if scope is not None:
        days = days.filter(issue__in=scope)
    by_day: dict[date, int] = defaultdict(int)
    by_topic: dict[str, int] = defaultdict(int)
    by_issue: dict[int, int] = defaultdict(int)
    total = negative = 0
    for day, n, neg in days.values_list("day").annotate(n=Sum("count"), neg=Sum("negative")).order_by():
        by_day[day] += n
        total += n
        negative += neg
    for topic, n in days.values_list("issue__topic").annotate(n=Sum("count")).order_by():
        by_topic[topic or "other"] += n
    for issue_id, n in days.values_list("issue_id").annotate(n=Sum("count")).order_by("-n")[:200]:
        by_issue[issue_id] += n
    if cut is not None and cut >= start:
        signals = Signal.objects.filter(
            issue__isnull=False,
            issue__merged_into__isnull=True,
            created_at__gte=local_midnight(cut),
            created_at__lt=until,
        )
        if scope is not None:
            signals = signals.filter(issue__in=scope)
        counted = signals.aggregate(n=Count("id"), neg=Count("id", filter=Q(sentiment="negative")))
        by_day[cut] += counted["n"]
        total += counted["n"]
        negative += counted["neg"]
        for topic, n in signals.values_list("issue__topic").annotate(n=Count("id")).order_by():
            by_topic[topic or "other"] += n
        for issue_id, n in signals.values_list("issue_id").annotate(n=Count("id")).order_by("-n")[:200]:
            by_issue[issue_id] += n
    # the 200 busiest (of the whole days' 200 and the last day's 200), busiest first
    top = dict(sorted(by_issue.items(), key=lambda item: -item[1])[:200])
    return PeriodFigures(start, end, total, negative, dict(by_day), dict(by_topic), top)


def _change(now: float, before: float) -> str:
    if before == 0:
        return "mới" if now else "—"
    pct = 100 * (now - before) / before
    return ("+" if pct > 0 else "") + format_vi(pct, 0) + " %"


def _chart_days(cur: PeriodFigures, prev: PeriodFigures) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["font.family"] = ["DejaVu Sans"]
    n = (cur.end - cur.start).days + 1
    xs = list(range(n))
    now = [cur.by_day.get(cur.start + timedelta(days=i), 0) for i in xs]
    before = [prev.by_day.get(prev.start + timedelta(days=i), 0) for i in xs]
    fig, ax = plt.subplots(figsize=(7, 2.8), dpi=150)
    ax.bar(xs, now, color="#b4232a", label=f"Kỳ này ({cur.start:%d/%m}–{cur.end:%d/%m/%Y})")
    ax.plot(
        xs, before, color="#5b6475", marker="o", label=f"Kỳ trước ({prev.start:%d/%m}–{prev.end:%d/%m/%Y})"
    )
    step = max(1, n // 10)
    ax.set_xticks(xs[::step], [f"{cur.start + timedelta(days=i):%d/%m}" for i in xs[::step]])
    ax.set_ylabel("Số phản ánh")
    ax.set_title("Số phản ánh theo ngày")
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _chart_topics(rows: list[tuple[str, int, int]]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["font.family"] = ["DejaVu Sans"]
    rows = rows[:8][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1), dpi=150)
    ys = range(len(rows))
    ax.barh([y + 0.2 for y in ys], [r[1] for r in rows], height=0.4, color="#b4232a", label="Kỳ này")
    ax.barh([y - 0.2 for y in ys], [r[2] for r in rows], height=0.4, color="#c6cedd", label="Kỳ trước")
    ax.set_yticks(list(ys), [r[0][:40] for r in rows], fontsize=8)
    ax.set_title("Phản ánh theo lĩnh vực")
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _issuer(user) -> tuple[str, str]:
    agency = getattr(user, "agency", None)
    if agency is None:
        return "UBND TỈNH BẮC NINH", "VĂN PHÒNG"
    parent = agency.parent.name if agency.parent_id else ""
    return parent.upper(), (agency.name or "").upper()


def brief_docx(*, user, start: date, end: date, signer: Signer | None = None) -> bytes:
    """Render the brief for ``start``..``end`` (inclusive) as DOCX bytes."""
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    prev_start = prev_end - timedelta(days=length - 1)
    now = timezone.now()
    # a period not over yet: counted up to now, and the one before up to the same point of it
    live = timezone.localtime(now).date() <= end
    cur = _figures(user, start, end, until=now if live else None)
    prev = _figures(user, prev_start, prev_end, until=now - timedelta(days=length) if live else None)
    labels = topic_labels(language="vi")  # a report in the state's format is in Vietnamese
    parent, agency = _issuer(user)
    doc = StateDocument(
        agency_parent=parent,
        agency=agency,
        number="      /BC-DL",
        place="Bắc Ninh",
        date=timezone.localdate(),
        kind="BÁO CÁO",
        title=f"Tình hình dư luận xã hội từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}",
        signer=signer or Signer(authority="TM. ỦY BAN NHÂN DÂN", position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        recipients=[
            "Thường trực Tỉnh ủy (b/c)",
            "Chủ tịch, các PCT UBND tỉnh",
            "Các sở, ban, ngành",
            "Lưu: VT",
        ],
    )

    doc.heading("I. TÌNH HÌNH CHUNG", level=1)
    neg_share = 100 * cur.negative / cur.total if cur.total else 0
    doc.paragraph(
        f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y} ({length} ngày), hệ thống ghi nhận "
        f"{format_vi(cur.total, 0)} phản ánh, kiến nghị của người dân qua các kênh "
        f"({_change(cur.total, prev.total)} so với kỳ trước từ {prev_start:%d/%m/%Y} đến "
        f"{prev_end:%d/%m/%Y}: {format_vi(prev.total, 0)} phản ánh); "
        f"{format_vi(neg_share, 0)} % mang sắc thái tiêu cực."
    )
    if live:
        then = timezone.localtime(now - timedelta(days=length))
        doc.paragraph(
            f"Kỳ báo cáo chưa kết thúc: số liệu tính đến {timezone.localtime(now):%H:%M ngày %d/%m/%Y}; "
            f"kỳ trước được tính đến cùng thời điểm ({then:%H:%M ngày %d/%m/%Y}) để so sánh tương ứng."
        )
    doc.image(
        _chart_days(cur, prev), width_mm=160, caption="Hình 1. Số phản ánh theo ngày, kỳ này và kỳ trước"
    )
    topic_rows = sorted(
        (
            (labels.get(t, t), cur.by_topic.get(t, 0), prev.by_topic.get(t, 0))
            for t in set(cur.by_topic) | set(prev.by_topic)
        ),
        key=lambda r: (-r[1], r[0]),
    )
    doc.table(
        ["STT", "Lĩnh vực", "Kỳ này", "Kỳ trước", "Thay đổi"],
        [
            [str(i), name, format_vi(a, 0), format_vi(b, 0), _change(a, b)]
            for i, (name, a, b) in enumerate(topic_rows, 1)
        ],
        widths=[12, 80, 22, 22, 24],
        caption="Bảng 1. Phản ánh theo lĩnh vực",
    )
    if topic_rows:
        doc.image(_chart_topics(topic_rows), width_mm=150, caption="Hình 2. Phản ánh theo lĩnh vực")

    doc.heading("II. CÁC VẤN ĐỀ NỔI BẬT", level=1)
    top_ids = list(cur.by_issue)[:TOP_ISSUES]
    issues = {i.pk: i for i in Issue.objects.filter(pk__in=top_ids)}
    if not top_ids:
        doc.paragraph("Trong kỳ không ghi nhận phản ánh.")
    rows = []
    for n, pk in enumerate(top_ids, 1):
        issue = issues[pk]
        rows.append(
            [
                str(n),
                issue.title,
                labels.get(issue.topic, issue.topic or "—"),
                format_vi(cur.by_issue[pk], 0),
                _change(cur.by_issue[pk], prev.by_issue.get(pk, 0)),
                str(LEVEL_VI.get(issue.hotness_level, issue.hotness_level)),
            ]
        )
    if rows:
        doc.table(
            ["STT", "Vấn đề", "Lĩnh vực", "Phản ánh", "So kỳ trước", "Mức"],
            rows,
            widths=[10, 62, 36, 20, 22, 20],
            caption="Bảng 2. Các vấn đề được phản ánh nhiều nhất trong kỳ",
        )
    for n, pk in enumerate(top_ids[:5], 1):
        issue = issues[pk]
        top = sorted(issue.hotness_components or [], key=lambda c: -c.get("points", 0))[:3]
        why = "; ".join(c["explanation_vi"] for c in top)
        doc.paragraph(
            f"{n}. {issue.title}: {format_vi(cur.by_issue[pk], 0)} phản ánh trong kỳ; "
            f"độ nóng {format_vi(issue.hotness)}/100 ({LEVEL_VI.get(issue.hotness_level, '')})"
            + (f" — {why}." if why else ".")
        )

    doc.heading("III. NHỮNG THAY ĐỔI SO VỚI KỲ TRƯỚC", level=1)
    visible = issue_list_for_user(user).filter(merged_into__isnull=True)
    t0, t1 = local_midnight(start), local_midnight(end + timedelta(days=1))
    new_issues = list(visible.filter(first_seen__gte=t0, first_seen__lt=t1).order_by("-signal_count")[:5])
    doc.paragraph(
        f"Vấn đề mới xuất hiện trong kỳ: {visible.filter(first_seen__gte=t0, first_seen__lt=t1).count()}"
        + (
            ": " + "; ".join(f"{i.title} ({i.signal_count} phản ánh)" for i in new_issues)
            if new_issues
            else ""
        )
        + "."
    )
    rises = sorted(
        ((pk, n - prev.by_issue.get(pk, 0)) for pk, n in cur.by_issue.items()), key=lambda r: -r[1]
    )[:3]
    rise_issues = {i.pk: i for i in Issue.objects.filter(pk__in=[pk for pk, _ in rises])}
    if rises and rises[0][1] > 0:
        doc.paragraph(
            "Tăng nhiều nhất so với kỳ trước: "
            + "; ".join(
                f"{rise_issues[pk].title} (+{format_vi(d, 0)} phản ánh)"
                for pk, d in rises
                if d > 0 and pk in rise_issues
            )
            + "."
        )
    alerts = list(
        Alert.objects.filter(
            issue__in=visible.values("pk"), created_at__gte=t0, created_at__lt=t1, kind="became_hot"
        )
        .select_related("issue")
        .order_by("created_at")[:10]
    )
    if alerts:
        doc.paragraph(f"Cảnh báo vấn đề nóng trong kỳ: {len(alerts)}.")
        for a in alerts:
            when = timezone.localtime(a.created_at)
            doc.paragraph(f"- {a.issue.title} ({when:%d/%m/%Y}): {'; '.join(a.reasons_vi[:3])}.")
    else:
        doc.paragraph("Trong kỳ không có vấn đề chuyển sang mức nóng.")
    return doc.render()
