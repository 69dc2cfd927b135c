"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): services, requests, tokens.

Services are the topic taxonomy (``service_code`` = topic code). ``jurisdiction_id`` is the home
province's code (optional: this endpoint serves one jurisdiction). Every response exists in XML
and JSON (``.xml`` / ``.json``); errors are the spec's list of ``{code, description}`` with HTTP
400, 403 or 404. Answers are in Vietnamese, or in English for ``locale=en`` (service names and
descriptions, notes, errors; the keywords stay the taxonomy's Vietnamese seed terms, the words
reports are written in).

Access, following the platform's rule that citizens see only their own submission:
``service_request_id`` is the request's tracking code (40 random bits, not guessable), so
``requests/<id>`` and ``requests?service_request_id=…`` answer whoever holds the id; a search
without ids needs an ``api_key`` and lists only that client's own requests. Personal data sent
with a request (name, e-mail, phone) is stored apart as the reporter and never returned. An
e-mail address must be one (the reporter is told of the answer there), a phone number one that
can be dialled (:func:`~duluan.apps.intake.validators.validate_phone`), and ``media_url`` an
http(s) address of at most 500 characters: the request is refused otherwise, rather than stored
with an address no one can write to, or with a link (``javascript:``) that clients would show.

A POST is answered at once with a ``token`` (GeoReport v2's asynchronous answer): the request is
checked here and stored for the task worker (:mod:`duluan.apps.intake.open311_queue`), which
analyses, places and clusters it, usually within a second or two. ``tokens/<token>`` then gives
its ``service_request_id``; it is empty while the request waits.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from duluan.analysis.frames import mask_identity
from duluan.analysis.tabular import blank_text, has_bad_chars
from duluan.apps.core.ratelimit import TOO_MANY_CODE_MISSES, code_misses_over, count_code_miss
from duluan.apps.core.text import nfc

from . import open311_queue, services
from .models import Channel, PendingStatus, Signal
from .validators import validate_phone

ERR_FORMAT = _l("Định dạng không được hỗ trợ (chỉ .xml hoặc .json).")
ERR_JURISDICTION = _l("jurisdiction_id {value!r} không tồn tại; dùng mã tỉnh {home!r}.")
ERR_SERVICE = _l("service_code {value!r} không tồn tại.")
ERR_SERVICE_REQUIRED = _l("Thiếu service_code.")
ERR_LOCATION = _l("Cần vị trí: lat và long, hoặc address_string, hoặc address_id.")
ERR_BAD_COORDS = _l("lat/long không hợp lệ.")
ERR_DESCRIPTION = _l("Thiếu description (nội dung phản ánh).")
ERR_DESCRIPTION_LONG = _l("description quá dài (tối đa 4000 ký tự).")
ERR_MEDIA_URL = _l("media_url phải là một địa chỉ http:// hoặc https:// (tối đa 500 ký tự).")
ERR_EMAIL = _l("email không hợp lệ.")
ERR_PHONE = _l(
    "phone không hợp lệ (chỉ chữ số, có thể có dấu cách, dấu chấm, gạch ngang, ngoặc và dấu + ở đầu)."
)
ERR_API_KEY = _l("api_key không hợp lệ hoặc bị thiếu.")
ERR_SEARCH_KEY = _l(
    "Tìm kiếm không theo service_request_id cần api_key; chỉ liệt kê các yêu cầu của ứng dụng đó."
)
ERR_REQUEST = _l("Không tìm thấy yêu cầu {value!r}.")
ERR_TOKEN = _l("Không tìm thấy token {value!r}.")
ERR_DATE = _l("{name} không hợp lệ (cần ISO 8601, ví dụ 2026-01-01T00:00:00+07:00).")
ERR_STATUS = _l("status chỉ nhận open hoặc closed.")
ERR_METHOD = _l("Phương thức không được hỗ trợ.")

NOTICE = _l(
    "Đã tiếp nhận. Yêu cầu đang được xử lý: đọc tokens/<token> để lấy service_request_id (mã theo dõi)."
)
RECEIVED = _l("Đã tiếp nhận")
SERVICE_GROUP = _l("Dư luận xã hội")

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+07:00"
MAX_DESCRIPTION = 4000
MAX_MEDIA_URL = 500
_WEB_ADDRESS = URLValidator(schemes=["http", "https"])
SEARCH_LIMIT = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- rendering ------------------------------------------------------------------------------------


def _xml_value(parent, key: str, value) -> None:
    el = etree.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        item = {
            "formats": "format",
            "endpoints": "endpoint",
            "attributes": "attribute",
            "values": "value",
        }.get(key, "item")
        for v in value:
            _xml_value(el, item, v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)


def render(data, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or as XML with ``root`` (and ``item`` per list element)."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
        )
    top = etree.Element(root)
    if isinstance(data, list):
        for row in data:
            el = etree.SubElement(top, item or "item")
            for k, v in row.items():
                _xml_value(el, k, v)
    else:
        for k, v in data.items():
            _xml_value(top, k, v)
    body = etree.tostring(top, xml_declaration=True, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        [{"code": status, "description": str(description)}], fmt, root="errors", item="error", status=status
    )


def _form_or_query(request, name: str) -> str:
    """A parameter a client may send in a POST's form or in its query (``api_key``, ``locale``)."""
    return request.POST.get(name) or request.GET.get(name) or ""


def answer_language(request) -> str:
    """The language of an answer: English when ``locale`` (in the form or the query, as ``api_key``
    may be) asks for it (``en``, ``en_US``, ``en-GB``), else Vietnamese. GeoReport v2 names no such
    parameter; several of its servers read ``locale`` so, and the site's own pages follow the
    reader's choice, never the client's headers."""
    return "en" if _form_or_query(request, "locale").strip().lower()[:2] == "en" else "vi"


def endpoint(view):
    """Parse the format, check the jurisdiction, answer in the ``locale`` asked for
    (:func:`answer_language`), turn :class:`Open311Error` into the spec's errors."""

    def wrapped(request, fmt: str = "xml", **kwargs):
        params = request.POST if request.method == "POST" else request.GET
        with translation.override(answer_language(request)):
            fmt = (fmt or "xml").lower()
            if fmt not in ("xml", "json"):
                return error("xml", 400, ERR_FORMAT)
            jurisdiction = params.get("jurisdiction_id")
            home = settings.DULUAN_HOME_PROVINCE
            if jurisdiction and jurisdiction != home:
                return error(fmt, 404, ERR_JURISDICTION.format(value=jurisdiction, home=home))
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                return error(fmt, exc.status, exc.description)

    wrapped.__name__ = view.__name__
    return csrf_exempt(wrapped)


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


@lru_cache(maxsize=1)
def _taxonomy():
    from duluan.analysis.taxonomy import load_taxonomy

    return load_taxonomy()


def _service_name(topic) -> str:
    """The topic's name in the answer's language (its Vietnamese one where it has no English)."""
    return (topic.label_en or topic.label_vi) if translation.get_language() == "en" else topic.label_vi


def _service_description(topic) -> str:
    """What the topic covers in the answer's language (in Vietnamese where none is written)."""
    english = translation.get_language() == "en" and topic.description_en
    return english or topic.description


def _service(topic) -> dict:
    # The keywords stay the seed terms in Vietnamese: the words a report is written in.
    return {
        "service_code": topic.code,
        "service_name": _service_name(topic),
        "description": _service_description(topic),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(topic.seed_terms[:8]),
        "group": str(SERVICE_GROUP),
    }


# -- discovery and services ---------------------------------------------------------------------


@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri(request.path).rsplit("/", 1)[0]
    data = {
        "changeset": CHANGESET,
        "contact": "Văn phòng UBND tỉnh — Dư Luận",
        "key_service": "Liên hệ quản trị hệ thống để được cấp api_key.",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(data, fmt, root="discovery")


@endpoint
def service_list(request, fmt):
    return render([_service(t) for t in _taxonomy().topics], fmt, root="services", item="service")


@endpoint
def service_definition(request, fmt, code: str):
    if code not in _taxonomy().codes:
        raise Open311Error(404, ERR_SERVICE.format(value=code))
    # No service asks for extra attributes: the description and the place say it all.
    return render({"service_code": code, "attributes": []}, fmt, root="service_definition")


# -- requests -----------------------------------------------------------------------------------


def _status(signal: Signal) -> tuple[str, str]:
    case_id = (signal.extra or {}).get("case_id")
    if case_id:
        try:
            from duluan.apps.cases.models import Case

            case = Case.objects.filter(pk=case_id).first()
            if case is not None:
                closed = getattr(case, "is_closed", None)
                closed = closed() if callable(closed) else closed
                return ("closed" if closed else "open"), str(case.get_status_display())
        except ImportError:
            pass
    return "open", str(RECEIVED)


def _request_row(signal: Signal) -> dict:
    status, notes = _status(signal)
    service = _taxonomy().get(signal.topic) if signal.topic in _taxonomy().codes else None
    extra = signal.extra or {}
    return {
        "service_request_id": signal.tracking_code,
        "status": status,
        "status_notes": notes,
        "service_name": _service_name(service) if service else "",
        "service_code": signal.topic,
        # Whoever holds the id reads this: the text with personal data masked, and the writer's
        # name and house too (a signal stored before the engine masked them has them unmasked).
        "description": mask_identity(signal.text_masked),
        "agency_responsible": "",
        "service_notice": "",
        "requested_datetime": _iso(signal.created_at),
        "updated_datetime": _iso(signal.received_at),
        "expected_datetime": None,
        # The commune or ward, never the address as sent: it may be the citizen's own house.
        "address": signal.unit.name if signal.unit else "",
        "address_id": extra.get("address_id", ""),
        "zipcode": "",
        "lat": signal.lat,
        "long": signal.lon,
        # (A request stored before media_url was checked may hold another scheme: not given out.)
        "media_url": media_url if _web_address(media_url := extra.get("media_url", "")) else "",
    }


def _web_address(value: str) -> bool:
    """Whether ``value`` is an http(s) address of at most ``MAX_MEDIA_URL`` characters: what a
    client may show as a link or an image (never a ``javascript:`` or ``data:`` one)."""
    if not value or len(value) > MAX_MEDIA_URL:
        return False
    try:
        _WEB_ADDRESS(value)
    except ValidationError:
        return False
    return True


def _checked_contacts(p) -> tuple[str, str, str]:
    """The request's ``media_url``, ``email`` and ``phone`` (stripped; each may be empty).

    Raises:
        Open311Error: 400, one is given but is no http(s) address, e-mail address or phone
            number that can be dialled.
    """
    media_url = (p.get("media_url") or "").strip()
    if media_url and not _web_address(media_url):
        raise Open311Error(400, ERR_MEDIA_URL)
    email = nfc(p.get("email", "")).strip()
    phone = nfc(p.get("phone", "")).strip()
    for value, check, error in ((email, _email_address, ERR_EMAIL), (phone, validate_phone, ERR_PHONE)):
        if value:
            try:
                check(value)
            except ValidationError:
                raise Open311Error(400, error) from None
    return media_url, email, phone


def _email_address(value: str) -> None:
    """Django's check of an e-mail address, within the 254 characters the reporter's column holds
    (the validator allows 320)."""
    if len(value) > 254:
        raise ValidationError(ERR_EMAIL)
    validate_email(value)


def _parse_when(params, name: str) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw.replace(" ", "+"))
    except ValueError:  # the form of a time, but none ("2026-13-45T00:00:00")
        value = None
    # (a time near year 1 or 9999 cannot be moved to another zone to be compared)
    if value is None or not 1900 <= value.year <= 2100:
        raise Open311Error(400, ERR_DATE.format(name=name))
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _create(request, fmt):
    """Validate the POST, store it for the task worker, answer with a token (GeoReport v2)."""
    p = request.POST
    client = services.api_client_for_key(_form_or_query(request, "api_key"))
    if client is None:
        raise Open311Error(403, ERR_API_KEY)
    code = (p.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, ERR_SERVICE_REQUIRED)
    if code not in _taxonomy().codes:
        raise Open311Error(400, ERR_SERVICE.format(value=code))
    description = nfc(p.get("description"))
    if not description or blank_text(description):
        raise Open311Error(400, ERR_DESCRIPTION)
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, ERR_DESCRIPTION_LONG)
    if has_bad_chars(description):
        raise Open311Error(400, services.BAD_ENCODING)
    lat = lon = None
    if p.get("lat") or p.get("long"):
        try:
            lat, lon = float(p.get("lat", "")), float(p.get("long", ""))
        except ValueError:
            raise Open311Error(400, ERR_BAD_COORDS) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Open311Error(400, ERR_BAD_COORDS)
    media_url, email, phone = _checked_contacts(p)
    address = nfc((p.get("address_string") or "").strip())[:300]
    address_id = (p.get("address_id") or "").strip()[:100]
    if lat is None and not address and not address_id:
        raise Open311Error(400, ERR_LOCATION)
    # The same request posted twice (a client retrying) is stored once.
    identity = "\x1f".join(
        [str(client.pk), code, description, str(lat), str(lon), address, address_id, p.get("device_id", "")]
    )
    row, created = open311_queue.open311_request_accept(
        client=client,
        idempotency_key="o311:" + hashlib.blake2b(identity.encode(), digest_size=16).hexdigest(),
        fields={
            "service_code": code,
            "description": description,
            "lat": lat,
            "lon": lon,
            "address": address,
            "address_id": address_id,
            "media_url": media_url,
            "device_id": (p.get("device_id") or "")[:100],
            "account_id": (p.get("account_id") or "")[:100],
        },
        reporter={
            "name": nfc(" ".join(x for x in (p.get("first_name", ""), p.get("last_name", "")) if x))[:200],
            "email": email,
            "phone": phone[:30],
        },
        request=request,
    )
    answer = {
        "token": row.token,
        "service_notice": str(NOTICE),
        "account_id": row.fields.get("account_id", ""),
    }
    if row.signal_id:  # a retry of a request already processed: its id is known
        answer = {"service_request_id": row.signal.tracking_code, **answer}
    return render([answer], fmt, root="service_requests", item="request", status=201 if created else 200)


def _search(request, fmt):
    g = request.GET
    qs = Signal.objects.filter(channel__in=[Channel.OPEN311, Channel.WEB]).exclude(tracking_code="")
    qs = qs.select_related("unit")
    ids = [i.strip().upper() for i in (g.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        _refuse_guessers(request)
        ids = ids[:100]
        rows = [_request_row(s) for s in qs.filter(tracking_code__in=ids)]
        for _ in range(len(set(ids)) - len(rows)):  # each id that names no request is a miss
            count_code_miss(request)
        return render(rows, fmt, root="service_requests", item="request")
    client = services.api_client_for_key(g.get("api_key"))
    if client is None:
        raise Open311Error(403, ERR_SEARCH_KEY)
    qs = qs.filter(channel=Channel.OPEN311, extra__api_client_id=client.pk)
    codes = [c.strip() for c in (g.get("service_code") or "").split(",") if c.strip()]
    for c in codes:
        if c not in _taxonomy().codes:
            raise Open311Error(400, ERR_SERVICE.format(value=c))
    if codes:
        qs = qs.filter(topic__in=codes)
    start, end = _parse_when(g, "start_date"), _parse_when(g, "end_date")
    if start is None and end is None:
        start = timezone.now() - timedelta(days=90)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lte=end)
    statuses = {s.strip() for s in (g.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, ERR_STATUS)
    rows = [_request_row(s) for s in qs.order_by("-created_at")[:SEARCH_LIMIT]]
    if statuses:
        rows = [r for r in rows if r["status"] in statuses]
    return render(rows, fmt, root="service_requests", item="request")


@endpoint
def requests_view(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    if request.method == "GET":
        return _search(request, fmt)
    raise Open311Error(400, ERR_METHOD)


def _refuse_guessers(request) -> None:
    """Refuse, as the tracking pages do, a client that looked up too many codes naming nothing:
    ids are tracking codes, and looking many up at once made guessing them 7,800 tries a second
    from one client while the pages refused it (``core.ratelimit``, scope ``code_miss``)."""
    if code_misses_over(request):
        raise Open311Error(429, str(TOO_MANY_CODE_MISSES))


@endpoint
def request_detail(request, fmt, request_id: str):
    _refuse_guessers(request)
    signal = (
        Signal.objects.filter(
            channel__in=[Channel.OPEN311, Channel.WEB], tracking_code=request_id.strip().upper()
        )
        .exclude(tracking_code="")
        .select_related("unit")
        .first()
    )
    if signal is None:
        count_code_miss(request)
        raise Open311Error(404, ERR_REQUEST.format(value=request_id))
    return render([_request_row(signal)], fmt, root="service_requests", item="request")


@endpoint
def token_detail(request, fmt, token: str):
    """The ``service_request_id`` of a posted request: empty while it waits for the worker."""
    row = open311_queue.pending_for_token(token.strip())
    if row is None:
        raise Open311Error(404, ERR_TOKEN.format(value=token))
    if row.status == PendingStatus.REJECTED:
        raise Open311Error(400, _(row.error))  # (a message of this module's, stored in Vietnamese)
    request_id = row.signal.tracking_code if row.signal_id else ""
    return render(
        [{"service_request_id": request_id, "token": row.token}], fmt, root="service_requests", item="request"
    )
