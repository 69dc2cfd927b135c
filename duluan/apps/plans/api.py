"""JSON API of coordination plans: ``/api/plans/`` and ``/api/plans/{id}`` (officials only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema

from duluan.apps.accounts.permissions import NOT_FOUND, is_official

from . import permissions, selectors

router = Router(tags=["plans"])


class ProgressOut(Schema):
    progress: Decimal
    expected: Decimal | None
    status: str
    start: date | None
    end: date | None


class PlanOut(Schema):
    id: int
    number: str
    title: str
    year: int
    signing_agencies: list[str]
    progress: ProgressOut


class ItemOut(Schema):
    id: int
    code: str
    parent_code: str | None
    content: str
    lead_agency: str
    partner_agencies: list[str]
    weight: Decimal
    depth: int
    progress: ProgressOut


class PlanDetail(PlanOut):
    items: list[ItemOut]


def _progress(p) -> dict:
    return {
        "progress": p.progress,
        "expected": p.expected,
        "status": p.status,
        "start": p.start,
        "end": p.end,
    }


def _plan(view) -> dict:
    plan = view.plan
    return {
        "id": plan.pk,
        "number": plan.number,
        "title": plan.title,
        "year": plan.year,
        "signing_agencies": sorted(a.code for a in plan.signing_agencies.all()),
        "progress": _progress(view.progress),
    }


def _require_official(request) -> None:
    if not is_official(request.user):
        raise Http404(NOT_FOUND)


@router.get("/", response=list[PlanOut], summary="Kế hoạch phối hợp người dùng được xem, kèm tiến độ")
def plans_list(request):
    _require_official(request)
    return [_plan(v) for v in selectors.plan_list(permissions.plan_queryset_for_user(request.user))]


@router.get("/{plan_id}", response=PlanDetail, summary="Một kế hoạch với cây nhiệm vụ và tiến độ")
def plans_get(request, plan_id: int):
    _require_official(request)
    view = selectors.plan_tree(permissions.plan_get_for_user(request.user, pk=plan_id))
    codes = {r.item.pk: r.item.code for r in view.rows}
    return {
        **_plan(view),
        "items": [
            {
                "id": r.item.pk,
                "code": r.item.code,
                "parent_code": codes.get(r.item.parent_id),
                "content": r.item.content,
                "lead_agency": r.item.lead_agency.code,
                "partner_agencies": [a.code for a in r.partners],
                "weight": r.item.weight,
                "depth": r.depth,
                "progress": _progress(r.progress),
            }
            for r in view.rows
        ],
    }
