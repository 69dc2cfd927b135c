"""Pages of intake: the public form and tracking page, the officials' signal list and signal page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from duluan.apps.accounts.permissions import NOT_FOUND, can_write, is_official
from duluan.apps.core.ratelimit import (
    browser_id,
    browser_limited,
    client_id,
    gives_browser_number,
    limit_code_misses,
    remember_browser,
    window_minutes,
)
from duluan.apps.core.text import search_key
from duluan.apps.core.topics import topic_choices, topic_label, topic_labels

from . import model_builds, permissions, selectors, services
from .forms import SubmissionForm, TrackForm, home_communes
from .models import Attachment, Channel, Sentiment

log = logging.getLogger(__name__)

RATE_LIMITED = gettext_lazy(
    "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Nội dung bạn đã nhập vẫn ở dưới đây: hãy gửi "
    "lại sau tối đa %(minutes)d phút (tệp đính kèm cần chọn lại)."
)
CASE_KINDS = {"complaint": "complaint1", "denunciation": "denunciation", "feedback": "feedback"}


# -- citizens --------------------------------------------------------------------------------------


def submit(request):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return remember_browser(request, _submit(request))


def _submit(request):
    if request.method == "POST":
        if browser_limited(request, scope="web_attempts"):
            # Shown as typed, not checked: neither its files nor its place are read for a client
            # over the limit.
            return _limited(request, SubmissionForm(initial=request.POST.dict()), "web_attempts")
        form = SubmissionForm(request.POST, request.FILES)
        if form.is_valid():
            if browser_limited(request, scope="web"):
                return _limited(request, form, "web")
            d = form.cleaned_data
            try:
                signal, created = services.signal_ingest(
                    channel=Channel.WEB,
                    text=d["text"],
                    title=d.get("title") or "",
                    # The form's one-time token, the text and the client: a double submit has all
                    # three; a token replayed with other words or from elsewhere is another one.
                    external_id="web:" + submission_key(d["token"], d["text"], client_id(request)),
                    source="cong-thong-tin",
                    unit=d.get("unit"),
                    place_text=d.get("place_text") or "",
                    # A double submit is this browser's, not its address's: behind one carrier
                    # address, another citizen's same words were taken for this one's, and their
                    # report and contact details dropped.
                    extra={
                        "kind": d["kind"],
                        "client": ":".join(filter(None, (client_id(request), browser_id(request)))),
                    },
                    reporter=form.reporter(),
                    tracking=True,
                    attachments=d.get("files") or [],
                    request=request,
                )
            except services.IntakeError as error:
                form.add_error("text", str(error))
            else:
                if created:
                    _maybe_open_case(signal, d, form.reporter(), request)
                messages.success(request, _("Đã nhận phản ánh của bạn. Hãy ghi lại mã theo dõi."))
                return redirect("intake:track_detail", code=signal.tracking_code)
    else:
        form = SubmissionForm()
    return render(request, "intake/submit.html", {"form": form})


def _limited(request, form: SubmissionForm, scope: str):
    """The form again, as the citizen filled it, saying when to send it (429): nothing typed is
    lost (files must be chosen again: a browser never fills a file field)."""
    limited = RATE_LIMITED % {"minutes": window_minutes(scope)}
    return render(request, "intake/submit.html", {"form": form, "limited": limited}, status=429)


def submission_key(token: str, text: str, client: str) -> str:
    """The double-submit key of a web submission, kept as the signal's ``external_id``: an HMAC
    keyed with the server's secret, so the stored key cannot be matched to a guessed client."""
    from django.utils.crypto import salted_hmac

    raw = f"{token}\x1f{' '.join(text.split())}\x1f{client}"
    return salted_hmac("duluan.intake.submission_key", raw, algorithm="sha256").hexdigest()[:32]


def _maybe_open_case(signal, data, reporter, request) -> None:
    """Open a case for a complaint, denunciation or feedback when the cases app offers it."""
    kind = CASE_KINDS.get(data["kind"])
    if kind is None or signal.unit_id is None:
        return
    try:
        from duluan.apps.cases.services.intake import case_open_from_submission
    except ImportError:
        return
    from django.db import transaction

    try:
        with transaction.atomic():
            case = case_open_from_submission(
                title=signal.title or signal.text_masked[:120],
                description=signal.text,
                kind=kind,
                topic=signal.topic,
                unit=signal.unit,
                channel="web",
                complainant=None
                if reporter.get("anonymous")
                else {k: reporter.get(k, "") for k in ("name", "phone", "email", "address")},
                received_at=signal.received_at,
                source_ref=f"signal:{signal.pk}",
            )
            signal.extra = {
                **signal.extra,
                "case_id": case.pk,
                "case_code": getattr(case, "tracking_code", ""),
            }
            signal.save(update_fields=["extra"])
    except Exception:
        import logging

        logging.getLogger(__name__).exception("could not open a case for signal %s", signal.pk)


def communes(request):
    """The searchable commune select (htmx): options whose name matches ``q``, accents optional."""
    key = search_key(request.GET.get("q", "")[:100])
    units = home_communes()
    if key:
        units = units.filter(search_key__contains=key)
    return render(request, "intake/_commune_options.html", {"units": units[:200]})


@gives_browser_number
def track(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("intake:track_detail", code=form.cleaned_data["code"].strip().upper())
    return render(request, "intake/track.html", {"form": form})


@limit_code_misses
def track_detail(request, code: str):
    signal = permissions.signal_get_by_tracking_code(code)
    context = {
        "signal": signal,
        "topic": topic_label(signal.topic),
        "status": _public_status(signal),
        "attachments": signal.attachments.count(),
        # The case opened from the report: its page has the agency's answer and the citizen's
        # rating of it, which only the holder of this code is shown the way to.
        "case_code": (signal.extra or {}).get("case_code", ""),
    }
    return render(request, "intake/track_detail.html", context)


def _public_status(signal) -> str:
    case_id = (signal.extra or {}).get("case_id")
    if case_id:
        try:
            from duluan.apps.cases.models import Case

            case = Case.objects.filter(pk=case_id).first()
            if case is not None:
                return case.get_status_display()
        except ImportError:
            pass
    if signal.issue_id:
        return _("Đã tiếp nhận, đang được tổng hợp để chuyển cơ quan có thẩm quyền")
    return _("Đã tiếp nhận")


# -- officials -------------------------------------------------------------------------------------


def _officials_only(request):
    if not is_official(request.user):
        raise Http404(NOT_FOUND)


@login_required
def signal_list(request):
    _officials_only(request)
    g = request.GET

    def as_int(name):
        try:
            return int(g.get(name) or 0) or None
        except ValueError:
            return None

    filters = selectors.SignalFilters(
        q=g.get("q", "")[:200],
        channel=g.get("channel", "") if g.get("channel") in Channel.values else "",
        topic=g.get("topic", "")[:40],
        sentiment=g.get("sentiment", "") if g.get("sentiment") in Sentiment.values else "",
        unit_id=as_int("unit"),
        issue_id=as_int("issue"),
        date_from=parse_date(g.get("from") or "") if g.get("from") else None,
        date_to=parse_date(g.get("to") or "") if g.get("to") else None,
    )
    page = Paginator(selectors.signal_search(user=request.user, filters=filters), 50).get_page(g.get("page"))
    labels = topic_labels()
    page.object_list = list(page.object_list)
    for s in page.object_list:
        s.topic_label = labels.get(s.topic, s.topic)
    context = {
        "page": page,
        "filters": filters,
        "channels": Channel.choices,
        "sentiments": Sentiment.choices,
        "topics": topic_choices(),
        "topic_labels": labels,
        "querystring": "&".join(f"{k}={v}" for k, v in g.items() if k != "page"),
    }
    template = "intake/_signal_rows.html" if request.htmx else "intake/signal_list.html"
    return render(request, template, context)


@login_required
def signal_detail(request, pk: int):
    _officials_only(request)
    signal = permissions.signal_get_for_user(request.user, pk=pk)
    sees_sender, reporter = permissions.sender_for_user(request.user, signal)
    if sees_sender and permissions.is_sealed(signal):
        services.signal_sender_shown(signal=signal, actor=request.user, request=request)
    context = {
        "signal": signal,
        "reporter": reporter,
        # The text as received may carry personal data: only those who may see the sender read it.
        "show_original": sees_sender,
        "topic": topic_label(signal.topic),
        "topic_terms": distinct_terms(list(signal.topic_terms or [])),
        "topics": topic_choices(),
        "sentiments": Sentiment.choices,
        "can_confirm": can_write(request.user),
        "attachments": signal.attachments.all() if sees_sender else [],
        "reasons": _reasons(signal),
    }
    return render(request, "intake/signal_detail.html", context)


def _reasons(signal) -> dict | None:
    """Why the signal reads as it does, by the models in use now; whether that is the stored
    reading (after a model is built, until the signals are read again, it may not be)."""
    from .analysis import reading_reasons

    try:
        reasons = reading_reasons(text=signal.text, title=signal.title, created_at=signal.created_at)
    except Exception as exc:  # the page shows the signal all the same; the log names no content
        log.warning("no reasons for signal %s: %s", signal.pk, type(exc).__name__)
        return None
    stored = signal.intensity
    from duluan.analysis.sentiment import NEGATIVE_TONE

    from .reanalysis import differs

    return {
        "reasons": reasons,
        # The text's own phrases as written; the model's tone in the page's language.
        "intensity_terms": [
            (_("sắc thái tiêu cực") if phrase == NEGATIVE_TONE else phrase, share)
            for phrase, share in reasons.intensity_terms[:6]
        ],
        "label": dict(Sentiment.choices).get(reasons.label, reasons.label),
        "terms": distinct_terms([ngram for ngram, _ in reasons.terms]),
        "current": stored is not None and not differs(stored, reasons.intensity),
    }


def distinct_terms(terms: list[str], limit: int = 5) -> list[str]:
    """The first ``limit`` of ``terms`` (most telling first) that repeat none shown before: a term
    inside an earlier one or holding one ("khói bụi" after "khói") says nothing new."""
    shown: list[str] = []
    for term in terms:
        padded = f" {term} "
        if not any(f" {s} " in padded or padded in f" {s} " for s in shown):
            shown.append(term)
            if len(shown) == limit:
                break
    return shown


def _signal_confirm(request, pk: int, confirm: Callable[..., Any], field: str, done: str):
    """An official confirms or corrects one label of a signal, POSTed as ``field``."""
    _officials_only(request)
    if not can_write(request.user):
        raise Http404(NOT_FOUND)
    signal = permissions.signal_get_for_user(request.user, pk=pk)
    try:
        confirm(signal=signal, actor=request.user, request=request, **{field: request.POST.get(field, "")})
    except services.IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(reverse("intake:signal_detail", args=[signal.pk]))


@login_required
@require_POST
def signal_confirm_topic(request, pk: int):
    return _signal_confirm(request, pk, services.signal_topic_confirm, "topic", _("Đã xác nhận chủ đề."))


@login_required
@require_POST
def signal_confirm_sentiment(request, pk: int):
    return _signal_confirm(
        request, pk, services.signal_sentiment_confirm, "sentiment", _("Đã xác nhận sắc thái.")
    )


def _models_only(request):
    if not permissions.can_manage_models(request.user):
        raise Http404(NOT_FOUND)


@login_required
def models_page(request):
    """The analysis models: the files in use, the confirmations waiting, rebuilds and their
    progress (the part below the heading is polled while a build is queued or running)."""
    _models_only(request)
    panels = model_builds.model_panels()
    signals = model_builds.reanalysis_panel(panels)
    context = {"panels": panels, "signals": signals, "busy": any(p.active for p in panels) or signals.active}
    template = "intake/_model_panels.html" if request.htmx else "intake/models.html"
    return render(request, template, context)


@login_required
@require_POST
def model_build_request(request):
    _models_only(request)
    try:
        model_builds.model_build_request(
            task=request.POST.get("task", ""), actor=request.user, request=request
        )
    except services.IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã đưa vào hàng đợi; trang này cập nhật khi mô hình được xây."))
    return redirect(reverse("intake:models"))


@login_required
@require_POST
def reanalysis_request(request):
    _models_only(request)
    try:
        model_builds.reanalysis_request(actor=request.user, request=request)
    except services.IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã đưa vào hàng đợi; trang này cập nhật khi các tín hiệu được đọc lại."))
    return redirect(reverse("intake:models"))


@login_required
def attachment_download(request, pk: int, attachment_id: int):
    _officials_only(request)
    signal = permissions.signal_get_for_user(request.user, pk=pk)
    if not permissions.may_see_reporter(request.user, signal):
        raise Http404(NOT_FOUND)
    try:
        attachment = signal.attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if permissions.is_sealed(signal):
        services.signal_sender_shown(signal=signal, actor=request.user, request=request)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "attachment"
    return response
