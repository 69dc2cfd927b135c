"""Background tasks (django-tasks): the periodic hotness refresh."""

from __future__ import annotations

from django_tasks import task


@task()
def issues_refresh_hotness_task(now: str | None = None, issue_ids: list[int] | None = None) -> str:
    """Recompute hotness, forecasts, bursts and alerts (of ``issue_ids`` only, when given);
    returns the one-line summary."""
    from django.utils.dateparse import parse_datetime

    from .services import issues_refresh_hotness

    return issues_refresh_hotness(now=parse_datetime(now) if now else None, issue_ids=issue_ids).summary()


@task()
def issues_after_ingest_task(issue_ids: list[int]) -> list[int]:
    """What intake enqueues after an ingest batch when it should not wait for the refresh."""
    from .services import issues_after_ingest

    return issues_after_ingest(issue_ids=issue_ids)
