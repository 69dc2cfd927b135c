"""Opening a case: the one entry point the intake channels (web form, Open311, hotline) call."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from duluan.apps.accounts.models import Role, User
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc
from duluan.apps.core.topics import topic_is_known
from duluan.apps.geo.models import AdminUnit
from duluan.calendar import CalendarError, parse_date

from ..confidential import case_search_keys
from ..models import Case, Channel, Complainant, CountsFrom, Kind, LegalLimit, Status
from ..topics import DEFAULT_TOPIC, TOPIC_UNKNOWN
from .deadlines import DeadlineError, deadline_compute, local_day
from .notifications import case_reference, notify
from .routing import RoutingError, route_for
from .workflow import CaseError, day_text, post_public_update

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
CODE_PREFIX = "BN"

TITLE_REQUIRED = "Cần có tiêu đề."
DESCRIPTION_REQUIRED = "Cần có nội dung."
BAD_KIND = "Loại việc không hợp lệ: {value!r}."
BAD_CHANNEL = "Kênh tiếp nhận không hợp lệ: {value!r}."
BAD_UNIT = "Cần chọn đơn vị hành chính nơi phát sinh."
FUTURE = "Ngày tiếp nhận {day} ở tương lai."
COMPLAINANT_FIELDS = ("name", "phone", "email", "address")


def tracking_code(rng=secrets) -> str:
    """``BN-XXXX-XXXX``: 40 bits of randomness, so codes cannot be guessed one from another."""
    chars = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{chars[:4]}-{chars[4:]}"


def _received_moment(value) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if not isinstance(value, date):
        try:
            value = parse_date(value)
        except CalendarError as error:
            raise CaseError(str(error)) from None
    return timezone.make_aware(datetime.combine(value, time(8, 0)))


@transaction.atomic
def case_open_from_submission(
    *,
    title: str,
    description: str,
    kind: str,
    topic: str,
    unit: AdminUnit,
    channel: str,
    complainant: dict | None,
    received_at,
    actor=None,
    source_ref: str | None = None,
) -> Case:
    """Open a case, route it and set its deadlines; returns the existing case for a known ``source_ref``.

    Args:
        title, description: what the citizen wrote (NFC-normalised here).
        kind: ``feedback``, ``complaint1``, ``complaint2`` or ``denunciation``.
        topic: a taxonomy code (blank → the catch-all topic).
        unit: where it happened — an AdminUnit of either scheme.
        channel: a :class:`~duluan.apps.cases.models.Channel` value.
        complainant: ``{"name", "phone", "email", "address"}`` or ``None`` (anonymous).
        received_at: a datetime, a date, or text ``YYYY-MM-DD``/``DD/MM/YYYY``; an impossible or
            future date is refused with a clear message.
        actor: the official who entered it (``None`` for a citizen's own submission).
        source_ref: the channel's own id (idempotent re-delivery).

    Raises:
        CaseError: bad input (message in Vietnamese, nothing saved).
    """
    if source_ref:
        existing = Case.objects.filter(source_ref=source_ref).first()
        if existing is not None:
            return existing
    title, description, topic = nfc(title), nfc(description), nfc(topic) or DEFAULT_TOPIC
    if not title:
        raise CaseError(TITLE_REQUIRED)
    if not description:
        raise CaseError(DESCRIPTION_REQUIRED)
    if kind not in Kind.values:
        raise CaseError(BAD_KIND.format(value=kind))
    if channel not in Channel.values:
        raise CaseError(BAD_CHANNEL.format(value=channel))
    if not topic_is_known(topic):
        raise CaseError(TOPIC_UNKNOWN.format(code=topic))
    if not isinstance(unit, AdminUnit):
        raise CaseError(BAD_UNIT)
    received = _received_moment(received_at)
    if local_day(received) > timezone.localdate():
        raise CaseError(FUTURE.format(day=day_text(local_day(received))))

    try:
        decision = route_for(topic=topic, unit=unit, channel=channel, kind=kind)
    except RoutingError as error:
        raise CaseError(str(error)) from None
    try:
        accept = deadline_compute(
            kind=kind, step="accept", start=received, remote=decision.remote, complex=decision.complex
        )
        resolve = None
        resolve_from = LegalLimit.objects.filter(kind=kind, step="resolve").values_list(
            "counts_from", flat=True
        )
        if resolve_from.first() == CountsFrom.RECEIVED:
            resolve = deadline_compute(
                kind=kind, step="resolve", start=received, remote=decision.remote, complex=decision.complex
            )
    except DeadlineError as error:
        raise CaseError(str(error)) from None

    case = Case(
        title=title[:250],
        description=description,
        kind=kind,
        topic=topic,
        channel=channel,
        unit=unit,
        status=Status.RECEIVED,
        lead_agency=decision.lead,
        routing_rule=decision.rule,
        routing=decision.explanation,
        plan_item=decision.rule.plan_item,
        received_at=received,
        remote=decision.remote,
        complex=decision.complex,
        accept_due=accept.due,
        accept_deadline=accept.to_dict(),
        resolve_due=resolve.due if resolve else None,
        resolve_deadline=resolve.to_dict() if resolve else {},
        source_ref=source_ref or None,
    )
    person = None
    if complainant and any((complainant.get(f) or "").strip() for f in COMPLAINANT_FIELDS):
        person = Complainant(**{f: nfc(complainant.get(f) or "")[:300] for f in COMPLAINANT_FIELDS})
    case.search_key, case.search_key_masked = case_search_keys(
        case.title, complainant=person, description=case.description
    )
    for _ in range(5):
        case.code = tracking_code()
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            if source_ref and Case.objects.filter(source_ref=source_ref).exists():
                return Case.objects.get(source_ref=source_ref)
            continue
    else:  # pragma: no cover - 5 collisions in 10^12 codes
        raise CaseError("Không tạo được mã tra cứu; hãy thử lại.")
    case.partner_agencies.set(decision.partners)
    if person is not None:
        person.case = case
        person.save()
    post_public_update(case, f"Đã tiếp nhận. Hạn thụ lý: {day_text(case.accept_due)}.", at=received)
    audit_record(
        action="case.open",
        actor=actor,
        obj=case,
        after={
            "code": case.code,
            "kind": kind,
            "topic": topic,
            "channel": channel,
            "unit": f"{unit.scheme}:{unit.code}",
            "lead": decision.lead.code,
            "rule": decision.rule.pk,
            "accept_due": case.accept_due.isoformat(),
            "anonymous": not complainant,
        },
    )
    officers = User.objects.filter(agency=decision.lead, role=Role.OFFICER, is_active=True)
    notify(users=officers, case=case, kind="new", message=f"Hồ sơ mới {case_reference(case)}.")
    return case
