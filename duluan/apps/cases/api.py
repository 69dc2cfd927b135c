"""JSON API of cases: ``/api/cases/`` (officials, through the gatekeeper) and the public tracking view.

Transitions go through the same action objects as the pages, so permissions, statuses, the
optimistic lock and the audit behave identically.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from duluan.apps.accounts.permissions import NOT_FOUND, is_official
from duluan.apps.core.ratelimit import limit_code_misses

from . import permissions as perms
from . import selectors
from .confidential import case_title_masked
from .services import ACTIONS, CaseError, ConflictError

router = Router(tags=["cases"])


class CaseOut(Schema):
    """A case for workflow: its title masked for everyone (the API is no place for who wrote it)."""

    id: int
    code: str
    title: str
    kind: str
    topic: str
    status: str
    version: int
    lead_agency: str
    unit: str
    unit_scheme: str
    received_at: datetime
    accept_due: date | None
    resolve_due: date | None
    overdue: bool


class CaseDetailOut(CaseOut):
    routing: dict
    accept_deadline: dict
    resolve_deadline: dict
    response_text: str


class PublicCaseOut(Schema):
    code: str
    status: str
    kind: str
    unit: str
    lead_agency: str
    accept_due: date | None
    resolve_due: date | None
    updates: list[dict]


class ActionIn(Schema):
    version: int
    reason: str = Field("", max_length=2000)
    complex: bool | None = None
    decline_reason: str | None = None
    assignee_id: int | None = None
    partner_ids: list[int] | None = None
    response_text: str | None = Field(None, max_length=20000)
    no_evidence_reason: str | None = Field(None, max_length=2000)
    agency_id: int | None = None


class Error(Schema):
    detail: str


def _out(case, overdue: bool | None = None) -> dict:
    if overdue is None:
        overdue = bool(getattr(case, "is_overdue", False))
    return {
        "id": case.pk,
        "code": case.code,
        "title": case_title_masked(case),
        "kind": case.kind,
        "topic": case.topic,
        "status": case.status,
        "version": case.version,
        "lead_agency": case.lead_agency.name,
        "unit": case.unit.name,
        "unit_scheme": case.unit.scheme,
        "received_at": case.received_at,
        "accept_due": case.accept_due,
        "resolve_due": case.resolve_due,
        "overdue": overdue,
    }


def _official(request) -> None:
    if not is_official(request.user):
        raise Http404(NOT_FOUND)


@router.get(
    "/", response=list[CaseOut], auth=django_auth, summary="Hồ sơ người dùng được xem (quá hạn trước)"
)
def list_cases(request, status: str | None = None, overdue: bool = False):
    """The cases the signed-in official may see (overdue first)."""
    _official(request)
    return [_out(c) for c in selectors.case_list(request.user, status=status, overdue=overdue)[:500]]


def _detail(request, pk: int) -> dict:
    case = (
        selectors.with_overdue(perms.case_list_for_user(request.user))
        .select_related("lead_agency", "unit", "complainant")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404(NOT_FOUND)
    return {
        **_out(case),
        "routing": case.routing,
        "accept_deadline": case.accept_deadline,
        "resolve_deadline": case.resolve_deadline,
        "response_text": case.response_text,
    }


@router.get(
    "/{int:pk}", response=CaseDetailOut, auth=django_auth, summary="Một hồ sơ (không có thông tin người gửi)"
)
def get_case(request, pk: int):
    """One case (never the complainant's identity: the API is for workflow, not for personal data)."""
    _official(request)
    return _detail(request, pk)


@router.post(
    "/{int:pk}/actions/{action}",
    response={200: CaseDetailOut, 400: Error, 403: Error, 404: Error, 409: Error},
    auth=django_auth,
    summary="Chuyển một hồ sơ sang bước xử lý kế tiếp",
)
def act(request, pk: int, action: str, payload: ActionIn):
    """Perform a transition; ``version`` is the version the caller last saw (optimistic lock)."""
    _official(request)
    case = perms.case_get_for_user(request.user, pk=pk)
    transition = ACTIONS.get(action)
    if transition is None or transition.public:
        raise Http404(NOT_FOUND)
    params: dict = {}
    if payload.complex is not None:
        params["complex"] = payload.complex
    if payload.decline_reason is not None:
        params["decline_reason"] = payload.decline_reason
    if payload.assignee_id is not None:
        params["assignee"] = payload.assignee_id
    if payload.partner_ids is not None:
        params["partners"] = payload.partner_ids
    if payload.response_text is not None:
        params["response_text"] = payload.response_text
        params["no_evidence_reason"] = payload.no_evidence_reason or ""
    if payload.agency_id is not None:
        params["agency"] = payload.agency_id
    try:
        transition.execute(
            case=case,
            actor=request.user,
            expected_version=payload.version,
            reason=payload.reason,
            request=request,
            **params,
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except ConflictError as error:
        return Status(409, {"detail": str(error)})
    except CaseError as error:
        return Status(400, {"detail": str(error)})
    return Status(200, _detail(request, pk))


@router.get("/track/{code}", response=PublicCaseOut, summary="Tra cứu phản ánh bằng mã (công khai)")
@limit_code_misses  # as the tracking pages: a miss counts, a guesser is refused (429)
def track(request, code: str):
    """What a citizen sees with the tracking code: status, deadlines, public updates; no personal data."""
    case = perms.case_get_by_code(code)
    return {
        "code": case.code,
        "status": case.status,
        "kind": case.kind,
        "unit": case.unit.name,
        "lead_agency": case.lead_agency.name,
        "accept_due": case.accept_due,
        "resolve_due": case.resolve_due,
        "updates": [{"at": u.created_at.isoformat(), "text": u.text} for u in selectors.public_updates(case)],
    }
