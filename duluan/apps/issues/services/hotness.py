"""Recompute hotness, forecasts, bursts and alerts with the engines, and store them.

:func:`issues_refresh_hotness` is what the task, the ``refresh_hotness`` command and
:func:`~duluan.apps.issues.services.corrections.issues_after_ingest` run. Per issue it reads the
daily rows (:class:`~duluan.apps.issues.models.IssueDay`) of the last :data:`WINDOW_DAYS` days,
scores them (:func:`duluan.analysis.hotness.hotness`, weights from the admin), forecasts 7 days
(:func:`duluan.analysis.forecast.forecast`), and raises alerts
(:func:`duluan.analysis.alerts.evaluate_alerts`) with the bursts of the issue's topic and places
(:func:`duluan.analysis.bursts.detect_bursts_by_key`). A new ``became_hot`` alert is e-mailed to
the coordinators once the transaction commits.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from duluan.analysis.alerts import evaluate_alerts, level_with_hysteresis
from duluan.analysis.bursts import Burst as EngineBurst
from duluan.analysis.bursts import detect_bursts_by_key
from duluan.analysis.forecast import forecast
from duluan.analysis.hotness import HotnessWeights, IssueSeries, hotness
from duluan.analysis.taxonomy import load_taxonomy
from duluan.apps.audit.services import audit_record
from duluan.apps.core.clock import local_midnight, part_of_day_gone

from ..models import Alert, Burst, BurstKind, HotnessLevel, HotnessSettings, Issue, IssueDay
from .aggregates import issues_update_mix

log = logging.getLogger(__name__)

WINDOW_DAYS = 70  # 28 baseline + 3 recent for hotness; 8 weeks for the forecast's model
BURST_DAYS = 120
BURST_KEEP_DAYS = 30
CHUNK = 500


@dataclass
class RefreshResult:
    issues: int = 0
    hot: int = 0
    watch: int = 0
    alerts: int = 0
    bursts: int = 0
    alert_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Đã tính độ nóng {self.issues} vấn đề: {self.hot} nóng, {self.watch} cần theo dõi; "
            f"{self.alerts} cảnh báo mới; {self.bursts} đột biến."
        )


def hotness_weights_current() -> HotnessWeights:
    """The weights officials set in the admin (newest active row), else the shipped defaults."""
    row = HotnessSettings.objects.filter(is_active=True).order_by("-updated_at", "-pk").first()
    if row is not None:
        try:
            return HotnessWeights.from_dict(row.weights)
        except (TypeError, ValueError):
            log.warning("hotness settings %s are invalid; using the defaults", row.pk)
    return HotnessWeights.load_default()


def _local_today(now: datetime) -> date:
    return timezone.localtime(now).date()


def _live_elapsed(now: datetime) -> float | None:
    """The part of ``now``'s local day that has passed, while that day is still being counted.

    Today's row grows all day, so the engine reads the 72 hours before ``now`` (see
    :func:`duluan.analysis.hotness.hotness`); a day that is over is whole in its row.
    """
    return part_of_day_gone(now) if timezone.localtime(now).date() == timezone.localdate() else None


# -- bursts --------------------------------------------------------------------------------------


def _commune_2025_of_units(unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    """unit id → (2025 commune code, its name); pre-2025 communes go to their main successor."""
    from duluan.adminunits import SCHEME_2025
    from duluan.apps.geo.models import AdminUnit, Level, Succession

    out: dict[int, tuple[str, str]] = {}
    for pk, scheme, level, code, name in AdminUnit.objects.filter(pk__in=unit_ids).values_list(
        "pk", "scheme", "level", "code", "name"
    ):
        if scheme == SCHEME_2025 and level == Level.COMMUNE:
            out[pk] = (code, name)
    old = unit_ids - set(out)
    best: dict[int, tuple[float, str, str]] = {}
    for old_id, share, code, name in Succession.objects.filter(
        old_id__in=old, new__level=Level.COMMUNE
    ).values_list("old_id", "share", "new__code", "new__name"):
        if old_id not in best or share > best[old_id][0]:
            best[old_id] = (share, code, name)
    for old_id, (_, code, name) in best.items():
        out[old_id] = (code, name)
    return out


def bursts_detect(*, today: date, elapsed: float | None = None) -> dict[tuple[str, str], list[EngineBurst]]:
    """Find bursts per topic and per 2025 commune over the last :data:`BURST_DAYS` days; store them.

    The stored bursts ending in the last :data:`BURST_KEEP_DAYS` days are then this detection's:
    those it no longer finds are deleted, older ones are kept as they were.

    ``elapsed`` is the part of ``today`` gone by while it is still being counted
    (:func:`_live_elapsed`).

    Returns:
        ``{(kind, code): [engine bursts]}`` for the alerts of the issues of that topic/place.
    """
    from duluan.apps.intake.models import Signal

    start = today - timedelta(days=BURST_DAYS - 1)
    index = pd.date_range(pd.Timestamp(start), pd.Timestamp(today), freq="D")
    found: dict[tuple[str, str], list[EngineBurst]] = {}
    rows: list[Burst] = []
    taxonomy = load_taxonomy()
    labels = {t.code: t.label_vi for t in taxonomy.topics}

    # Topics: the issues' daily rows summed by topic; exposure = all signals that day (a topic is
    # judged by its share, so a busy intake day does not make every topic burst).
    topic_rows = (
        IssueDay.objects.filter(day__gte=start, day__lte=today, issue__merged_into__isnull=True)
        .values_list("day", "issue__topic")
        .annotate(n=Sum("count"))
        .order_by()
    )
    frame = pd.DataFrame(list(topic_rows), columns=["day", "topic", "n"])
    if len(frame):
        frame["topic"] = frame["topic"].replace("", taxonomy.default)
        matrix = frame.pivot_table(index="day", columns="topic", values="n", aggfunc="sum", fill_value=0)
        matrix.index = pd.DatetimeIndex(matrix.index)
        matrix = matrix.reindex(index, fill_value=0)
        exposure = matrix.sum(axis=1)
        recent = matrix.iloc[-14:].sum()
        matrix = matrix.loc[:, recent >= 3]
        by_label = matrix.rename(columns=lambda c: labels.get(c, c))
        code_of = {labels.get(c, c): c for c in matrix.columns}
        # the exposure, counted so far today, scales today's expected count; ``elapsed`` keeps a
        # usual day's threshold for it
        live = exposure.where(exposure > 0, 1)
        for b in detect_bursts_by_key(by_label, exposure=live, freq="D", elapsed=elapsed):
            found.setdefault((BurstKind.TOPIC, code_of[b.key]), []).append(b)

    # Places: signals per day per unit, rolled onto 2025 communes.
    tz = timezone.get_current_timezone()
    since = local_midnight(start)
    place_rows = list(
        Signal.objects.filter(created_at__gte=since, unit__isnull=False, issue__isnull=False)
        .annotate(d=TruncDate("created_at", tzinfo=tz))
        .values_list("d", "unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    communes = _commune_2025_of_units({u for _, u, _ in place_rows})
    counts: dict[tuple[date, str], int] = defaultdict(int)
    names: dict[str, str] = {}
    for d, unit_id, n in place_rows:
        target = communes.get(unit_id)
        if target is not None:
            counts[(d, target[0])] += n
            names[target[0]] = target[1]
    if counts:
        frame = pd.DataFrame([(d, c, n) for (d, c), n in counts.items()], columns=["day", "code", "n"])
        matrix = frame.pivot_table(index="day", columns="code", values="n", aggfunc="sum", fill_value=0)
        matrix.index = pd.DatetimeIndex(matrix.index)
        matrix = matrix.reindex(index, fill_value=0)
        recent = matrix.iloc[-14:].sum()
        matrix = matrix.loc[:, recent >= 3]
        label_of = {c: f"{names[c]} ({c})" for c in matrix.columns}
        code_of = {v: k for k, v in label_of.items()}
        # counted without an exposure: today's expected count is the part of a day gone by
        for b in detect_bursts_by_key(matrix.rename(columns=label_of), freq="D", elapsed=elapsed):
            found.setdefault((BurstKind.PLACE, code_of[b.key]), []).append(b)

    keep_from = pd.Timestamp(today - timedelta(days=BURST_KEEP_DAYS))
    for (kind, code), bursts in found.items():
        for b in bursts:
            if b.end < keep_from:
                continue
            rows.append(
                Burst(
                    kind=kind,
                    key=code,
                    label=b.key[:200],
                    start=b.start.date(),
                    end=b.end.date(),
                    flagged_at=b.flagged_at.date(),
                    peak=b.peak.date(),
                    observed=b.observed,
                    expected=b.expected,
                    score=b.score,
                    ongoing=b.ongoing,
                    explanation_vi=b.explanation,
                    explanation_en=b.explanation_en,
                )
            )
    with transaction.atomic():
        # A stored burst this detection no longer finds is gone (found by an earlier refresh on
        # fewer signals, or with another start as the window moved): left, it stayed "ongoing"
        # on the dashboard, and ingest refreshes (:func:`bursts_stored`) judged issues by it.
        fresh = {(r.kind, r.key, r.start) for r in rows}
        stale = [
            pk
            for pk, *burst in Burst.objects.filter(end__gte=keep_from.date()).values_list(
                "pk", "kind", "key", "start"
            )
            if tuple(burst) not in fresh
        ]
        Burst.objects.filter(pk__in=stale).delete()
        if rows:
            Burst.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["kind", "key", "start"],
                update_fields=[
                    "label",
                    "end",
                    "flagged_at",
                    "peak",
                    "observed",
                    "expected",
                    "score",
                    "ongoing",
                    "explanation_vi",
                    "explanation_en",
                    "detected_at",
                ],
            )
    return found


def bursts_stored(*, today: date) -> dict[tuple[str, str], list[EngineBurst]]:
    """The bursts the last full refresh stored (recent ones), as the engine's objects.

    A partial refresh (after an ingest batch) uses these instead of re-reading every signal of
    the last :data:`BURST_DAYS` days; the scheduled full refresh detects them afresh.
    """
    found: dict[tuple[str, str], list[EngineBurst]] = {}
    for b in Burst.objects.filter(end__gte=today - timedelta(days=BURST_KEEP_DAYS)).order_by(
        "flagged_at", "pk"
    ):
        found.setdefault((b.kind, b.key), []).append(
            EngineBurst(
                key=b.label,
                start=pd.Timestamp(b.start),
                end=pd.Timestamp(b.end),
                flagged_at=pd.Timestamp(b.flagged_at),
                peak=pd.Timestamp(b.peak),
                expected=b.expected,
                observed=b.observed,
                score=b.score,
                ongoing=b.ongoing,
                explanation=b.explanation_vi,
                explanation_en=b.explanation_en,
            )
        )
    return found


# -- per issue -----------------------------------------------------------------------------------


def issue_series(issue: Issue, days: list[tuple], *, today: date, sensitivity: float) -> IssueSeries:
    """The engine's series of one issue from its daily rows (missing days are zero)."""
    first = timezone.localtime(issue.first_seen).date() if issue.first_seen else today
    start = max(first, today - timedelta(days=WINDOW_DAYS - 1))
    if days:
        start = min(start, max(days[0][0], today - timedelta(days=WINDOW_DAYS - 1)))
    index = pd.date_range(pd.Timestamp(start), pd.Timestamp(max(today, start)), freq="D")
    frame = pd.DataFrame(
        [(pd.Timestamp(d), c, neg, isum, src, plc) for d, c, neg, isum, src, plc in days],
        columns=["day", "count", "negative", "intensity_sum", "sources", "places"],
    ).set_index("day")
    frame = frame[(frame.index >= index[0]) & (frame.index <= index[-1])].reindex(index)
    counts = frame["count"].fillna(0).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        neg = np.where(counts > 0, frame["negative"].fillna(0).to_numpy(float) / counts, np.nan)
        inten = np.where(counts > 0, frame["intensity_sum"].fillna(0).to_numpy(float) / counts, np.nan)
    return IssueSeries(
        key=str(issue.pk),
        index=index,
        counts=counts,
        negative_share=neg,
        intensity=inten,
        sources=frame["sources"].fillna(0).to_numpy(float),
        places=frame["places"].fillna(0).to_numpy(float),
        sensitivity=sensitivity,
        freq="D",
    )


def _forecast_dict(series: IssueSeries, *, live: bool = False) -> dict:
    """The 7-day forecast of an issue's daily counts, as stored on it.

    ``live``: the last day is today, still being counted. It is then left out and the forecast
    starts today: read as a whole day, this morning's few signals pulled every issue's forecast
    down all day (and to nothing just after midnight).
    """
    counts = pd.Series(series.counts, index=series.index)
    if live and len(counts) > 1:
        counts = counts.iloc[:-1]
    f = forecast(counts, horizon=7)
    frame = f.to_frame()
    return {
        "method": f.method,
        "reason_vi": f.reason_vi,
        "reason_en": f.reason_en,
        "days": [d.date().isoformat() for d in frame.index],
        "mean": [round(float(x), 2) for x in frame["mean"]],
        "lo80": [float(x) for x in frame["lo80"]],
        "hi80": [float(x) for x in frame["hi80"]],
        "lo95": [float(x) for x in frame["lo95"]],
        "hi95": [float(x) for x in frame["hi95"]],
    }


def _issue_place_codes(issue_ids: list[int]) -> dict[int, set[str]]:
    through = Issue.units.through
    links = list(through.objects.filter(issue_id__in=issue_ids).values_list("issue_id", "adminunit_id"))
    communes = _commune_2025_of_units({u for _, u in links})
    out: dict[int, set[str]] = defaultdict(set)
    for issue_id, unit_id in links:
        if unit_id in communes:
            out[issue_id].add(communes[unit_id][0])
    return out


def _candidates(now: datetime, issue_ids) -> list[int]:
    """The issues to score: active lately (or still above normal, or not yet cooled down).

    The same rule for a full refresh and for the issues of an ingest batch (``issue_ids``), so an
    import of old records does not score thousands of issues that no refresh would ever score.
    """
    recent = now - timedelta(days=WINDOW_DAYS)
    # Issues silent for longer than the window are scored once more after falling silent (to
    # cool down), then left alone: the set scored stays the recently active ones.
    not_rescored = Q(hotness_at__isnull=False, hotness_at__lt=F("last_seen") + timedelta(days=WINDOW_DAYS))
    qs = Issue.objects.filter(merged_into__isnull=True).filter(
        Q(last_seen__gte=recent) | ~Q(hotness_level=HotnessLevel.NORMAL) | not_rescored
    )
    if issue_ids is not None:
        ids = sorted(set(issue_ids))
        found: list[int] = []
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            lo, hi = chunk[0], chunk[-1]
            if hi - lo < 2 * len(chunk):
                # Dense ids (an import's issues are numbered in a row): one range of the primary
                # key, the few candidates in it kept if asked for. Sending the 5,000 ids and probing
                # the index for each cost ten times as much: all 94,448 issues of a 100,000-lead
                # news import in 0.95 s, by ranges in 0.10 s (2026-11-30).
                wanted = set(chunk)
                rows = qs.filter(pk__gte=lo, pk__lte=hi).order_by("pk").values_list("pk", flat=True)
                found += [pk for pk in rows if pk in wanted]
            else:
                found += qs.filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True)
        return found
    return list(qs.order_by("pk").values_list("pk", flat=True))


def issues_refresh_hotness(*, now: datetime | None = None, issue_ids=None, actor=None) -> RefreshResult:
    """Recompute hotness, forecast and alerts of the issues (default: every issue active lately).

    Args:
        now: the moment to score (default: now); only days up to its local day are read.
        issue_ids: only these issues (e.g. those an ingest batch touched); they are judged
            against the bursts the last full refresh found (:func:`bursts_stored`), while a full
            refresh (``issue_ids=None``) detects bursts per topic and place afresh.
        actor: who asked (``None`` for the scheduler).

    Returns:
        How many issues were scored, how many are hot or to watch, the new alerts and bursts.
    """
    now = now or timezone.now()
    today = _local_today(now)
    now_ts = pd.Timestamp(today)
    elapsed = _live_elapsed(now)
    weights = hotness_weights_current()
    taxonomy = load_taxonomy()
    sensitivity = {t.code: t.sensitivity for t in taxonomy.topics}
    result = RefreshResult()
    bursts = bursts_detect(today=today, elapsed=elapsed) if issue_ids is None else bursts_stored(today=today)
    result.bursts = sum(len(v) for v in bursts.values())
    ids = _candidates(now, issue_ids)
    issues_update_mix(ids)
    window_start = today - timedelta(days=WINDOW_DAYS - 1)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            issues = list(Issue.objects.select_for_update().filter(pk__in=chunk).order_by("pk"))
            days: dict[int, list[tuple]] = defaultdict(list)
            for row in (
                IssueDay.objects.filter(issue_id__in=chunk, day__gte=window_start, day__lte=today)
                .order_by("issue_id", "day")
                .values_list("issue_id", "day", "count", "negative", "intensity_sum", "sources", "places")
            ):
                days[row[0]].append(row[1:])
            places = _issue_place_codes(chunk)
            alerts: list[Alert] = []
            for issue in issues:
                series = issue_series(
                    issue, days.get(issue.pk, []), today=today, sensitivity=sensitivity.get(issue.topic, 0.5)
                )
                h = hotness(series, now=now_ts, weights=weights, elapsed=elapsed)
                related = list(bursts.get((BurstKind.TOPIC, issue.topic), []))
                for code in sorted(places.get(issue.pk, ())):
                    related += bursts.get((BurstKind.PLACE, code), [])
                since = (
                    pd.Timestamp(_local_today(issue.hotness_at))
                    if issue.hotness_at
                    else now_ts - pd.Timedelta(days=1)
                )
                previous = issue.hotness_level if issue.hotness_at else None
                for a in evaluate_alerts(previous, h, related, since=since):
                    if a.kind == "burst" and a.level == HotnessLevel.NORMAL:
                        continue  # shown on the dashboard; only issues that matter get burst alerts
                    alerts.append(
                        Alert(
                            issue=issue,
                            kind=a.kind,
                            level=a.level,
                            reasons_vi=a.reasons_vi,
                            reasons_en=a.reasons_en,
                            evidence=_jsonable(a.evidence),
                        )
                    )
                issue.hotness_level = level_with_hysteresis(previous, h)
                issue.hotness = h.score
                issue.hotness_components = [
                    {
                        "name": c.name,
                        "value": c.value,
                        "points": c.contribution,
                        "explanation_vi": c.explanation_vi,
                        "explanation_en": c.explanation_en,
                    }
                    for c in h.components
                ]
                issue.forecast = _forecast_dict(series, live=elapsed is not None)
                issue.hotness_at = now
                result.hot += issue.hotness_level == HotnessLevel.HOT
                result.watch += issue.hotness_level == HotnessLevel.WATCH
            Issue.objects.bulk_update(
                issues,
                ["hotness", "hotness_level", "hotness_components", "forecast", "hotness_at"],
                batch_size=250,
            )
            created = Alert.objects.bulk_create(alerts)
            result.issues += len(issues)
            result.alerts += len(created)
            hot_ids = [a.pk for a in created if a.kind == "became_hot"]
            result.alert_ids += [a.pk for a in created]
            if hot_ids:
                transaction.on_commit(lambda ids=tuple(hot_ids): alerts_email(alert_ids=ids))
    with transaction.atomic():
        audit_record(
            action="issues.refresh_hotness",
            actor=actor,
            object_type="issues.issue",
            after={
                "issues": result.issues,
                "hot": result.hot,
                "watch": result.watch,
                "alerts": result.alerts,
                "bursts": result.bursts,
                "now": now.isoformat(),
            },
        )
    return result


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


# An alert names its issue by number, never by title: a title is made of citizens' words, masked
# by rules that can miss a name (the accused official's, a neighbour's), and an e-mail leaves the
# platform's gatekeepers for mail servers and inboxes for good. The link leads to the page, which
# shows what the reader may see.
ALERT_SUBJECT = "[Dư Luận] Vấn đề nóng #{issue_id}"


def alerts_email(*, alert_ids) -> int:
    """E-mail new ``became_hot`` alerts to the coordinators; returns how many were sent."""
    from django.urls import reverse

    from duluan.apps.accounts.models import Role, User

    recipients = list(
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    sent = 0
    alerts = Alert.objects.filter(pk__in=list(alert_ids), emailed_at__isnull=True)
    for alert in alerts:
        if not recipients:
            break
        url = reverse("issues:detail", args=[alert.issue_id])
        body = "\n".join(
            [
                f"Vấn đề #{alert.issue_id} đã chuyển sang mức NÓNG.",
                "",
                "Lý do:",
                *[f"- {r}" for r in alert.reasons_vi],
                "",
                f"Xem chi tiết: {getattr(settings, 'SITE_URL', '')}{url}",
            ]
        )
        send_mail(
            ALERT_SUBJECT.format(issue_id=alert.issue_id),
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            fail_silently=False,
        )
        Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
