"""Background tasks (django-tasks): the daily escalation of overdue cases."""

from __future__ import annotations

from django_tasks import task


@task()
def cases_escalate_overdue() -> str:
    """Notify heads, then coordinators, of overdue cases; returns the one-line summary."""
    from .services.escalation import cases_escalate_overdue as escalate

    return escalate().summary()
