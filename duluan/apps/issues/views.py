"""The officials' dashboard of issues: list, issue page, corrections, exports, weekly brief."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from duluan.apps.accounts.decorators import official_required
from duluan.apps.core import xlsx_stream
from duluan.apps.core.text import spreadsheet_safe
from duluan.apps.core.topics import topic_labels
from duluan.apps.intake.models import Sentiment

from . import charts, selectors
from .filters import IssueFilterForm, IssueFilters
from .forms import MergeForm, RenameForm, SplitForm, TopicForm
from .permissions import can_correct, issue_get_for_user
from .services import IssueError, issue_canonical, issue_merge, issue_rename, issue_split, issue_topic_confirm


def _filters(request) -> tuple[IssueFilterForm, IssueFilters | None]:
    form = IssueFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, IssueFilters.from_form(form)


def _errors(form) -> list[str]:
    return [str(e) for errs in form.errors.values() for e in errs]


@official_required
@require_GET
def index(request):
    """Hot issues ranked, with filters; the htmx request gets the list only."""
    form, filters = _filters(request)
    context = {"form": form, "topics": topic_labels(), "query": request.GET.urlencode()}
    status = 200
    if filters is None:
        context["errors"] = _errors(form)
        status = 400
    else:
        context["result"] = selectors.issue_page(user=request.user, filters=filters)
        context["filters"] = filters
        params = request.GET.copy()
        params.pop("page", None)
        context["base_query"] = params.urlencode()
    if request.htmx:
        return render(request, "issues/_results.html", context, status=status)
    context["summary"] = selectors.dashboard_summary(user=request.user)
    place = request.GET.get("place", "")
    context["place_label"] = str(filters.place) if filters and filters.place else place
    return render(request, "issues/index.html", context, status=status)


@official_required
@require_GET
def places(request):
    """Suggestions for the place filter (htmx): both schemes, "<scheme>:<code>" values."""
    units = selectors.place_options(request.GET.get("place_q", "")[:100])
    return render(request, "issues/_place_options.html", {"units": units})


@official_required
@require_GET
def detail(request, pk: int):
    from duluan.apps.campaigns.permissions import can_draft_notes
    from duluan.apps.campaigns.selectors import orientation_notes_for_issue

    issue = issue_get_for_user(request.user, pk=pk)
    if issue.merged_into_id:
        final = issue_canonical(issue)
        messages.info(request, f"Vấn đề #{issue.pk} đã được gộp vào vấn đề #{final.pk}.")
        return redirect("issues:detail", pk=final.pk)
    days = selectors.issue_days(issue)
    places, elsewhere = selectors.issue_places(issue)
    sentiment_labels = dict(Sentiment.choices)
    representatives = selectors.issue_representatives(issue, user=request.user)
    context = {
        "issue": issue,
        "topic_label": topic_labels().get(issue.topic, issue.topic or "—"),
        "components": issue.hotness_components or [],
        "alerts": selectors.issue_alerts(issue),
        "timeline": charts.timeline_svg(days, issue.forecast or None),
        "forecast_rows": _forecast_rows(issue.forecast),
        "sentiment": charts.sentiment_svg(issue.sentiment_counts or {}, sentiment_labels),
        "sentiment_rows": [
            (sentiment_labels[k], (issue.sentiment_counts or {}).get(k, 0))
            for k in ("negative", "neutral", "positive")
        ],
        "channels": selectors.issue_channels(issue),
        "places": places[:30],
        "places_elsewhere": elsewhere,
        "map": charts.places_svg(places, backdrop=selectors.province_backdrop()),
        "representatives": representatives,
        "corrections": selectors.issue_corrections(issue),
        "merged_from": selectors.issue_merged_from(issue),
        "can_correct": can_correct(request.user),
        "orientation_notes": orientation_notes_for_issue(issue, user=request.user),
        # The note's own gatekeeper: only those who may draft one see the way to it.
        "can_draft_note": can_draft_notes(request.user),
    }
    if context["can_correct"]:
        context["split_signals"] = selectors.issue_signals_for_split(issue, user=request.user)
        context["rename_form"] = RenameForm(initial={"title": issue.title})
        context["merge_form"] = MergeForm()
        context["topic_form"] = TopicForm(initial={"topic": issue.topic})
    return render(request, "issues/detail.html", context)


def _forecast_rows(forecast: dict | None) -> list[dict]:
    if not forecast or not forecast.get("days"):
        return []
    from datetime import date

    return [
        {
            "day": date.fromisoformat(d),
            "mean": forecast["mean"][i],
            "lo80": int(forecast["lo80"][i]),
            "hi80": int(forecast["hi80"][i]),
            "lo95": int(forecast["lo95"][i]),
            "hi95": int(forecast["hi95"][i]),
        }
        for i, d in enumerate(forecast["days"])
    ]


def _correcting(request, pk):
    issue = issue_get_for_user(request.user, pk=pk)
    if not can_correct(request.user):
        raise PermissionDenied
    return issue


@official_required
@require_POST
def rename(request, pk: int):
    issue = _correcting(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            issue_rename(
                issue=issue,
                title=form.cleaned_data["title"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "Đã đổi tên vấn đề.")
        except IssueError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "; ".join(_errors(form)))
    return redirect("issues:detail", pk=issue.pk)


@official_required
@require_POST
def merge(request, pk: int):
    issue = _correcting(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(_errors(form)))
        return redirect("issues:detail", pk=issue.pk)
    target = issue_get_for_user(request.user, pk=form.cleaned_data["target"])
    try:
        target = issue_merge(
            source=issue,
            target=target,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except IssueError as exc:
        messages.error(request, str(exc))
        return redirect("issues:detail", pk=issue.pk)
    messages.success(request, f"Đã gộp vấn đề #{issue.pk} vào vấn đề #{target.pk}.")
    return redirect("issues:detail", pk=target.pk)


@official_required
@require_POST
def split(request, pk: int):
    issue = _correcting(request, pk)
    form = SplitForm(
        request.POST, signal_ids=[int(x) for x in request.POST.getlist("signals") if x.isdigit()]
    )
    if not form.is_valid():
        messages.error(request, "; ".join(_errors(form)))
        return redirect("issues:detail", pk=issue.pk)
    try:
        new = issue_split(
            issue=issue,
            signal_ids=form.cleaned_data["signals"],
            title=form.cleaned_data["title"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except IssueError as exc:
        messages.error(request, str(exc))
        return redirect("issues:detail", pk=issue.pk)
    messages.success(request, f"Đã tách {new.signal_count} tín hiệu thành vấn đề #{new.pk}.")
    return redirect("issues:detail", pk=new.pk)


@official_required
@require_POST
def topic(request, pk: int):
    issue = _correcting(request, pk)
    form = TopicForm(request.POST)
    if form.is_valid():
        try:
            issue_topic_confirm(
                issue=issue,
                topic=form.cleaned_data["topic"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "Đã xác nhận chủ đề.")
        except IssueError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "; ".join(_errors(form)))
    return redirect("issues:detail", pk=issue.pk)


# -- exports ---------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _export(request, *, ext: str, content_type: str, body):
    """The one preamble of both exports: check the filters and the issue, then stream ``body``.

    ``body(header, rows)`` turns the column titles and the lazily read rows
    (:func:`selectors.export_rows`, no personal data) into an iterator of chunks; the query
    runs only when the response is being sent.
    """
    form, filters = _filters(request)
    if filters is None:
        return HttpResponse("\n".join(_errors(form)), status=400, content_type="text/plain; charset=utf-8")
    issue = None
    if request.GET.get("issue"):
        issue = issue_get_for_user(request.user, pk=request.GET["issue"])
    header = [label for _, label in selectors.EXPORT_COLUMNS]
    rows = selectors.export_rows(user=request.user, filters=filters, issue=issue)
    response = StreamingHttpResponse(body(header, rows), content_type=content_type)
    name = f"tin-hieu-{timezone.localtime():%Y%m%d-%H%M}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_lines(header, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        # (what citizens wrote, a title "=HYPERLINK(…)" included, is never run as a formula)
        yield writer.writerow([spreadsheet_safe(v) if isinstance(v, str) else v for v in row])


@official_required
@require_GET
def export_csv(request):
    """All matching signals as CSV, streamed row by row (no personal data)."""
    return _export(request, ext="csv", content_type="text/csv; charset=utf-8", body=_csv_lines)


@official_required
@require_GET
def export_xlsx(request):
    """All matching signals as XLSX, streamed row by row as the workbook is written (no personal data)."""
    return _export(
        request,
        ext="xlsx",
        content_type=xlsx_stream.CONTENT_TYPE,
        body=lambda header, rows: xlsx_stream.xlsx_stream(sheet="Tín hiệu", header=header, rows=rows),
    )


# -- weekly brief ------------------------------------------------------------------------------------


@official_required
@require_GET
def brief(request):
    """ "Báo cáo tình hình dư luận xã hội" for ?from=&to= (default: the last 7 days), as DOCX."""
    from .brief import BriefForm, brief_docx

    today = timezone.localdate()
    form = BriefForm(
        request.GET or {"from": (today - timedelta(days=6)).isoformat(), "to": today.isoformat()}
    )
    if not form.is_valid():
        return render(request, "issues/brief_error.html", {"errors": _errors(form)}, status=400)
    data = brief_docx(user=request.user, start=form.cleaned_data["from"], end=form.cleaned_data["to"])
    name = f"bao-cao-du-luan-{form.cleaned_data['from']:%Y%m%d}-{form.cleaned_data['to']:%Y%m%d}.docx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
