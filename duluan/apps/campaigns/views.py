"""Pages of campaigns and orientation notes. Thin: parse, call a gatekeeper and a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duluan.apps.accounts.decorators import official_required
from duluan.apps.accounts.models import Agency
from duluan.apps.accounts.permissions import NOT_FOUND, filter_by_agency, sees_all_agencies

from . import charts, documents, permissions, selectors, services
from .forms import (
    CampaignForm,
    DeliverForm,
    EvidenceForm,
    NoteForm,
    OutputEditForm,
    OutputForm,
    ReturnForm,
    SurveyLinkForm,
)
from .models import NoteStatus, OutputStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@official_required
def index(request):
    user = request.user
    campaigns = selectors.campaign_list(permissions.campaign_queryset_for_user(user))
    notes = selectors.note_list(permissions.note_queryset_for_user(user))[:10]
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": campaigns,
            "notes": notes,
            "can_create": permissions.can_create_campaigns(user),
            "can_draft": permissions.can_draft_notes(user),
            "today": timezone.localdate(),
        },
    )


def _campaign_fields(cleaned_data: dict, extra_units=()) -> dict:
    """The campaign's fields from a valid CampaignForm, as campaign_create and campaign_update take
    them; ``extra_units`` are target units the form does not show but that stay targeted."""
    d = cleaned_data
    return {
        "title": d["title"],
        "theme": d["theme"],
        "objectives": d["objectives"],
        "key_messages": d["key_messages"],
        "audiences": d["audiences"],
        "topic_codes": d["topic_codes"],
        "keywords": d["keywords"],
        "target_units": [*d["communes"], *d["pre2025_codes"], *extra_units],
        "channels": d["channels"],
        "start_on": d["start_on"],
        "end_on": d["end_on"],
        "lead_agency": d["lead_agency"],
        "partner_agencies": d["partner_agencies"],
        "plan_item": d.get("plan_item"),
    }


@official_required
def campaign_create(request):
    user = request.user
    if not permissions.can_create_campaigns(user):
        raise PermissionDenied(services.ERROR_NOT_CREATOR)
    agencies = filter_by_agency(Agency.objects.filter(is_active=True), user, field="pk").order_by("name")
    form = CampaignForm(request.POST or None, agencies=agencies)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=user, **_campaign_fields(form.cleaned_data), request=request
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã tạo chiến dịch."))
            return redirect("campaigns:campaign", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "errors": errors})


def _campaign_initial(campaign) -> dict:
    units = list(campaign.target_units.all())
    return {
        "title": campaign.title,
        "theme": campaign.theme,
        "objectives": campaign.objectives,
        "key_messages": campaign.key_messages,
        "audiences": campaign.audiences,
        "topic_codes": campaign.topic_codes,
        "keywords": ", ".join(campaign.keywords),
        "communes": [u.pk for u in units if u.scheme == "2025" and u.level == "commune"],
        "pre2025_codes": ", ".join(u.code for u in units if u.scheme == "pre2025"),
        "channels": list(campaign.channels.all()),
        "start_on": campaign.start_on,
        "end_on": campaign.end_on,
        "lead_agency": campaign.lead_agency_id,
        "partner_agencies": list(campaign.partner_agencies.all()),
        "plan_item": campaign.plan_item_id,
    }


@official_required
def campaign_edit(request, pk: int):
    user = request.user
    campaign = permissions.campaign_get_for_user(user, pk=pk)
    if not permissions.can_edit_campaign(user, campaign):
        raise PermissionDenied(services.ERROR_NOT_EDITOR)
    agencies = filter_by_agency(Agency.objects.filter(is_active=True), user, field="pk")
    agencies = (agencies | Agency.objects.filter(pk=campaign.lead_agency_id)).distinct().order_by("name")
    form = CampaignForm(request.POST or None, agencies=agencies, initial=_campaign_initial(campaign))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        # places the form cannot show (2025 units other than the province's communes) are kept
        shown = form.fields["communes"].queryset
        kept = [
            u
            for u in campaign.target_units.all()
            if u.scheme == "2025" and not shown.filter(pk=u.pk).exists()
        ]
        try:
            services.campaign_update(
                campaign=campaign,
                actor=user,
                **_campaign_fields(form.cleaned_data, extra_units=kept),
                request=request,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu chiến dịch."))
            return redirect("campaigns:campaign", campaign.pk)
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "errors": errors, "campaign": campaign}
    )


@official_required
def campaign_detail(request, pk: int):
    user = request.user
    campaign = permissions.campaign_get_for_user(user, pk=pk)
    rows = selectors.outputs_by_channel(campaign)
    view = selectors.campaign_effect(campaign)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "units": selectors.campaign_units(campaign),
            "channels": list(campaign.channels.all()),
            "partners": list(campaign.partner_agencies.all()),
            "outputs": selectors.campaign_outputs(campaign),
            "rows": rows,
            "totals": selectors.outputs_totals(campaign),
            "outputs_chart": charts.data_uri(charts.outputs(rows)) if rows else "",
            "effect": view,
            "cells": _cells(view),
            "timeline_chart": charts.data_uri(charts.timeline(view)),
            "share_chart": charts.data_uri(charts.negative_share(view)),
            "survey": selectors.campaign_survey(campaign),
            "can_link_surveys": permissions.can_link_surveys(user),
            "notes": list(
                campaign.orientation_notes.filter(
                    pk__in=permissions.note_queryset_for_user(user).values("pk")
                )
            ),
            "can_record": permissions.can_record_outputs(user, campaign),
            "can_edit": permissions.can_edit_campaign(user, campaign),
            "deliver_form": DeliverForm(initial={"delivered_on": timezone.localdate()}),
            "planned": OutputStatus.PLANNED,
        },
    )


def _cells(view):
    from . import effect as eng

    out = []
    for group, name in (
        (eng.TARGETED, _("Được tuyên truyền (đã ghép)")),
        (eng.COMPARISON, _("Đối chứng ghép cặp")),
    ):
        for p in range(3):
            out.append((name, eng.PERIOD_LABELS[p], view.periods.inclusive[p], view.result.cell(group, p)))
    return out


@official_required
def campaign_docx(request, pk: int):
    campaign = permissions.campaign_get_for_user(request.user, pk=pk)
    response = HttpResponse(documents.campaign_docx(campaign), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-chien-dich-{campaign.pk}.docx"'
    return response


def _output_fields(cleaned_data: dict) -> dict:
    """The output's fields from a valid OutputForm, as output_create and output_update take them
    (not delivered: no delivery day; no planned quantity: 1)."""
    d = cleaned_data
    return {
        "channel": d["channel"],
        "kind": d["kind"],
        "title": d["title"],
        "planned_on": d["planned_on"],
        "planned_quantity": d["planned_quantity"] if d["planned_quantity"] is not None else 1,
        "delivered_on": d["delivered_on"] if d["delivered"] else None,
        "delivered_quantity": d["delivered_quantity"],
        "attendance": d["attendance"],
        "reach": d["reach"],
        "note": d["note"],
    }


@official_required
def output_create(request, pk: int):
    user = request.user
    campaign = permissions.campaign_get_for_user(user, pk=pk)
    if not permissions.can_record_outputs(user, campaign):
        raise PermissionDenied(services.ERROR_NOT_RECORDER)
    form = OutputForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "planned_on": max(min(timezone.localdate(), campaign.end_on), campaign.start_on),
            "planned_quantity": 1,
        },
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["delivered"] and d["delivered_on"] is None:
            errors = [_("Cần nhập ngày thực hiện.")]
        else:
            try:
                services.output_create(
                    campaign=campaign,
                    actor=user,
                    **_output_fields(d),
                    evidence_url=d["evidence_url"],
                    evidence_file=d["evidence_file"],
                    request=request,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã ghi nhận sản phẩm truyền thông."))
                return redirect("campaigns:campaign", campaign.pk)
    return render(
        request, "campaigns/output_form.html", {"form": form, "campaign": campaign, "errors": errors}
    )


@official_required
def output_edit(request, pk: int):
    user = request.user
    output = permissions.output_get_for_user(user, pk=pk)
    campaign = output.campaign
    if not permissions.can_record_outputs(user, campaign):
        raise PermissionDenied(services.ERROR_NOT_RECORDER)
    initial = {
        "channel": output.channel_id,
        "kind": output.kind,
        "title": output.title,
        "planned_on": output.planned_on,
        "planned_quantity": output.planned_quantity,
        "delivered": output.status == OutputStatus.DELIVERED,
        "delivered_on": output.delivered_on,
        "delivered_quantity": output.delivered_quantity,
        "attendance": output.attendance,
        "reach": output.reach,
        "note": output.note,
    }
    form = OutputEditForm(request.POST or None, initial=initial, current_channel=output.channel)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["delivered"] and d["delivered_on"] is None:
            errors = [services.ERROR_DELIVERED_NO_DAY]
        else:
            try:
                services.output_update(
                    output=output,
                    actor=user,
                    **_output_fields(d),
                    unit=output.unit,
                    agency=output.agency,
                    request=request,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã lưu sản phẩm truyền thông."))
                return redirect("campaigns:campaign", campaign.pk)
    return render(
        request,
        "campaigns/output_form.html",
        {"form": form, "campaign": campaign, "errors": errors, "output": output},
    )


def _post_form(request, form, action, success: str) -> None:
    """Validate ``form`` and run ``action(cleaned_data)``; every error or ``success`` becomes a message
    (the page the form sits on is shown again by the caller's redirect)."""
    if not form.is_valid():
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
        return
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    else:
        messages.success(request, success)


@official_required
@require_POST
def output_deliver(request, pk: int):
    output = permissions.output_get_for_user(request.user, pk=pk)
    _post_form(
        request,
        DeliverForm(request.POST),
        lambda d: services.output_deliver(
            output=output,
            actor=request.user,
            delivered_on=d["delivered_on"],
            delivered_quantity=d["delivered_quantity"],
            attendance=d["attendance"],
            reach=d["reach"],
            request=request,
        ),
        _("Đã ghi nhận sản phẩm đã thực hiện."),
    )
    return redirect("campaigns:campaign", output.campaign_id)


@official_required
@require_POST
def evidence_add(request, pk: int):
    output = permissions.output_get_for_user(request.user, pk=pk)
    _post_form(
        request,
        EvidenceForm(request.POST, request.FILES),
        lambda d: services.evidence_add(
            output=output, actor=request.user, title=d["title"], url=d["url"], file=d["file"], request=request
        ),
        _("Đã thêm minh chứng."),
    )
    return redirect("campaigns:campaign", output.campaign_id)


@official_required
def evidence_download(request, pk: int):
    evidence = permissions.evidence_get_for_user(request.user, pk=pk)
    if not evidence.file:
        raise Http404(NOT_FOUND)
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1]
    )


@official_required
def campaign_surveys(request, pk: int):
    """Coordinators link survey rounds to a campaign and name its awareness and support questions."""
    from duluan.apps.surveys.permissions import rounds_for_user

    user = request.user
    campaign = permissions.campaign_get_for_user(user, pk=pk)
    if not permissions.can_link_surveys(user):
        raise PermissionDenied(services.ERROR_NOT_SURVEY_LINKER)
    rounds = rounds_for_user(user).order_by("-year", "code")
    form = SurveyLinkForm(request.POST or None, rounds=rounds)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.survey_link_set(
                campaign=campaign,
                round_=d["round"],
                actor=user,
                **{k: d[k] for k in services.SURVEY_LINK_QUESTIONS},
                request=request,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã gắn đợt khảo sát với chiến dịch."))
            return redirect("campaigns:campaign", campaign.pk)
    links = list(campaign.survey_links.select_related("round").order_by("round__year", "round__code"))
    return render(
        request,
        "campaigns/survey_links.html",
        {"campaign": campaign, "form": form, "errors": errors, "links": links},
    )


@official_required
@require_POST
def survey_unlink(request, pk: int):
    link = permissions.survey_link_get_for_user(request.user, pk=pk)
    if not permissions.can_link_surveys(request.user):
        raise PermissionDenied(services.ERROR_NOT_SURVEY_LINKER)
    campaign_id = link.campaign_id
    services.survey_link_remove(link=link, actor=request.user, request=request)
    messages.success(request, _("Đã bỏ gắn đợt khảo sát."))
    return redirect("campaigns:surveys", campaign_id)


@official_required
def calendar(request):
    month = selectors.month_of(request.GET.get("month"))
    grid = selectors.calendar_month(permissions.campaign_queryset_for_user(request.user), month)
    context = {"grid": grid, "today": timezone.localdate()}
    if request.htmx:
        return render(request, "campaigns/_calendar.html", context)
    return render(request, "campaigns/calendar.html", context)


# -- orientation notes ---------------------------------------------------------------------------


@official_required
def notes(request):
    user = request.user
    return render(
        request,
        "campaigns/notes.html",
        {
            "notes": selectors.note_list(permissions.note_queryset_for_user(user)),
            "can_draft": permissions.can_draft_notes(user),
        },
    )


def _note_choices(user, note=None):
    from duluan.apps.issues.models import HotnessLevel
    from duluan.apps.issues.permissions import issue_list_for_user

    q = Q(hotness_level__in=[HotnessLevel.HOT, HotnessLevel.WATCH], merged_into__isnull=True)
    if note is not None and note.issue_id:
        q |= Q(pk=note.issue_id)
    issues = issue_list_for_user(user).filter(q).order_by("-hotness")
    return {"issues": issues, "campaigns": permissions.campaign_queryset_for_user(user).order_by("-start_on")}


@official_required
def note_create(request):
    user = request.user
    if not permissions.can_draft_notes(user):
        raise PermissionDenied(services.ERROR_NOT_AUTHOR)
    initial = {}
    if request.GET.get("issue"):
        initial["issue"] = request.GET["issue"]
    if request.GET.get("campaign"):
        initial["campaign"] = request.GET["campaign"]
    form = NoteForm(request.POST or None, initial=initial, **_note_choices(user))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            note = services.note_create(
                actor=user,
                title=d["title"],
                facts=d["facts"],
                position=d["position"],
                talking_points=d["talking_points"],
                avoid=d["avoid"],
                issue=d["issue"],
                campaign=d["campaign"],
                recipients=d["recipients"],
                request=request,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu dự thảo thông tin định hướng."))
            return redirect("campaigns:note", note.pk)
    return render(request, "campaigns/note_form.html", {"form": form, "errors": errors, "note": None})


@official_required
def note_edit(request, pk: int):
    user = request.user
    note = permissions.note_get_for_user(user, pk=pk)
    if not permissions.can_draft_notes(user):
        raise PermissionDenied(services.ERROR_NOT_AUTHOR)
    initial = {
        "title": note.title,
        "issue": note.issue_id,
        "campaign": note.campaign_id,
        "facts": note.facts,
        "position": note.position,
        "talking_points": note.talking_points,
        "avoid": note.avoid,
        "recipients": list(note.recipients.all()),
    }
    form = NoteForm(request.POST or None, initial=initial, **_note_choices(user, note))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.note_update(
                note=note,
                actor=user,
                title=d["title"],
                facts=d["facts"],
                position=d["position"],
                talking_points=d["talking_points"],
                avoid=d["avoid"],
                recipients=d["recipients"],
                request=request,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu thông tin định hướng."))
            return redirect("campaigns:note", note.pk)
    return render(request, "campaigns/note_form.html", {"form": form, "errors": errors, "note": note})


@official_required
def note_detail(request, pk: int):
    from duluan.apps.audit.models import AuditEvent
    from duluan.apps.issues.permissions import issue_list_for_user

    user = request.user
    note = permissions.note_get_for_user(user, pk=pk)
    # A note goes to agencies that may not see its issue or campaign: those are named, and linked
    # only for a reader whose gatekeeper lets them open them (a commune met a 404).
    links = {
        "issue_link": note.issue_id is not None
        and issue_list_for_user(user).filter(pk=note.issue_id).exists(),
        "campaign_link": note.campaign_id is not None
        and permissions.campaign_queryset_for_user(user).filter(pk=note.campaign_id).exists(),
    }
    history = AuditEvent.objects.filter(
        object_type="campaigns.orientationnote", object_id=str(note.pk)
    ).order_by("pk")
    return render(
        request,
        "campaigns/note_detail.html",
        {
            "note": note,
            "readers": selectors.note_readers(note),
            "history": list(history),
            "can_edit": permissions.can_draft_notes(user)
            and note.status in (NoteStatus.DRAFT, NoteStatus.RETURNED),
            "can_deliver": permissions.can_draft_notes(user) and note.status == NoteStatus.APPROVED,
            "can_decide": permissions.can_decide_note(user, note) and note.status == NoteStatus.SUBMITTED,
            "can_ack": permissions.can_acknowledge_note(user, note),
            "acked": note.acknowledgements.filter(user=user).first(),
            "return_form": ReturnForm(),
            "sees_all": sees_all_agencies(user),
            **links,
        },
    )


def _note_action(request, pk, action, success):
    note = permissions.note_get_for_user(request.user, pk=pk)
    try:
        action(note)
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
    else:
        messages.success(request, success)
    return redirect("campaigns:note", note.pk)


@official_required
@require_POST
def note_submit(request, pk: int):
    return _note_action(
        request,
        pk,
        lambda n: services.note_submit(note=n, actor=request.user, request=request),
        _("Đã trình duyệt."),
    )


@official_required
@require_POST
def note_approve(request, pk: int):
    return _note_action(
        request,
        pk,
        lambda n: services.note_approve(note=n, actor=request.user, request=request),
        _("Đã duyệt."),
    )


@official_required
@require_POST
def note_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _note_action(
        request,
        pk,
        lambda n: services.note_return(note=n, actor=request.user, reason=reason, request=request),
        _("Đã trả lại để chỉnh sửa."),
    )


@official_required
@require_POST
def note_deliver(request, pk: int):
    return _note_action(
        request,
        pk,
        lambda n: services.note_deliver(note=n, actor=request.user, request=request),
        _("Đã gửi thông tin định hướng đến các cơ quan nhận."),
    )


@official_required
@require_POST
def note_acknowledge(request, pk: int):
    return _note_action(
        request,
        pk,
        lambda n: services.note_acknowledge(note=n, actor=request.user, request=request),
        _("Đã xác nhận đã đọc."),
    )
