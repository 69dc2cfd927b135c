"""Reads of the cases app: lists (overdue flagged), the case timeline, notifications."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import BooleanField, Q, QuerySet, Value, When
from django.db.models import Case as When_
from django.utils import timezone

from duluan.apps.audit.models import AuditEvent
from duluan.apps.audit.selectors import audit_events_for_object, audit_events_for_user
from duluan.apps.core.text import search_key

from .confidential import case_text_masked, complainant_of
from .models import ANSWERED_STATUSES, Case, CaseUpdate, Notification
from .permissions import case_list_for_user, case_text_readable
from .services.escalation import overdue_q

CASE_OBJECT_TYPE = "cases.case"


def with_overdue(qs: QuerySet[Case], *, today=None) -> QuerySet[Case]:
    """Annotate ``is_overdue``: the deadline of the step the case is at has passed."""
    today = today or timezone.localdate()
    return qs.annotate(
        is_overdue=When_(
            When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def case_list(
    user,
    *,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    q: str = "",
    agency_id: int | None = None,
) -> QuerySet[Case]:
    qs = case_list_for_user(user).select_related("lead_agency", "unit", "assignee", "complainant")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if agency_id:
        qs = qs.filter(lead_agency_id=agency_id)
    if q.strip():
        qs = qs.filter(case_search(user, q))
    qs = with_overdue(qs)
    if overdue:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-is_overdue", "-received_at", "-id")


def case_search(user, q: str) -> Q:
    """The cases ``q`` finds for ``user``, as a filter: by their code, or by every word of their
    title as ``user`` reads it (:func:`_title_matches`); the case list's search and the admin's."""
    return Q(code__icontains=q.strip()) | _title_matches(user, q)


def _title_matches(user, q: str) -> Q:
    """Cases whose title holds every word of ``q``, accents optional, as ``user`` reads the title:
    as written where they pass the identity gate (:func:`~.permissions.case_text_readable`),
    masked everywhere (the list shows it so), so that a complainant's name masked for ``user``
    finds no case."""
    readable = case_text_readable(user)
    matches = Q()
    for word in search_key(q).split()[:8]:
        matches &= Q(search_key_masked__contains=word) | (readable & Q(search_key__contains=word))
    return matches


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "event" | "note" | "public"
    who: str
    action: str
    text: str
    data: dict | None = None


def case_timeline(case: Case, *, masked: bool = False) -> list[TimelineEntry]:
    """Audit events and notes of a case, oldest first (the case page's history); ``masked``: their
    texts with the complainant masked (:func:`~duluan.apps.cases.confidential.case_text_masked`),
    for those who do not read the case's own text as written."""
    entries = [
        TimelineEntry(
            at=e.at,
            kind="event",
            who=e.actor_label,
            action=e.action,
            text=e.reason,
            data={**((e.before and {"before": e.before}) or {}), **((e.after and {"after": e.after}) or {})},
        )
        for e in audit_events_for_object(object_type=CASE_OBJECT_TYPE, object_id=case.pk)
        if e.action not in ("case.note", "case.public_update")
    ]
    for update in CaseUpdate.objects.filter(case=case).select_related("author", "agency"):
        entries.append(
            TimelineEntry(
                at=update.created_at,
                kind="public" if update.public else "note",
                who=update.author.get_username() if update.author else "",
                action="",
                text=update.text,
            )
        )
    if masked:
        complainant = complainant_of(case)
        entries = [replace(e, text=case_text_masked(e.text, complainant=complainant)) for e in entries]
    return sorted(entries, key=lambda e: e.at)


@dataclass(frozen=True)
class MergedOutcome:
    """What a merged case's own public page shows of the case it is handled with: never its code,
    title or updates (another citizen's), only its status and its published answer."""

    status_label: str
    answer: str
    answered_at: datetime | None


def merged_outcome(case: Case) -> MergedOutcome | None:
    """The outcome of the case ``case`` was merged into (followed to the last of a chain), for
    ``case``'s public page; ``None`` if it was not merged. The answer is the published one, its
    writer's identity masked as in :func:`~duluan.apps.cases.confidential.case_text_masked`."""
    target, seen = case.merged_into, {case.pk}
    while target is not None and target.merged_into_id is not None and target.merged_into_id not in seen:
        seen.add(target.pk)
        target = target.merged_into
    if target is None:
        return None
    answered = target.status in ANSWERED_STATUSES
    return MergedOutcome(
        status_label=target.get_status_display(),
        answer=case_text_masked(target.response_text, complainant=complainant_of(target)) if answered else "",
        answered_at=target.published_at if answered else None,
    )


def public_updates(case: Case) -> QuerySet[CaseUpdate]:
    return CaseUpdate.objects.filter(case=case, public=True).order_by("created_at", "id")


def user_audit_events(user) -> QuerySet[AuditEvent]:
    return audit_events_for_user(user=user).order_by("-at", "-id")


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("case")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
