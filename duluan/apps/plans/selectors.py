"""Reads of the plans app: plan lists and trees with rolled-up progress, item pages, history.

Every function takes the rows a gatekeeper already let through; none adds an N+1 (one query for
the items with their latest approved percent, one for partners).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duluan.apps.accounts.models import Agency
from duluan.apps.audit.models import AuditEvent

from . import permissions, progress
from .models import Indicator, Plan, PlanItem, ProgressReport, ReportEvidence, ReportStatus

STATUS_LABELS = {
    progress.ON_TRACK: _("Đúng tiến độ"),
    progress.AT_RISK: _("Có nguy cơ chậm"),
    progress.OVERDUE: _("Quá hạn"),
    progress.DONE: _("Hoàn thành"),
    progress.NOT_STARTED: _("Chưa đến kỳ"),
}


@dataclass
class ItemRow:
    item: PlanItem
    depth: int
    progress: progress.Progress
    partners: list[Agency]
    is_leaf: bool
    pending: int = 0

    @property
    def status_label(self):
        return STATUS_LABELS[self.progress.status]


@dataclass
class PlanView:
    plan: Plan
    progress: progress.Progress
    rows: list[ItemRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def status_label(self):
        return STATUS_LABELS[self.progress.status]

    def row(self, item_id: int) -> ItemRow:
        return next(r for r in self.rows if r.item.pk == item_id)


def _latest_approved_percent():
    return Subquery(
        ProgressReport.objects.filter(item=OuterRef("pk"), status=ReportStatus.APPROVED)
        .order_by("-period_end", "-decided_at", "-pk")
        .values("percent")[:1]
    )


def _items_with_reported(plan_ids):
    return (
        PlanItem.objects.filter(plan_id__in=plan_ids)
        .select_related("lead_agency")
        .prefetch_related(
            Prefetch("partner_agencies", queryset=Agency.objects.order_by("code")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
        .annotate(
            reported=_latest_approved_percent(),
            pending=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED), distinct=True),
        )
        .order_by("plan_id", "position", "pk")
    )


def _node(item: PlanItem) -> progress.Node:
    return progress.Node(item.pk, item.parent_id, item.weight, item.start_on, item.end_on, item.reported)


def _plan_view(plan: Plan, items: list[PlanItem], as_of: date) -> PlanView:
    overall, by_id = progress.plan_rollup(
        (_node(i) for i in items), as_of=as_of, tolerance=plan.at_risk_tolerance
    )
    children: dict[int | None, list[PlanItem]] = {}
    ids = {i.pk for i in items}
    for item in items:
        children.setdefault(item.parent_id if item.parent_id in ids else None, []).append(item)
    rows: list[ItemRow] = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            rows.append(
                ItemRow(
                    item=item,
                    depth=depth,
                    progress=by_id[item.pk],
                    partners=list(item.partner_agencies.all()),
                    is_leaf=item.pk not in children,
                    pending=item.pending,
                )
            )
            walk(item.pk, depth + 1)

    walk(None, 0)
    counts = {status: 0 for status in progress.STATUSES}
    for row in rows:
        if row.is_leaf:
            counts[row.progress.status] += 1
    return PlanView(plan=plan, progress=overall, rows=rows, counts=counts)


def plan_list(plans, *, as_of: date | None = None) -> list[PlanView]:
    """Plans (already filtered by the gatekeeper) with their rolled-up progress; no item rows kept."""
    as_of = as_of or timezone.localdate()
    plans = list(plans.prefetch_related("signing_agencies").order_by("-year", "number"))
    items: dict[int, list[PlanItem]] = {p.pk: [] for p in plans}
    for item in _items_with_reported([p.pk for p in plans]):
        items[item.plan_id].append(item)
    return [_plan_view(plan, items[plan.pk], as_of) for plan in plans]


def plan_tree(plan: Plan, *, as_of: date | None = None) -> PlanView:
    """The plan, its rolled-up progress and its items depth-first with their progress."""
    as_of = as_of or timezone.localdate()
    return _plan_view(plan, list(_items_with_reported([plan.pk])), as_of)


def item_indicators(item: PlanItem) -> list[Indicator]:
    return list(item.indicators.all())


def item_reports(item: PlanItem) -> list[ProgressReport]:
    return list(
        item.reports.select_related("agency", "submitted_by", "decided_by").prefetch_related(
            Prefetch("evidence", queryset=ReportEvidence.objects.order_by("pk"))
        )
    )


def item_history(item: PlanItem) -> list[AuditEvent]:
    """Every audited change of the item, its indicators and its reports, oldest first."""
    report_ids = [str(pk) for pk in item.reports.values_list("pk", flat=True)]
    indicator_ids = [str(pk) for pk in item.indicators.values_list("pk", flat=True)]
    return list(
        AuditEvent.objects.filter(
            Q(object_type="plans.planitem", object_id=str(item.pk))
            | Q(object_type="plans.progressreport", object_id__in=report_ids)
            | Q(object_type="plans.indicator", object_id__in=indicator_ids)
        ).order_by("at", "id")
    )


def pending_reports(user) -> list[ProgressReport]:
    """Submitted reports waiting for a decision, in plans the user may see."""
    return list(
        ProgressReport.objects.filter(
            status=ReportStatus.SUBMITTED, item__plan__in=permissions.plan_queryset_for_user(user)
        )
        .select_related("item", "item__plan", "agency", "submitted_by")
        .order_by("submitted_at", "pk")
    )
