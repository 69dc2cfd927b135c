"""Escalation of overdue cases: first the head of the lead agency, then the coordinators.

Run daily (the ``escalate_overdue`` command from cron, or the ``cases_escalate_overdue`` task).
A case is overdue when the deadline of the step it is at (accept-by before acceptance, resolve-by
after) is before today. The head is told on the first run that finds it overdue; the coordinators
when it is still overdue :data:`COORDINATOR_AFTER_WORKING_DAYS` working days after its deadline.
Each level is told once per deadline: running twice a day sends nothing new, and a new deadline
(acceptance, extension, transfer, reopening) starts again from the head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from duluan.apps.accounts.models import Agency, Role, User
from duluan.apps.audit.services import audit_record

from ..models import OPEN_STATUSES, Case, Status
from .deadlines import work_calendar
from .notifications import notify

COORDINATOR_AFTER_WORKING_DAYS = 3
HEAD, COORDINATOR = 1, 2


@dataclass
class EscalationReport:
    checked: int = 0
    heads_notified: list[str] = field(default_factory=list)  # case codes
    coordinators_notified: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.checked} hồ sơ quá hạn; báo lãnh đạo cơ quan: {len(self.heads_notified)}; "
            f"báo điều phối viên: {len(self.coordinators_notified)}."
        )


def overdue_q(today) -> Q:
    """Cases whose current deadline is before ``today`` (used by lists to highlight them too)."""
    return Q(status=Status.RECEIVED, accept_due__lt=today) | Q(
        status__in=[s for s in OPEN_STATUSES if s != Status.RECEIVED], resolve_due__lt=today
    )


def _heads_of(agency: Agency) -> list[User]:
    """The heads of the agency, or of the nearest agency above it that has one."""
    node = agency
    while node is not None:
        heads = list(User.objects.filter(agency=node, role=Role.HEAD, is_active=True))
        if heads:
            return heads
        node = node.parent
    return []


def cases_escalate_overdue(*, now: datetime | None = None) -> EscalationReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = work_calendar()
    report = EscalationReport()
    ids = list(Case.objects.filter(overdue_q(today)).values_list("pk", flat=True))
    report.checked = len(ids)
    coordinators = list(User.objects.filter(role=Role.COORDINATOR, is_active=True))
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("lead_agency").get(pk=pk)
            due = case.current_due
            if due is None or due >= today:
                continue
            step = "accept" if case.status == Status.RECEIVED else "resolve"
            level = case.escalation_level if case.escalation_step == step else 0
            late = calendar.working_days_between(due, today)
            if level == 0:
                target, users = HEAD, _heads_of(case.lead_agency)
            elif level == HEAD and late >= COORDINATOR_AFTER_WORKING_DAYS:
                target, users = COORDINATOR, coordinators
            else:
                continue
            message = (
                f"Hồ sơ {case.code} ({case.get_kind_display().lower()}) "
                f"do {case.lead_agency.name} chủ trì đã quá hạn "
                f"{'thụ lý' if step == 'accept' else 'giải quyết'} {due:%d/%m/%Y} ({late} ngày làm việc)."
            )
            notify(
                users=users,
                case=case,
                kind="overdue_head" if target == HEAD else "overdue_coordinator",
                message=message,
                email_subject=f"[Dư Luận] Hồ sơ quá hạn: {case.code}",
            )
            case.escalation_level, case.escalation_step, case.escalated_at = target, step, now
            case.save(update_fields=["escalation_level", "escalation_step", "escalated_at", "updated_at"])
            audit_record(
                action="case.escalate",
                obj=case,
                after={
                    "level": "head" if target == HEAD else "coordinator",
                    "step": step,
                    "due": due.isoformat(),
                    "working_days_late": late,
                    "notified": sorted(u.get_username() for u in users),
                },
            )
            (report.heads_notified if target == HEAD else report.coordinators_notified).append(case.code)
    return report
