"""Case pages: thin adapters over the gatekeeper, the selectors and the workflow actions."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from duluan.apps.accounts.models import User
from duluan.apps.accounts.permissions import NOT_FOUND, is_official
from duluan.apps.core import xlsx_stream
from duluan.apps.core.logging import redact
from duluan.apps.core.ratelimit import gives_browser_number, limit_code_misses
from duluan.apps.core.text import spreadsheet_safe
from duluan.apps.core.topics import topic_label

from . import permissions as perms
from . import selectors
from .confidential import case_text_for, case_title_masked
from .forms import (
    AttachmentForm,
    CitizenFeedbackForm,
    NoteForm,
    RevealForm,
    TrackLookupForm,
    form_for,
)
from .models import Complainant, Kind, Status
from .performance import FEW_CASES, performance_for
from .services import (
    ACTIONS,
    CaseError,
    ConflictError,
    actions_for,
    case_attachment_add,
    case_note_add,
    case_reveal_denouncer,
)

FORBIDDEN_PAGE = "Trang này chỉ dành cho điều phối viên và quản trị viên."


def _official_required(view):
    """Officials only; a signed-in user without a role here is refused, a visitor sent to log in."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_official(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_official_required
def index(request):
    status = request.GET.get("status") or None
    kind = request.GET.get("kind") or None
    cases = selectors.case_list(
        request.user,
        status=status if status in Status.values else None,
        kind=kind if kind in Kind.values else None,
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", "")[:50],
    )
    # titles masked in the list for everyone: the handlers read them as written on the case page
    page = [(c, case_title_masked(c)) for c in cases[:200]]
    return render(
        request,
        "cases/index.html",
        {
            "cases": page,
            "total": cases.count(),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "status": status,
            "kind": kind,
            "overdue_only": request.GET.get("overdue") == "1",
            "q": request.GET.get("q", ""),
            "unread": selectors.unread_count(request.user),
            "can_export": perms.can_export(request.user),
        },
    )


def _detail_context(request, case, *, forms=None, revealed=None):
    user = request.user
    identity = None
    sees_identity = perms.can_see_identity(user, case)
    if sees_identity:
        identity = Complainant.objects.filter(case=case).first()
    actions = actions_for(user, case)
    forms = forms or {}
    action_forms = [
        (a, forms.get(a.name) or form_for(a.name, case=case, user=user, initial={"version": case.version}))
        for a in actions
    ]
    # what the citizen wrote, its writer's name, house and contact details masked for those who
    # do not see who wrote it (analysts, partner agencies, a denunciation's handlers until an
    # audited reveal)
    text = case_text_for(user, case, revealed=revealed is not None)
    return {
        "case": case,
        "title": text.title,
        "description": text.description,
        "topic_label": topic_label(case.topic),
        "is_overdue": case.is_open
        and case.current_due is not None
        and case.current_due < timezone.localdate(),
        "identity": identity,
        "sealed": case.kind == Kind.DENUNCIATION,
        "can_reveal": perms.can_reveal_denouncer(user, case),
        "revealed": revealed,
        "reveal_form": RevealForm(),
        "action_forms": action_forms,
        "partners": case.partner_agencies.all(),
        # those not public only for the case's handlers (permissions.can_download_attachment)
        "attachments": [a for a in case.attachments.all() if perms.can_download_attachment(user, case, a)],
        "timeline": selectors.case_timeline(case, masked=text.masked),
        "can_note": perms.can_write_notes(user, case),
        "can_public": perms.is_lead_staff(user, case),
        "note_form": NoteForm(),
        "attachment_form": AttachmentForm() if perms.is_lead_staff(user, case) else None,
        "merged_cases": [(m, case_title_masked(m)) for m in case.merged_cases.select_related("complainant")],
    }


@never_cache  # the page may carry a complainant's identity: no copy in any cache
@_official_required
def detail(request, pk: int):
    case = perms.case_get_for_user(request.user, pk=pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


@_official_required
@require_POST
def act(request, pk: int, action: str):
    case = perms.case_get_for_user(request.user, pk=pk)
    transition = ACTIONS.get(action)
    if transition is None or transition.public:
        raise Http404(NOT_FOUND)
    form = form_for(action, request.POST, case=case, user=request.user)
    if not form.is_valid():
        messages.error(request, "Thông tin chưa hợp lệ; xem các ô được đánh dấu.")
        return render(
            request, "cases/detail.html", _detail_context(request, case, forms={action: form}), status=400
        )
    try:
        transition.execute(
            case=case,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data.get("reason", ""),
            request=request,
            **form.params(),
        )
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except CaseError as error:
        messages.error(request, str(error))
        status = 409 if isinstance(error, ConflictError) else 400
        case.refresh_from_db()
        return render(
            request, "cases/detail.html", _detail_context(request, case, forms={action: form}), status=status
        )
    messages.success(request, f"Đã {transition.label}.")
    return redirect("cases:detail", pk=case.pk)


@_official_required
@require_POST
def note(request, pk: int):
    case = perms.case_get_for_user(request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_note_add(
                case=case,
                actor=request.user,
                text=form.cleaned_data["text"],
                public=form.cleaned_data["public"],
                request=request,
            )
            messages.success(request, "Đã ghi vào hồ sơ.")
        except CaseError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Cần có nội dung.")
    return redirect("cases:detail", pk=case.pk)


@_official_required
@require_POST
def attach(request, pk: int):
    case = perms.case_get_for_user(request.user, pk=pk)
    if not perms.is_lead_staff(request.user, case):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            case_attachment_add(case=case, actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, "Đã đính kèm tài liệu.")
        except CaseError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, "Chọn tệp và loại tài liệu.")
    return redirect("cases:detail", pk=case.pk)


@never_cache
@_official_required
@require_POST
def reveal(request, pk: int):
    case = perms.case_get_for_user(request.user, pk=pk)
    if not perms.can_reveal_denouncer(request.user, case):
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần nêu lý do.")
        return redirect("cases:detail", pk=case.pk)
    identity = case_reveal_denouncer(
        case=case, actor=request.user, reason=form.cleaned_data["reason"], request=request
    )
    return render(
        request, "cases/detail.html", _detail_context(request, case, revealed=identity or {"empty": True})
    )


# -- the citizen's side ------------------------------------------------------------------------------


@gives_browser_number
def track_lookup(request):
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("cases:track", code=form.cleaned_data["code"].strip().upper())
    return render(request, "cases/track_lookup.html", {"form": form})


def _track_context(case, *, form=None):
    from .services.workflow import REOPEN_WINDOW_DAYS, can_rate

    answered = case.status in (Status.PUBLISHED, Status.CLOSED)
    return {
        "case": case,
        "title": redact(case.title),
        "topic_label": topic_label(case.topic),
        "updates": selectors.public_updates(case),
        "merged": selectors.merged_outcome(case),
        "attachments": case.attachments.filter(public=True) if answered else [],
        "can_feedback": can_rate(case),
        "form": form or CitizenFeedbackForm(),
        "reopen_days": REOPEN_WINDOW_DAYS,
    }


@limit_code_misses
def track(request, code: str):
    case = perms.case_get_by_code(code)
    return render(request, "cases/track.html", _track_context(case))


@require_POST
@limit_code_misses
def track_feedback(request, code: str):
    case = perms.case_get_by_code(code)
    form = CitizenFeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/track.html", _track_context(case, form=form), status=400)
    try:
        ACTIONS["citizen_feedback"].execute(
            case=case,
            reason=form.cleaned_data["reason"],
            request=request,
            resolved=form.cleaned_data["resolved"],
            satisfaction=form.cleaned_data["satisfaction"],
        )
    except CaseError as error:
        messages.error(request, str(error))
        return render(request, "cases/track.html", _track_context(case, form=form), status=400)
    messages.success(request, "Cảm ơn bạn đã phản hồi.")
    return redirect("cases:track", code=case.code)


def attachment_public(request, code: str, pk: int):
    """A public attachment of a published answer, fetched with the tracking code."""
    from django.http import FileResponse

    case = perms.case_get_by_code(code)
    attachment = case.attachments.filter(pk=pk, public=True).first()
    if attachment is None or case.status not in (Status.PUBLISHED, Status.CLOSED):
        raise Http404(NOT_FOUND)
    return FileResponse(attachment.file.open("rb"), as_attachment=False, filename=attachment.filename)


@_official_required
def attachment(request, pk: int, attachment_pk: int):
    from django.http import FileResponse

    case = perms.case_get_for_user(request.user, pk=pk)
    item = case.attachments.filter(pk=attachment_pk).first()
    if item is None or not perms.can_download_attachment(request.user, case, item):
        raise Http404(NOT_FOUND)
    return FileResponse(item.file.open("rb"), as_attachment=False, filename=item.filename)


# -- performance, audit, notifications, export -------------------------------------------------------


@_official_required
def performance(request):
    if not perms.can_view_performance(request.user):
        raise PermissionDenied
    context = {"perf": performance_for(request.user), "few_label": FEW_CASES}
    return render(request, "cases/performance.html", context)


@_official_required
def performance_docx(request):
    if not perms.can_view_performance(request.user):
        raise PermissionDenied
    from .report import performance_report_docx

    content = performance_report_docx(performance_for(request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = 'attachment; filename="bao-cao-ket-qua-giai-quyet.docx"'
    return response


@_official_required
def audit_user(request, user_id: int):
    if not perms.can_read_user_audit(request.user):
        raise PermissionDenied(FORBIDDEN_PAGE)
    subject = User.objects.filter(pk=user_id).first()
    if subject is None:
        raise Http404(NOT_FOUND)
    events = list(selectors.user_audit_events(subject)[:500])
    return render(request, "cases/audit_user.html", {"subject": subject, "events": events})


@_official_required
def notifications(request):
    rows = list(selectors.notifications_for(request.user)[:200])
    if request.method == "POST":
        selectors.notifications_for(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("cases:notifications")
    return render(request, "cases/notifications.html", {"notifications": rows})


EXPORT_FIELDS = [
    ("code", "Mã"),
    ("kind", "Loại việc"),
    ("topic", "Chủ đề"),
    ("status", "Trạng thái"),
    ("lead", "Cơ quan chủ trì"),
    ("unit", "Địa bàn"),
    ("received", "Tiếp nhận"),
    ("accept_due", "Hạn thụ lý"),
    ("resolve_due", "Hạn giải quyết"),
    ("published", "Trả lời"),
    ("overdue", "Quá hạn"),
    ("satisfaction", "Hài lòng"),
    ("title", "Tiêu đề (đã che thông tin cá nhân)"),
]


def _export_rows(user):
    """The cases ``user`` sees, a list of cells each, without personal data: no complainant, the
    titles masked for everyone (:func:`~duluan.apps.cases.confidential.case_title_masked`): a file
    travels further than the page."""
    for case in selectors.case_list(user).iterator(chunk_size=500):
        yield [
            case.code,
            case.get_kind_display(),
            case.topic,
            case.get_status_display(),
            case.lead_agency.name,
            case.unit.name,
            timezone.localtime(case.received_at).strftime("%d/%m/%Y"),
            case.accept_due.strftime("%d/%m/%Y") if case.accept_due else "",
            case.resolve_due.strftime("%d/%m/%Y") if case.resolve_due else "",
            timezone.localtime(case.published_at).strftime("%d/%m/%Y") if case.published_at else "",
            "x" if case.is_overdue else "",
            case.satisfaction or "",
            case_title_masked(case),
        ]


@_official_required
def export_csv(request):
    """The cases the user sees as CSV (see :func:`_export_rows`)."""
    if not perms.can_export(request.user):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ho-so.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow([label for _, label in EXPORT_FIELDS])
    for row in _export_rows(request.user):
        writer.writerow([*row[:-1], spreadsheet_safe(row[-1])])
    return response


@_official_required
def export_xlsx(request):
    """The cases the user sees as a workbook (see :func:`_export_rows`), streamed as it is written.

    What an official opens in Excel: on a Windows set to Vietnamese, whose list separator is a
    semicolon, Excel opened the CSV with each row in one cell. A workbook's cells are values,
    never formulas, so its titles need no guard.
    """
    if not perms.can_export(request.user):
        raise PermissionDenied
    header = [label for _, label in EXPORT_FIELDS]
    rows = xlsx_stream.xlsx_stream(sheet="Hồ sơ", header=header, rows=_export_rows(request.user))
    response = StreamingHttpResponse(rows, content_type=xlsx_stream.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ho-so.xlsx"'
    return response
