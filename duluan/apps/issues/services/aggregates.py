"""Rebuild an issue's counters and daily rows from its signals (after a merge, a split, a redirect).

The clusterer keeps these up to date incrementally as signals arrive; when officials move signals
between issues the simplest correct thing is to recount the issues involved from their signals.
The same conventions as :mod:`duluan.apps.issues.clustering`: a source is ``channel:source``,
days are local days (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count
from django.utils import timezone

from duluan.apps.core.bulk import bulk_update_by_pk
from duluan.apps.core.text import search_key
from duluan.apps.intake.models import Signal

from ..models import Issue, IssueDay

SENTIMENTS = ("negative", "neutral", "positive")


def _local_day(moment) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def channels_text(channels: Iterable[str]) -> str:
    """The stored form of an issue's channels: `` web news `` (so ``contains(" web ")`` filters)."""
    names = sorted({c for c in channels if c})
    return f" {' '.join(names)} " if names else ""


def dominant(counts: dict[str, int]) -> str:
    """The most frequent sentiment (ties: negative before neutral before positive), or ''."""
    best = max(SENTIMENTS, key=lambda s: (counts.get(s, 0), -SENTIMENTS.index(s)))
    return best if counts.get(best, 0) > 0 else ""


def issues_rebuild_aggregates(issue_ids: Iterable[int]) -> None:
    """Recount issues from their signals: counters, units, channels, sentiment mix, issue-days.

    Args:
        issue_ids: The issues to recount (an issue left without signals gets zero counts).
    """
    ids = sorted(set(issue_ids))
    if not ids:
        return
    issues = {i.pk: i for i in Issue.objects.filter(pk__in=ids)}
    stats = {
        pk: {
            "count": 0,
            "neg": 0,
            "intensity": 0.0,
            "sources": set(),
            "units": set(),
            "first": None,
            "last": None,
            "channels": Counter(),
            "sentiments": Counter(),
            "unit_counts": Counter(),
        }
        for pk in issues
    }
    days: dict[tuple[int, date], dict] = defaultdict(
        lambda: {"count": 0, "neg": 0, "intensity": 0.0, "sources": set(), "units": set()}
    )
    rows = Signal.objects.filter(issue_id__in=ids).values_list(
        "issue_id", "channel", "source", "unit_id", "sentiment", "intensity", "created_at"
    )
    for issue_id, channel, source, unit_id, sentiment, intensity, created_at in rows.iterator(
        chunk_size=5000
    ):
        s = stats[issue_id]
        src = f"{channel}:{source}" if source else channel
        neg = sentiment == "negative"
        s["count"] += 1
        s["neg"] += neg
        s["intensity"] += intensity or 0.0
        s["sources"].add(src)
        s["channels"][channel] += 1
        if sentiment:
            s["sentiments"][sentiment] += 1
        if unit_id:
            s["units"].add(unit_id)
            s["unit_counts"][str(unit_id)] += 1
        if s["first"] is None or created_at < s["first"]:
            s["first"] = created_at
        if s["last"] is None or created_at > s["last"]:
            s["last"] = created_at
        d = days[(issue_id, _local_day(created_at))]
        d["count"] += 1
        d["neg"] += neg
        d["intensity"] += intensity or 0.0
        d["sources"].add(src)
        if unit_id:
            d["units"].add(unit_id)
    for pk, issue in issues.items():
        s = stats[pk]
        n = s["count"]
        issue.signal_count = n
        issue.first_seen, issue.last_seen = s["first"], s["last"]
        issue.negative_share = s["neg"] / n if n else 0.0
        issue.intensity = s["intensity"] / n if n else 0.0
        issue.source_count = len(s["sources"])
        issue.place_count = len(s["units"])
        issue.channels = channels_text(s["channels"])
        issue.channel_counts = dict(s["channels"].most_common())
        issue.unit_counts = dict(s["unit_counts"])
        issue.sentiment_counts = {k: s["sentiments"].get(k, 0) for k in SENTIMENTS}
        issue.dominant_sentiment = dominant(issue.sentiment_counts)
        issue.search_key = search_key(f"{issue.title} {' '.join(issue.summary_terms or [])}")
    bulk_update_by_pk(
        list(issues.values()),
        [
            "signal_count",
            "first_seen",
            "last_seen",
            "negative_share",
            "intensity",
            "source_count",
            "place_count",
            "channels",
            "channel_counts",
            "unit_counts",
            "sentiment_counts",
            "dominant_sentiment",
            "search_key",
        ],
    )
    through = Issue.units.through
    through.objects.filter(issue_id__in=ids).delete()
    through.objects.bulk_create(
        [through(issue_id=pk, adminunit_id=u) for pk in issues for u in sorted(stats[pk]["units"])],
        batch_size=5000,
        ignore_conflicts=True,
    )
    IssueDay.objects.filter(issue_id__in=ids).delete()
    IssueDay.objects.bulk_create(
        [
            IssueDay(
                issue_id=pk,
                day=day,
                count=d["count"],
                negative=d["neg"],
                intensity_sum=d["intensity"],
                sources=len(d["sources"]),
                places=len(d["units"]),
            )
            for (pk, day), d in sorted(days.items())
        ],
        batch_size=5000,
    )


def issues_update_mix(issue_ids: Iterable[int]) -> None:
    """Refresh what the clusterer does not keep: channels, sentiment mix, signals per unit."""
    ids = sorted(set(issue_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        channels: dict[int, Counter] = defaultdict(Counter)
        sentiments: dict[int, Counter] = defaultdict(Counter)
        units: dict[int, dict[str, int]] = defaultdict(dict)
        rows = (
            Signal.objects.filter(issue_id__in=chunk)
            .values_list("issue_id", "channel", "sentiment")
            .annotate(n=Count("id"))
            .order_by()
        )
        for issue_id, channel, sentiment, n in rows:
            channels[issue_id][channel] += n
            if sentiment:
                sentiments[issue_id][sentiment] += n
        rows = (
            Signal.objects.filter(issue_id__in=chunk, unit__isnull=False)
            .values_list("issue_id", "unit_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for issue_id, unit_id, n in rows:
            units[issue_id][str(unit_id)] = n
        issues = list(Issue.objects.filter(pk__in=chunk).only("pk"))
        for issue in issues:
            issue.channels = channels_text(channels.get(issue.pk, ()))
            issue.channel_counts = dict(channels.get(issue.pk, Counter()).most_common())
            issue.unit_counts = units.get(issue.pk, {})
            counts = sentiments.get(issue.pk, Counter())
            issue.sentiment_counts = {k: counts.get(k, 0) for k in SENTIMENTS}
            issue.dominant_sentiment = dominant(issue.sentiment_counts)
        Issue.objects.bulk_update(
            issues,
            ["channels", "channel_counts", "unit_counts", "sentiment_counts", "dominant_sentiment"],
            batch_size=250,
        )
