"""Thin views: parse, call one service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duluan.apps.accounts.permissions import NOT_FOUND, is_official
from duluan.apps.core.ratelimit import (
    code_misses_over,
    count_code_miss,
    gives_browser_number,
    limit_code_misses,
    too_many,
)
from duluan.apps.geo.models import AdminUnit
from duluan.stats import sample_size_proportion

from . import estimates, exports, forms, questionnaire, selectors, services
from .charts import Dot, MapPoint, dot_whisker_svg, map_svg
from .models import Frame, Instrument, InvitationStatus, RoundStatus
from .permissions import can_manage_surveys, invitation_for_code, round_get_for_user, rounds_for_user
from .xlsform import InstrumentError


def official_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_official(request.user):
            raise Http404(NOT_FOUND)
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    @wraps(view)
    @official_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_surveys(request.user):
            raise Http404(NOT_FOUND)
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------- officials
@official_required
def index(request):
    return render(
        request,
        "surveys/index.html",
        {
            "rounds": rounds_for_user(request.user),
            "instruments": selectors.instrument_list(),
            "frames": selectors.frame_list(),
            "can_manage": can_manage_surveys(request.user),
        },
    )


@official_required
def sample_size(request):
    form = forms.SampleSizeForm(request.GET or None)
    result = None
    if form.is_valid():
        d = form.cleaned_data
        result = sample_size_proportion(
            moe=d["moe"] / 100, p=d["p"] / 100, deff=d["deff"], population=d["population"], conf=d["conf"]
        )
    return render(request, "surveys/sample_size.html", {"form": form, "result": result})


@manager_required
def instrument_upload(request):
    form = forms.InstrumentUploadForm(request.POST or None, request.FILES or None)
    issues = []
    if request.method == "POST" and form.is_valid():
        try:
            instrument, created = services.instrument_import(
                content=form.cleaned_data["file"].read(), actor=request.user, request=request
            )
        except InstrumentError as exc:
            issues = exc.issues
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Đã nhập bộ câu hỏi.") if created else _("Bộ câu hỏi này đã có, không đổi.")
            )
            return redirect("surveys:instrument", pk=instrument.pk)
    return render(request, "surveys/instrument_upload.html", {"form": form, "issues": issues})


@official_required
def instrument_detail(request, pk: int):
    instrument = get_object_or_404(Instrument.objects.defer("xlsx"), pk=pk)
    parsed = instrument.parsed()
    return render(request, "surveys/instrument_detail.html", {"instrument": instrument, "parsed": parsed})


@official_required
def instrument_download(request, pk: int):
    instrument = get_object_or_404(Instrument, pk=pk)
    response = HttpResponse(
        bytes(instrument.xlsx),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{instrument.form_id}-{instrument.version}.xlsx"'
    return response


@manager_required
def frame_upload(request):
    form = forms.FrameUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        province = AdminUnit.objects.get(scheme="2025", code=_home_province())
        try:
            frame, created = services.frame_import(
                name=d["name"],
                year=d["year"],
                province=province,
                content=d["file"].read(),
                is_synthetic=d["is_synthetic"],
                allow_missing=d["allow_missing"],
                actor=request.user,
                request=request,
            )
        except services.FrameImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request, _("Đã nhập khung mẫu.") if created else _("Khung mẫu này đã có, không đổi.")
            )
            return redirect("surveys:frame", pk=frame.pk)
    return render(request, "surveys/frame_upload.html", {"form": form, "errors": errors})


def _home_province() -> str:
    from django.conf import settings

    return getattr(settings, "DULUAN_HOME_PROVINCE", "24")


@official_required
def frame_detail(request, pk: int):
    frame = get_object_or_404(Frame.objects.select_related("province"), pk=pk)
    units = frame.units.select_related("unit").prefetch_related("villages").order_by("stratum", "unit__code")
    return render(request, "surveys/frame_detail.html", {"frame": frame, "units": units})


@official_required
def round_detail(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    context = {
        "round": round_,
        "fieldwork": selectors.round_fieldwork(round_),
        "sample": selectors.round_sample(round_) if round_.drawn_at else [],
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "surveys/round_detail.html", context)


@require_POST
@manager_required
def round_draw(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    try:
        counts = services.sample_draw(round_=round_, actor=request.user, request=request)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã chọn %(communes)s xã, %(villages)s thôn, %(invitations)s người (hạt giống %(seed)s).")
            % counts,
        )
    return redirect("surveys:round", code=code)


@official_required
def round_invitations(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    if not can_manage_surveys(request.user):
        raise Http404(NOT_FOUND)
    status = request.GET.get("status") or None
    if status not in (None, *InvitationStatus.values):
        status = None
    invitations = selectors.round_invitations(round_, status=status)[:2000]
    return render(
        request,
        "surveys/round_invitations.html",
        {
            "round": round_,
            "invitations": invitations,
            "status": status,
            "statuses": InvitationStatus.choices,
        },
    )


@manager_required
def round_import(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    form = forms.ResponseImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = services.responses_import_csv(
                round_=round_, content=form.cleaned_data["file"].read(), actor=request.user, request=request
            )
        except services.ResponseImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Đã nhập %(created)s phiếu; bỏ qua %(skipped)s phiếu đã có.")
                % {"created": report.created, "skipped": report.skipped},
            )
            return redirect("surveys:round", code=code)
    return render(request, "surveys/round_import.html", {"round": round_, "form": form, "errors": errors})


def _measure(results) -> dict:
    """How the index is expressed: "% satisfied" (0–100) or a mean score on the answer scale."""
    percent = results.definition.method == "percent_satisfied"
    lo, hi = estimates.bounds(results.definition)
    return {
        "percent": percent,
        "measure": _("% hài lòng") if percent else _("Điểm trung bình"),
        "lo": lo,
        "hi": hi,
    }


def _results_or_message(round_):
    try:
        return estimates.round_results(round_), None
    except estimates.ResultsUnavailable as exc:
        return None, str(exc)


def _previous(round_):
    if round_.previous_id is None:
        return None
    try:
        return estimates.round_results(round_.previous)
    except estimates.ResultsUnavailable:
        return None


@official_required
def round_ranking(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    results, problem = _results_or_message(round_)
    context = {"round": round_, "problem": problem, "results": results}
    if results is not None:
        table = estimates.ranking(results)
        province_row = results.province[results.province["component"] == results.definition.name].iloc[0]
        previous = _previous(round_)
        changes = {}
        province_changes = None
        if previous is not None:
            province_changes, commune_changes = estimates.round_changes(results, previous)
            idx = commune_changes[commune_changes["component"] == results.definition.name]
            changes = {r.commune: r for r in idx.itertuples()}
            province_changes = province_changes.to_dict("records")
        rows = []
        for r in table.itertuples():
            rows.append(
                {
                    "row": r,
                    "change": changes.get(r.commune),
                    "url": reverse("surveys:commune", args=[round_.code, r.commune]),
                }
            )
        dots = [
            Dot(
                label=r.name,
                estimate=r.estimate,
                low=r.ci_low,
                high=r.ci_high,
                url=reverse("surveys:commune", args=[round_.code, r.commune]),
                flag=r.versus_province,
                warning=r.warning,
            )
            for r in table.itertuples()
        ]
        measure = _measure(results)
        context.update(
            {
                **measure,
                "rows": rows,
                "province": province_row,
                "components": results.province.to_dict("records"),
                "province_changes": province_changes,
                "chart": dot_whisker_svg(
                    dots,
                    lo=measure["lo"],
                    hi=measure["hi"],
                    unit="%" if measure["percent"] else "",
                    reference=float(province_row["estimate"]),
                    reference_label=_("Toàn tỉnh"),
                ),
                "previous": round_.previous if previous is not None else None,
            }
        )
    return render(request, "surveys/round_ranking.html", context)


@official_required
def round_map(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    results, problem = _results_or_message(round_)
    context = {"round": round_, "problem": problem}
    if results is not None:
        table = estimates.ranking(results)
        by_code = {r.commune: r for r in table.itertuples()}
        points = []
        for fu in round_.frame.units.select_related("unit"):
            u = fu.unit
            r = by_code.get(u.code)
            points.append(
                MapPoint(
                    label=u.name,
                    lat=u.lat,
                    lon=u.lon,
                    value=None if r is None else float(r.estimate),
                    url=reverse("surveys:commune", args=[round_.code, u.code]) if r is not None else "",
                    detail="" if r is None else f"{r.estimate:.1f} ({r.ci_low:.1f}–{r.ci_high:.1f}), n={r.n}",
                )
            )
        values = [p.value for p in points if p.value is not None]
        context["map"] = map_svg(points, lo=min(values), hi=max(values), legend=results.definition.name)
        context["results"] = results
    return render(request, "surveys/round_map.html", context)


@official_required
def round_commune(request, code: str, commune: str):
    round_ = round_get_for_user(request.user, code=code)
    results, problem = _results_or_message(round_)
    if results is None:
        return render(request, "surveys/round_commune.html", {"round": round_, "problem": problem})
    components = results.communes[results.communes["commune"] == commune]
    if components.empty:
        raise Http404(NOT_FOUND)
    items = results.items[results.items["commune"] == commune]
    province_items = results.items[results.items["commune"] == ""].set_index("item")
    changes = {}
    previous = _previous(round_)
    if previous is not None:
        _, commune_changes = estimates.round_changes(results, previous)
        changes = {
            r.component: r for r in commune_changes[commune_changes["commune"] == commune].itertuples()
        }
    province = results.province.set_index("component")
    component_rows = [
        {"row": r, "province": province.loc[r.component, "estimate"], "change": changes.get(r.component)}
        for r in components.itertuples()
    ]
    groups = []
    for sub in results.definition.subindices:
        sub_items = items[items["subindex"] == sub.name]
        groups.append(
            {
                "name": sub.name,
                "items": [
                    {
                        "row": r,
                        "province": province_items.loc[r.item, "estimate"]
                        if r.item in province_items.index
                        else None,
                    }
                    for r in sub_items.itertuples()
                ],
            }
        )
    fieldwork = results.fieldwork[results.fieldwork["commune"] == commune].iloc[0]
    return render(
        request,
        "surveys/round_commune.html",
        {
            "round": round_,
            "name": components.iloc[0]["name"],
            "commune": commune,
            "component_rows": component_rows,
            "groups": groups,
            "fieldwork": fieldwork,
            "results": results,
            **_measure(results),
            "previous": round_.previous if previous is not None else None,
        },
    )


@official_required
def round_xlsx(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    results, problem = _results_or_message(round_)
    if results is None:
        messages.error(request, problem)
        return redirect("surveys:round", code=code)
    content = exports.results_xlsx(round_, results, _previous(round_))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{round_.code}.xlsx"'
    return response


@official_required
def round_docx(request, code: str):
    round_ = round_get_for_user(request.user, code=code)
    results, problem = _results_or_message(round_)
    if results is None:
        messages.error(request, problem)
        return redirect("surveys:round", code=code)
    try:
        content = exports.results_docx(round_, results, _previous(round_))
    except exports.ReportUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("surveys:round", code=code)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{round_.code}.docx"'
    return response


# ---------------------------------------------------------------------- respondents (public)
@gives_browser_number
def respond_start(request):
    form = forms.CodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if code_misses_over(request):
            return too_many(request)
        try:
            invitation = invitation_for_code(form.cleaned_data["code"])
        except Http404:
            count_code_miss(request)
            form.add_error("code", _("Không tìm thấy mã mời này. Xin kiểm tra lại giấy mời."))
        else:
            return redirect("surveys:respond", code=invitation.code)
    return render(request, "surveys/respond_start.html", {"form": form})


@limit_code_misses
def respond(request, code: str):
    invitation = invitation_for_code(code)
    round_ = invitation.round
    if invitation.status == InvitationStatus.COMPLETED:
        return render(request, "surveys/respond_done.html", {"invitation": invitation, "already": True})
    if round_.status != RoundStatus.COLLECTING:
        return render(request, "surveys/respond_done.html", {"invitation": invitation, "closed": True})
    instrument = round_.instrument.parsed()
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = questionnaire.raw_from_post(instrument, request.POST)
        if request.POST.get("action") == "submit":
            try:
                services.response_submit(invitation=invitation, raw=raw, request=request)
            except services.ResponseInvalid as exc:
                services.response_draft_save(invitation=invitation, raw=raw, request=request)
                answers, relevant, errors = raw, exc.state.relevant, exc.state.errors
                messages.error(request, _("Phiếu còn %(n)s câu cần sửa hoặc trả lời.") % {"n": len(errors)})
            except ValueError as exc:
                messages.error(request, str(exc))
                return redirect("surveys:respond", code=invitation.code)
            else:
                return redirect("surveys:respond_done", code=invitation.code)
        else:
            state = services.response_draft_save(invitation=invitation, raw=raw, request=request)
            answers, relevant, errors = raw, state.relevant, state.errors
    else:
        state = questionnaire.state_of(instrument, invitation.draft)
        answers, relevant = invitation.draft, state.relevant
    entries = questionnaire.entries(
        instrument, answers, relevant, errors, code_field=round_.code_field, code=invitation.code
    )
    template = "surveys/_questions.html" if request.htmx else "surveys/respond.html"
    return render(
        request,
        template,
        {
            "invitation": invitation,
            "round": round_,
            "instrument": instrument,
            "entries": entries,
            "errors": errors,
        },
    )


@limit_code_misses  # a code that names no invitation counts as a miss, as on the answer page
def respond_done(request, code: str):
    invitation = invitation_for_code(code)
    if invitation.status != InvitationStatus.COMPLETED:
        return redirect("surveys:respond", code=invitation.code)
    return render(request, "surveys/respond_done.html", {"invitation": invitation})
