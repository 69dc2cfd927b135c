"""Reads of intake: the officials' signal list, the public tracking view, training data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from duluan.apps.core.text import search_key

from .models import Signal
from .permissions import signal_list_for_user

LIST_FIELDS = (
    "id",
    "channel",
    "title",
    "text_masked",
    "created_at",
    "topic",
    "sentiment",
    "intensity",
    "unit__name",
    "issue_id",
    "issue__title",
    "tracking_code",
)


@dataclass(frozen=True)
class SignalFilters:
    q: str = ""
    channel: str = ""
    topic: str = ""
    sentiment: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    issue_id: int | None = None


def signal_search(*, user, filters: SignalFilters) -> QuerySet[Signal]:
    """Signals the user may see, filtered; ``q`` is accent-insensitive (every word must occur)."""
    qs = signal_list_for_user(user).select_related("unit", "issue")
    for word in search_key(filters.q).split()[:8]:
        qs = qs.filter(search_key__contains=word)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.sentiment:
        qs = qs.filter(sentiment=filters.sentiment)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.issue_id:
        qs = qs.filter(issue_id=filters.issue_id)
    if filters.date_from:
        qs = qs.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(created_at__date__lte=filters.date_to)
    return qs.defer("text", "places", "extra")


def confirmed_signals(task: str) -> QuerySet[Signal]:
    """The signals whose ``task`` label (``topic`` or ``sentiment``) an official confirmed or
    corrected: what rebuilding that model learns, and what the models page counts."""
    return Signal.objects.filter(**{f"{task}_confirmed": True}).exclude(**{task: ""})


def topic_training_pairs() -> Iterator[tuple[str, str]]:
    """Officials' confirmed topics as ``(text_masked, topic)`` pairs, for retraining the topic model.

    Only the masked text leaves: no reporter, no personal data, no ids.
    """
    qs = confirmed_signals("topic").order_by("pk")
    yield from qs.values_list("text_masked", "topic").iterator(chunk_size=2000)


def sentiment_training_pairs() -> Iterator[tuple[str, str]]:
    """Officials' confirmed sentiments as ``(text_masked, sentiment)`` pairs, for retraining the
    sentiment model. Only the masked text leaves: no reporter, no personal data, no ids."""
    qs = confirmed_signals("sentiment").order_by("pk")
    yield from qs.values_list("text_masked", "sentiment").iterator(chunk_size=2000)
