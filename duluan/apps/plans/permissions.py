"""Gatekeepers of coordination plans, built on :mod:`duluan.apps.accounts.permissions`.

Decisions (also in duluan/apps/plans/README.md and on the plan list page):

- Coordinators, analysts and administrators see every plan.
- Officers and heads see a plan when an agency they may see (their own; for heads also the
  agencies under them) signed it or leads or partners any of its items. Within a visible plan they
  see the whole item tree read-only, because progress only makes sense in context. Other plans
  are "not found" — exactly as if they did not exist.
- Only an officer or head *of the lead or a partner agency* of a leaf item submits progress
  reports on it.
- Only coordinators approve or return reports, and manage plans (create items, import XLSX,
  attach documents to a plan). Analysts only read.
- Evidence is added to a report by an officer or head of the agency that reported, while the
  report waits for approval; once decided, what the coordinator saw is what stays.
- Attachments and evidence download through :func:`attachment_get_for_user` and
  :func:`evidence_get_for_user`: whoever sees the plan may download; anyone else gets "not found".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from duluan.apps.accounts.models import Role
from duluan.apps.accounts.permissions import NOT_FOUND, role_of, visible_agency_ids

from .models import Plan, PlanAttachment, PlanItem, ProgressReport, ReportEvidence, ReportStatus

REPORTER_ROLES = frozenset({Role.OFFICER, Role.HEAD})
APPROVER_ROLES = frozenset({Role.COORDINATOR})
MANAGER_ROLES = frozenset({Role.COORDINATOR})


def plan_queryset_for_user(user) -> QuerySet[Plan]:
    """Plans the user may see (see the module rules)."""
    ids = visible_agency_ids(user)
    if ids is None:
        return Plan.objects.all()
    if not ids:
        return Plan.objects.none()
    involved = (
        Q(signing_agencies__in=ids) | Q(items__lead_agency__in=ids) | Q(items__partner_agencies__in=ids)
    )
    return Plan.objects.filter(pk__in=Plan.objects.filter(involved).values("pk"))


def plan_get_for_user(user, *, pk: int) -> Plan:
    try:
        return plan_queryset_for_user(user).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def item_get_for_user(user, *, pk: int) -> PlanItem:
    try:
        return (
            PlanItem.objects.select_related("plan", "lead_agency", "parent")
            .filter(plan__in=plan_queryset_for_user(user))
            .get(pk=pk)
        )
    except PlanItem.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def report_get_for_user(user, *, pk: int) -> ProgressReport:
    try:
        return (
            ProgressReport.objects.select_related("item", "item__plan", "agency")
            .filter(item__plan__in=plan_queryset_for_user(user))
            .get(pk=pk)
        )
    except ProgressReport.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def item_agency_ids(item: PlanItem) -> set[int]:
    return {item.lead_agency_id, *item.partner_agencies.values_list("pk", flat=True)}


def can_report_on(user, item: PlanItem) -> bool:
    """An officer or head of the item's lead or partner agency, on a leaf item."""
    if role_of(user) not in REPORTER_ROLES or user.agency_id is None:
        return False
    if item.children.exists():
        return False
    return user.agency_id in item_agency_ids(item)


def can_approve(user) -> bool:
    return role_of(user) in APPROVER_ROLES


def can_manage_plans(user) -> bool:
    return role_of(user) in MANAGER_ROLES


def can_attach_to_plan(user, plan: Plan) -> bool:
    """Documents of a plan are added by those who manage plans (coordinators)."""
    return can_manage_plans(user)


def can_add_evidence(user, report: ProgressReport) -> bool:
    """An officer or head of the reporting agency, while the report is still waiting for approval."""
    return (
        role_of(user) in REPORTER_ROLES
        and user.agency_id is not None
        and user.agency_id == report.agency_id
        and report.status == ReportStatus.SUBMITTED
    )


def evidence_get_for_user(user, *, pk: int) -> ReportEvidence:
    try:
        return ReportEvidence.objects.filter(report__item__plan__in=plan_queryset_for_user(user)).get(pk=pk)
    except ReportEvidence.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def attachment_get_for_user(user, *, pk: int) -> PlanAttachment:
    try:
        return PlanAttachment.objects.filter(plan__in=plan_queryset_for_user(user)).get(pk=pk)
    except PlanAttachment.DoesNotExist:
        raise Http404(NOT_FOUND) from None
