"""Who hears about a progress report: coordinators when it is submitted, the agency when it is decided.

Reuses the cases app's inbox (:func:`duluan.apps.cases.services.notifications.notify`): one in-app
notification row per official now, in the same transaction as the change, and an e-mail to those
with an address once that transaction commits. Called only from :mod:`duluan.apps.plans.services`.
Messages name the plan, the item and the agency — never a citizen.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from duluan.apps.accounts.models import Role
from duluan.apps.cases.services.notifications import notify

from .models import ProgressReport, ReportStatus

KIND_SUBMITTED = "plan_report_submitted"
KIND_APPROVED = "plan_report_approved"
KIND_RETURNED = "plan_report_returned"

MSG_SUBMITTED = (
    "{agency} gửi báo cáo tiến độ {percent}% nhiệm vụ {code} ({plan}), tính đến {period}: chờ duyệt."
)
MSG_APPROVED = "Báo cáo tiến độ {percent}% nhiệm vụ {code} ({plan}), tính đến {period}, đã được duyệt."
MSG_RETURNED = (
    "Báo cáo tiến độ {percent}% nhiệm vụ {code} ({plan}), tính đến {period}, bị trả lại. Lý do: {reason}"
)
SUBJECT_SUBMITTED = "[Dư Luận] Báo cáo tiến độ chờ duyệt: nhiệm vụ {code} ({plan})"
SUBJECT_APPROVED = "[Dư Luận] Báo cáo tiến độ đã được duyệt: nhiệm vụ {code} ({plan})"
SUBJECT_RETURNED = "[Dư Luận] Báo cáo tiến độ bị trả lại: nhiệm vụ {code} ({plan})"

REPORTING_ROLES = (Role.OFFICER, Role.HEAD)


def _facts(report: ProgressReport) -> dict:
    item = report.item
    return {
        "agency": report.agency.name,
        "percent": f"{report.percent.normalize():f}",
        "code": item.code,
        "plan": item.plan.number,
        "period": f"{report.period_end:%d/%m/%Y}",
        "reason": report.return_reason,
    }


def coordinators():
    return get_user_model().objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk")


def agency_officials(report: ProgressReport) -> list:
    """The reporting agency's officers and heads, and whoever submitted the report if still active."""
    users = list(
        get_user_model()
        .objects.filter(agency_id=report.agency_id, role__in=REPORTING_ROLES, is_active=True)
        .order_by("pk")
    )
    submitter = report.submitted_by
    if submitter is not None and submitter.is_active and all(u.pk != submitter.pk for u in users):
        users.append(submitter)
    return users


def report_submitted(report: ProgressReport) -> list:
    """Tell every coordinator a report waits for approval (links to the approvals page)."""
    facts = _facts(report)
    return notify(
        users=coordinators(),
        kind=KIND_SUBMITTED,
        message=MSG_SUBMITTED.format(**facts),
        url=reverse("plans:approvals"),
        email_subject=SUBJECT_SUBMITTED.format(**facts),
    )


def report_decided(report: ProgressReport, *, decided_by) -> list:
    """Tell the reporting agency's officials the coordinator approved or returned their report."""
    facts = _facts(report)
    returned = report.status == ReportStatus.RETURNED
    return notify(
        users=[u for u in agency_officials(report) if u.pk != getattr(decided_by, "pk", None)],
        kind=KIND_RETURNED if returned else KIND_APPROVED,
        message=(MSG_RETURNED if returned else MSG_APPROVED).format(**facts),
        url=reverse("plans:item", args=[report.item_id]),
        email_subject=(SUBJECT_RETURNED if returned else SUBJECT_APPROVED).format(**facts),
    )
