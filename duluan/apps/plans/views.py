"""Pages of coordination plans. Thin: parse, call a gatekeeper and a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duluan.apps.accounts.decorators import official_required
from duluan.apps.cases.selectors import unread_count

from . import documents, permissions, selectors, services, spreadsheets
from .forms import AttachmentForm, EvidenceForm, ImportForm, ReportForm, ReturnForm
from .models import download_name

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _messages_of(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@official_required
def index(request):
    plans = selectors.plan_list(permissions.plan_queryset_for_user(request.user))
    return render(
        request,
        "plans/index.html",
        {
            "plans": plans,
            "can_approve": permissions.can_approve(request.user),
            "pending": len(selectors.pending_reports(request.user))
            if permissions.can_approve(request.user)
            else 0,
            # progress-report notifications land in the officials' one inbox (the cases app's)
            "unread": unread_count(request.user),
        },
    )


@official_required
def plan_detail(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk=pk)
    view = selectors.plan_tree(plan)
    continuations = list(plan.continuations.all())
    # The plan it continues and those continuing it are named; linked only where the reader's
    # gatekeeper opens them (a department that shares only the 2025 plan met a 404).
    related = [c.pk for c in continuations] + ([plan.previous_id] if plan.previous_id else [])
    linked = set(
        permissions.plan_queryset_for_user(request.user).filter(pk__in=related).values_list("pk", flat=True)
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "view": view,
            "plan": plan,
            "signers": list(plan.signing_agencies.all()),
            "attachments": list(plan.attachments.all()),
            "reviews": list(plan.reviews.all()),
            "continuations": continuations,
            "linked_plans": linked,
            "can_manage": permissions.can_manage_plans(request.user),
            "can_attach": permissions.can_attach_to_plan(request.user, plan),
            "attachment_form": AttachmentForm(),
            "today": timezone.localdate(),
        },
    )


@official_required
def plan_export(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk=pk)
    response = HttpResponse(spreadsheets.items_export(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{plan.pk}-nhiem-vu.xlsx"'
    return response


@official_required
def plan_docx(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk=pk)
    response = HttpResponse(documents.plan_progress_docx(plan), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-tien-do-ke-hoach-{plan.pk}.docx"'
    return response


@official_required
def plan_import(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk=pk)
    if not permissions.can_manage_plans(request.user):
        raise PermissionDenied(services.ERROR_NOT_MANAGER)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list = []
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = spreadsheets.items_import(
                plan=plan, data=form.cleaned_data["file"].read(), actor=request.user
            )
        except spreadsheets.ImportFailed as failed:
            errors = failed.errors
        else:
            messages.success(
                request,
                _(
                    "Đã nhập: %(c)s nhiệm vụ mới, %(u)s cập nhật, %(n)s không đổi, "
                    "%(i)s chỉ tiêu, %(r)s báo cáo."
                )
                % {
                    "c": result.created,
                    "u": result.updated,
                    "n": result.unchanged,
                    "i": result.indicators_changed,
                    "r": result.reports_created,
                },
            )
            return redirect("plans:plan", pk=plan.pk)
    status = 400 if errors else 200
    return render(
        request,
        "plans/import.html",
        {
            "plan": plan,
            "form": form,
            "errors": errors,
            "item_columns": spreadsheets.ITEM_COLUMNS,
            "indicator_columns": spreadsheets.INDICATOR_COLUMNS,
        },
        status=status,
    )


@official_required
def item_detail(request, pk: int):
    item = permissions.item_get_for_user(request.user, pk=pk)
    view = selectors.plan_tree(item.plan)
    row = view.row(item.pk)
    reports = selectors.item_reports(item)
    return render(
        request,
        "plans/item_detail.html",
        {
            "item": item,
            "plan": item.plan,
            "row": row,
            "ancestors": _ancestors(view, item),
            "children": [r for r in view.rows if r.item.parent_id == item.pk],
            "indicators": selectors.item_indicators(item),
            "reports": reports,
            "evidence_report_ids": {r.pk for r in reports if permissions.can_add_evidence(request.user, r)},
            "evidence_form": EvidenceForm(),
            "history": selectors.item_history(item),
            "can_report": permissions.can_report_on(request.user, item),
            "can_approve": permissions.can_approve(request.user),
            "return_form": ReturnForm(),
        },
    )


def _ancestors(view: selectors.PlanView, item) -> list:
    by_pk = {r.item.pk: r.item for r in view.rows}
    chain = []
    node = by_pk.get(item.parent_id)
    while node is not None:
        chain.append(node)
        node = by_pk.get(node.parent_id)
    return chain[::-1]


@official_required
def report_submit(request, pk: int):
    item = permissions.item_get_for_user(request.user, pk=pk)
    if not permissions.can_report_on(request.user, item):
        raise PermissionDenied(services.ERROR_NOT_REPORTER)
    form = ReportForm(
        request.POST or None, request.FILES or None, initial={"period_end": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                item=item,
                user=request.user,
                period_end=data["period_end"],
                percent=data["percent"],
                narrative=data["narrative"],
                evidence=[(f.name, f.read()) for f in data["evidence"]],
                request=request,
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã gửi báo cáo tiến độ; chờ điều phối viên duyệt."))
            return redirect("plans:item", pk=item.pk)
    return render(request, "plans/report_form.html", {"item": item, "plan": item.plan, "form": form})


@official_required
def approvals(request):
    if not permissions.can_approve(request.user):
        raise PermissionDenied(services.ERROR_NOT_APPROVER)
    return render(
        request,
        "plans/approvals.html",
        {"reports": selectors.pending_reports(request.user), "return_form": ReturnForm()},
    )


@require_POST
@official_required
def report_approve(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk=pk)
    try:
        services.report_approve(report=report, user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(
            request, _("Đã duyệt báo cáo tiến độ nhiệm vụ %(code)s.") % {"code": report.item.code}
        )
    return redirect(_next(request, report))


@require_POST
@official_required
def report_return(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, services.ERROR_RETURN_REASON)
        return redirect(_next(request, report))
    try:
        services.report_return(
            report=report, user=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, _("Đã trả lại báo cáo nhiệm vụ %(code)s.") % {"code": report.item.code})
    return redirect(_next(request, report))


def _next(request, report) -> str:
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("plans:item", kwargs={"pk": report.item_id})


@require_POST
@official_required
def attachment_upload(request, pk: int):
    plan = permissions.plan_get_for_user(request.user, pk=pk)
    if not permissions.can_attach_to_plan(request.user, plan):
        raise PermissionDenied(services.ERROR_NOT_ATTACHER)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("plans:plan", pk=plan.pk)
    upload = form.cleaned_data["file"]
    try:
        attachment = services.plan_attachment_add(
            plan=plan,
            title=form.cleaned_data["title"],
            content=upload.read(),
            filename=upload.name,
            actor=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, _("Đã đính kèm “%(title)s”.") % {"title": attachment.title})
    return redirect("plans:plan", pk=plan.pk)


@require_POST
@official_required
def evidence_upload(request, pk: int):
    report = permissions.report_get_for_user(request.user, pk=pk)
    if not permissions.can_add_evidence(request.user, report):
        raise PermissionDenied(services.ERROR_NOT_EVIDENCE_ADDER)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("plans:item", pk=report.item_id)
    try:
        rows = services.report_evidence_add(
            report=report,
            files=[(f.name, f.read()) for f in form.cleaned_data["file"]],
            actor=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.success(request, _("Đã bổ sung %(n)s tệp minh chứng.") % {"n": len(rows)})
    return redirect("plans:item", pk=report.item_id)


def _download(row) -> FileResponse:
    """A stored file, as an attachment (never rendered inline), with the type its content showed."""
    response = FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=download_name(row.title, row.file.name),
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@official_required
def evidence_download(request, pk: int):
    return _download(permissions.evidence_get_for_user(request.user, pk=pk))


@official_required
def attachment_download(request, pk: int):
    return _download(permissions.attachment_get_for_user(request.user, pk=pk))
