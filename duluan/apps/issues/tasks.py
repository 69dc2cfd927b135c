"""Background tasks (django-tasks): the hotness refresh, periodic or after new reports."""

from __future__ import annotations

from django_tasks import task


@task()
def issues_refresh_hotness_task(now: str | None = None, issue_ids: list[int] | None = None) -> str:
    """Recompute hotness, forecasts, bursts and alerts (of ``issue_ids`` only, when given);
    returns the one-line summary."""
    from django.utils.dateparse import parse_datetime

    from .services import issues_refresh_hotness

    return issues_refresh_hotness(now=parse_datetime(now) if now else None, issue_ids=issue_ids).summary()
