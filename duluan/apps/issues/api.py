"""JSON API of issues (read-only): the ranked list and one issue with why it is hot."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status

from .filters import IssueFilterForm, IssueFilters
from .permissions import can_see_issues, issue_get_for_user
from .selectors import issue_page

router = Router(tags=["issues"])


class IssueOut(Schema):
    id: int
    title: str
    topic: str
    hotness: float
    hotness_level: str
    signal_count: int
    negative_share: float
    first_seen: datetime | None
    last_seen: datetime | None


class IssueDetailOut(IssueOut):
    hotness_components: list[dict]
    forecast: dict


class IssueQuery(Schema):
    q: str = ""
    topic: str = ""
    place: str = ""
    channel: str = ""
    sentiment: str = ""
    level: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


class ErrorOut(Schema):
    detail: str
    errors: list[dict] = []


def _official(request):
    if not can_see_issues(request.user):
        raise Http404("Không tìm thấy.")


@router.get(
    "/",
    response={200: list[IssueOut], 400: ErrorOut},
    summary="Vấn đề dư luận người dùng được xem, nóng nhất trước",
)
def issues_list(request, params: Query[IssueQuery]):
    _official(request)
    data = {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in params.dict().items()
        if v not in (None, "")
    }
    form = IssueFilterForm(data)
    if not form.is_valid():
        errors = [{"field": f, "message": str(m)} for f, ms in form.errors.items() for m in ms]
        return Status(400, {"detail": "Tham số không hợp lệ.", "errors": errors})
    return issue_page(user=request.user, filters=IssueFilters.from_form(form)).issues


@router.get("/{issue_id}", response=IssueDetailOut, summary="Một vấn đề với các thành phần độ nóng và dự báo")
def issue_detail(request, issue_id: int):
    _official(request)
    return issue_get_for_user(request.user, pk=issue_id)
