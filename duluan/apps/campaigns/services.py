"""Writes of the campaigns app: validate, save in one transaction, audit, notify on commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from duluan.apps.accounts.models import Agency
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc, search_key
from duluan.apps.geo.models import AdminUnit

from . import permissions
from .models import (
    Acknowledgement,
    Campaign,
    Channel,
    Evidence,
    NoteStatus,
    OrientationNote,
    Output,
    OutputKind,
    OutputStatus,
    SurveyLink,
)

ERROR_TITLE = "Cần nêu tên chiến dịch."
ERROR_THEME = "Cần nêu chủ đề tuyên truyền."
ERROR_END_BEFORE_START = "Ngày kết thúc không được trước ngày bắt đầu."
ERROR_NO_THEME_MATCH = "Cần ít nhất một mã chủ đề dư luận hoặc một từ khóa để đo hiệu quả."
ERROR_TOPIC_CODE = "Mã chủ đề không có trong danh mục: {code!r}."
ERROR_NOT_CREATOR = "Chỉ điều phối viên hoặc lãnh đạo cơ quan mới được tạo chiến dịch."
ERROR_NOT_RECORDER = "Chỉ điều phối viên hoặc cán bộ cơ quan chủ trì, phối hợp mới được ghi nhận sản phẩm."
ERROR_NO_CHANNEL = "Cần chọn kênh truyền thông."
ERROR_CHANNEL_INACTIVE = "Kênh truyền thông này không còn được sử dụng."
ERROR_OUTPUT_TITLE = "Cần nêu nội dung sản phẩm."
ERROR_BAD_KIND = "Loại sản phẩm không hợp lệ: {value!r}."
ERROR_PLANNED_OUTSIDE = "Ngày dự kiến ({day}) phải nằm trong thời gian chiến dịch ({start} – {end})."
ERROR_DELIVERED_BEFORE_START = "Ngày thực hiện ({day}) trước ngày bắt đầu chiến dịch ({start})."
ERROR_DELIVERED_FUTURE = "Ngày thực hiện ({day}) chưa đến."
ERROR_NEGATIVE = "{field} không được âm."
ERROR_DELIVERED_ZERO = "Sản phẩm đã thực hiện phải có số lượng ít nhất là 1."
ERROR_ALREADY_DELIVERED = "Sản phẩm này đã được ghi nhận thực hiện."
ERROR_EVIDENCE_EMPTY = "Minh chứng cần một tệp hoặc một đường dẫn."
ERROR_EVIDENCE_URL = "Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://."
ERROR_NOT_AUTHOR = "Chỉ điều phối viên mới được soạn và gửi thông tin định hướng."
ERROR_NOTE_FIELDS = "Cần nêu tiêu đề, tình hình, quan điểm chính thức và nội dung cần thông tin."
ERROR_NOTE_NOT_EDITABLE = "Chỉ sửa được thông tin định hướng đang dự thảo hoặc bị trả lại."
ERROR_NOTE_NOT_SUBMITTED = "Thông tin định hướng này không ở trạng thái chờ duyệt."
ERROR_NOTE_NOT_APPROVED = "Chỉ gửi được thông tin định hướng đã được duyệt."
ERROR_NOT_DECIDER = "Chỉ lãnh đạo cơ quan soạn thảo (hoặc cấp trên) mới được duyệt hoặc trả lại."
ERROR_RETURN_REASON = "Cần nêu lý do trả lại."
ERROR_NO_RECIPIENTS = "Cần chọn ít nhất một cơ quan nhận."
ERROR_NOT_RECIPIENT = "Chỉ cán bộ của cơ quan nhận mới xác nhận đã đọc thông tin định hướng đã gửi."
ERROR_NOT_EDITOR = "Chỉ điều phối viên hoặc lãnh đạo cơ quan chủ trì mới được sửa chiến dịch."
ERROR_OUTPUTS_OUTSIDE = (
    "Có {n} sản phẩm có ngày dự kiến ngoài thời gian mới ({start} – {end}); sửa các sản phẩm đó trước."
)
ERROR_DELIVERED_BEFORE_NEW_START = "Có {n} sản phẩm đã thực hiện trước ngày bắt đầu mới ({start})."
ERROR_DELIVERED_NO_DAY = "Sản phẩm đã thực hiện cần ngày thực hiện."
ERROR_NOT_SURVEY_LINKER = "Chỉ điều phối viên mới được gắn đợt khảo sát với chiến dịch."
ERROR_NO_ROUND = "Cần chọn đợt khảo sát."
ERROR_NO_ITEM = (
    "Bộ câu hỏi của đợt khảo sát không có câu hỏi {item!r}. Các câu hỏi chọn một phương án: {items}."
)
ERROR_NOT_SELECT_ONE = "Câu hỏi {item!r} phải là câu hỏi chọn một phương án."
ERROR_AWARE_VALUE = "Câu hỏi {item!r} không có phương án {value!r} (có: {values})."
ERROR_SUPPORT_SCALE = "Mức ủng hộ phải là các số nguyên với 1 ≤ từ mức ≤ đến mức."
ERROR_SUPPORT_VALUES = "Câu hỏi {item!r} không có các mức {values} trong thang trả lời."
ERROR_SAME_ITEM = "Câu hỏi về mức độ biết và về mức độ ủng hộ phải khác nhau."

NEGATIVE_FIELDS = {
    "planned_quantity": "Số lượng kế hoạch",
    "delivered_quantity": "Số lượng đã thực hiện",
    "attendance": "Số người tham dự",
    "reach": "Lượt tiếp cận",
}


def _clean_list(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or ():
        v = nfc(v)
        if v and v not in out:
            out.append(v)
    return out


def campaign_snapshot(c: Campaign) -> dict:
    return {
        "title": c.title,
        "theme": c.theme,
        "objectives": c.objectives,
        "key_messages": c.key_messages,
        "audiences": c.audiences,
        "partner_agencies": sorted(c.partner_agencies.values_list("code", flat=True)),
        "start_on": c.start_on.isoformat(),
        "end_on": c.end_on.isoformat(),
        "lead_agency": c.lead_agency.code,
        "topic_codes": c.topic_codes,
        "keywords": c.keywords,
        "target_units": sorted(f"{u.scheme}:{u.code}" for u in c.target_units.all()),
        "channels": sorted(c.channels.values_list("code", flat=True)),
        "plan_item": c.plan_item_id,
    }


def _campaign_values(
    *,
    campaign: Campaign | None = None,
    title,
    theme,
    objectives,
    key_messages,
    audiences,
    topic_codes,
    keywords,
    start_on,
    end_on,
) -> dict:
    """The campaign's own fields, cleaned (NFC), for creating one or changing ``campaign``.

    Raises ValidationError with every reason they cannot be saved; a changed campaign's outputs
    must stay inside its period (a planned day outside the new period, or a delivery before the
    new start, is refused)."""
    from duluan.analysis.taxonomy import load_taxonomy

    title, theme = nfc(title), nfc(theme)
    errors = []
    if not title:
        errors.append(ERROR_TITLE)
    if not theme:
        errors.append(ERROR_THEME)
    if start_on and end_on and end_on < start_on:
        errors.append(ERROR_END_BEFORE_START)
    codes = _clean_list(topic_codes)
    known = set(load_taxonomy().codes)
    errors += [ERROR_TOPIC_CODE.format(code=c) for c in codes if c not in known]
    words = [w for w in _clean_list(keywords) if search_key(w)]
    if not codes and not words:
        errors.append(ERROR_NO_THEME_MATCH)
    values = {
        "title": title[:300],
        "theme": theme,
        "objectives": nfc(objectives),
        "key_messages": nfc(key_messages),
        "audiences": nfc(audiences),
        "topic_codes": codes,
        "keywords": words,
        "start_on": start_on,
        "end_on": end_on,
    }
    if campaign is not None and start_on and end_on and not errors:
        outside = campaign.outputs.exclude(planned_on__range=(start_on, end_on)).count()
        early = campaign.outputs.filter(delivered_on__lt=start_on).count()
        if outside:
            errors.append(
                ERROR_OUTPUTS_OUTSIDE.format(
                    n=outside, start=f"{start_on:%d/%m/%Y}", end=f"{end_on:%d/%m/%Y}"
                )
            )
        if early:
            errors.append(ERROR_DELIVERED_BEFORE_NEW_START.format(n=early, start=f"{start_on:%d/%m/%Y}"))
    if errors:
        raise ValidationError(errors)
    return values


def campaign_create(
    *,
    actor,
    title: str,
    theme: str,
    start_on: date,
    end_on: date,
    lead_agency: Agency,
    objectives: str = "",
    key_messages: str = "",
    audiences: str = "",
    topic_codes: Sequence[str] = (),
    keywords: Sequence[str] = (),
    target_units: Sequence[AdminUnit] = (),
    channels: Sequence[Channel] = (),
    partner_agencies: Sequence[Agency] = (),
    plan_item=None,
    request=None,
) -> Campaign:
    """Create a campaign; its theme (topic codes + keywords) is what its effect is measured on."""
    if actor is not None and not permissions.can_create_campaigns(actor):
        raise PermissionDenied(ERROR_NOT_CREATOR)
    values = _campaign_values(
        title=title,
        theme=theme,
        objectives=objectives,
        key_messages=key_messages,
        audiences=audiences,
        topic_codes=topic_codes,
        keywords=keywords,
        start_on=start_on,
        end_on=end_on,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            **values,
            lead_agency=lead_agency,
            plan_item=plan_item,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        campaign.target_units.set(target_units)
        campaign.channels.set(channels)
        campaign.partner_agencies.set(partner_agencies)
        audit_record(
            action="campaigns.campaign_create",
            actor=actor,
            obj=campaign,
            after=campaign_snapshot(campaign),
            request=request,
        )
    return campaign


def campaign_update(
    *,
    campaign: Campaign,
    actor,
    title: str,
    theme: str,
    start_on: date,
    end_on: date,
    lead_agency: Agency,
    objectives: str = "",
    key_messages: str = "",
    audiences: str = "",
    topic_codes: Sequence[str] = (),
    keywords: Sequence[str] = (),
    target_units: Sequence[AdminUnit] = (),
    channels: Sequence[Channel] = (),
    partner_agencies: Sequence[Agency] = (),
    plan_item=None,
    request=None,
) -> Campaign:
    """Change a campaign, with the same rules as creating one; its outputs must stay inside its
    period (a planned day outside the new period, or a delivery before the new start, is refused)."""
    if actor is not None and not permissions.can_edit_campaign(actor, campaign):
        raise PermissionDenied(ERROR_NOT_EDITOR)
    values = _campaign_values(
        campaign=campaign,
        title=title,
        theme=theme,
        objectives=objectives,
        key_messages=key_messages,
        audiences=audiences,
        topic_codes=topic_codes,
        keywords=keywords,
        start_on=start_on,
        end_on=end_on,
    )
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().select_related("lead_agency").get(pk=campaign.pk)
        before = campaign_snapshot(locked)
        for k, v in values.items():
            setattr(locked, k, v)
        locked.lead_agency = lead_agency
        locked.plan_item = plan_item
        locked.save(update_fields=[*values, "lead_agency", "plan_item", "updated_at"])
        locked.target_units.set(target_units)
        locked.channels.set(channels)
        locked.partner_agencies.set(partner_agencies)
        after = campaign_snapshot(locked)
        audit_record(
            action="campaigns.campaign_update",
            actor=actor,
            obj=locked,
            before=before,
            after=after,
            request=request,
        )
    return locked


def _check_counts(**counts) -> list[str]:
    return [
        ERROR_NEGATIVE.format(field=NEGATIVE_FIELDS[k]) for k, v in counts.items() if v is not None and v < 0
    ]


def _check_delivery(campaign: Campaign, delivered_on: date, today: date) -> list[str]:
    errors = []
    if delivered_on < campaign.start_on:
        errors.append(
            ERROR_DELIVERED_BEFORE_START.format(
                day=f"{delivered_on:%d/%m/%Y}", start=f"{campaign.start_on:%d/%m/%Y}"
            )
        )
    if delivered_on > today:
        errors.append(ERROR_DELIVERED_FUTURE.format(day=f"{delivered_on:%d/%m/%Y}"))
    return errors


def output_snapshot(o: Output) -> dict:
    return {
        "channel": o.channel.code,
        "kind": o.kind,
        "title": o.title,
        "status": o.status,
        "planned_on": o.planned_on.isoformat(),
        "planned_quantity": o.planned_quantity,
        "delivered_on": o.delivered_on.isoformat() if o.delivered_on else None,
        "delivered_quantity": o.delivered_quantity,
        "attendance": o.attendance,
        "reach": o.reach,
        "unit": o.unit_id,
        "agency": o.agency_id,
        "note": o.note,
    }


def _output_values(
    *,
    campaign: Campaign,
    channel: Channel | None,
    kind: str,
    title: str,
    planned_on: date | None,
    planned_quantity: int | None,
    delivered_on: date | None,
    delivered_quantity: int | None,
    attendance: int | None,
    reach: int | None,
    unit: AdminUnit | None,
    agency: Agency | None,
    note: str,
    today: date | None,
    current_channel: Channel | None = None,
    evidence_url: str = "",
) -> dict:
    """The output's fields, cleaned (NFC), for recording one or correcting one; delivered (with
    ``delivered_on``) its quantity is the planned one by default.

    Raises ValidationError with every reason it cannot be saved. A channel no longer in use is
    refused, except ``current_channel``, the one the output already has."""
    today = today or timezone.localdate()
    title = nfc(title)
    errors = []
    if channel is None:
        errors.append(ERROR_NO_CHANNEL)
    elif not channel.is_active and channel != current_channel:
        errors.append(ERROR_CHANNEL_INACTIVE)
    if kind not in OutputKind.values:
        errors.append(ERROR_BAD_KIND.format(value=kind))
    if not title:
        errors.append(ERROR_OUTPUT_TITLE)
    errors += _check_counts(
        planned_quantity=planned_quantity,
        delivered_quantity=delivered_quantity,
        attendance=attendance,
        reach=reach,
    )
    if planned_on is not None and not (campaign.start_on <= planned_on <= campaign.end_on):
        errors.append(
            ERROR_PLANNED_OUTSIDE.format(
                day=f"{planned_on:%d/%m/%Y}",
                start=f"{campaign.start_on:%d/%m/%Y}",
                end=f"{campaign.end_on:%d/%m/%Y}",
            )
        )
    if delivered_on is not None:
        errors += _check_delivery(campaign, delivered_on, today)
        if delivered_quantity is None:
            delivered_quantity = planned_quantity
        if delivered_quantity is not None and delivered_quantity == 0:
            errors.append(ERROR_DELIVERED_ZERO)
    if evidence_url and not evidence_url.lower().startswith(("http://", "https://")):
        errors.append(ERROR_EVIDENCE_URL)
    if errors:
        raise ValidationError(errors)
    delivered = delivered_on is not None
    return {
        "channel": channel,
        "kind": kind,
        "title": title[:300],
        "planned_on": planned_on,
        "planned_quantity": planned_quantity,
        "status": OutputStatus.DELIVERED if delivered else OutputStatus.PLANNED,
        "delivered_on": delivered_on,
        "delivered_quantity": delivered_quantity if delivered else None,
        "attendance": attendance,
        "reach": reach,
        "unit": unit,
        "agency": agency,
        "note": nfc(note),
    }


def output_create(
    *,
    campaign: Campaign,
    actor,
    channel: Channel | None,
    kind: str,
    title: str,
    planned_on: date,
    planned_quantity: int = 1,
    delivered_on: date | None = None,
    delivered_quantity: int | None = None,
    attendance: int | None = None,
    reach: int | None = None,
    unit: AdminUnit | None = None,
    agency: Agency | None = None,
    note: str = "",
    evidence_url: str = "",
    evidence_file=None,
    today: date | None = None,
    request=None,
) -> Output:
    """Plan an output, or record one already delivered (``delivered_on`` given), with evidence."""
    if actor is not None and not permissions.can_record_outputs(actor, campaign):
        raise PermissionDenied(ERROR_NOT_RECORDER)
    values = _output_values(
        campaign=campaign,
        channel=channel,
        kind=kind,
        title=title,
        planned_on=planned_on,
        planned_quantity=planned_quantity,
        delivered_on=delivered_on,
        delivered_quantity=delivered_quantity,
        attendance=attendance,
        reach=reach,
        unit=unit,
        agency=agency,
        note=note,
        today=today,
        evidence_url=evidence_url,
    )
    with transaction.atomic():
        delivered = delivered_on is not None
        output = Output.objects.create(
            campaign=campaign,
            **values,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            delivered_by=actor if delivered and getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="campaigns.output_create",
            actor=actor,
            obj=output,
            after=output_snapshot(output),
            request=request,
        )
        if evidence_url or evidence_file:
            _evidence_add(
                output=output, actor=actor, title="", url=evidence_url, file=evidence_file, request=request
            )
    return output


def output_update(
    *,
    output: Output,
    actor,
    channel: Channel | None,
    kind: str,
    title: str,
    planned_on: date,
    planned_quantity: int = 1,
    delivered_on: date | None = None,
    delivered_quantity: int | None = None,
    attendance: int | None = None,
    reach: int | None = None,
    unit: AdminUnit | None = None,
    agency: Agency | None = None,
    note: str = "",
    today: date | None = None,
    request=None,
) -> Output:
    """Correct an output, with the same rules as recording one. With ``delivered_on`` it is (or
    stays) delivered; without, it is (back to) planned."""
    campaign = output.campaign
    if actor is not None and not permissions.can_record_outputs(actor, campaign):
        raise PermissionDenied(ERROR_NOT_RECORDER)
    if planned_quantity is None:
        planned_quantity = 1
    values = _output_values(
        campaign=campaign,
        channel=channel,
        kind=kind,
        title=title,
        planned_on=planned_on,
        planned_quantity=planned_quantity,
        delivered_on=delivered_on,
        delivered_quantity=delivered_quantity,
        attendance=attendance,
        reach=reach,
        unit=unit,
        agency=agency,
        note=note,
        today=today,
        current_channel=output.channel,
    )
    with transaction.atomic():
        locked = Output.objects.select_for_update().select_related("channel").get(pk=output.pk)
        before = output_snapshot(locked)
        delivered = delivered_on is not None
        was_delivered = locked.status == OutputStatus.DELIVERED
        if delivered and not was_delivered:
            values["delivered_by"] = actor if getattr(actor, "is_authenticated", False) else None
        elif not delivered:
            values["delivered_by"] = None
        for k, v in values.items():
            setattr(locked, k, v)
        locked.save(update_fields=list(values))
        audit_record(
            action="campaigns.output_update",
            actor=actor,
            obj=locked,
            before=before,
            after=output_snapshot(locked),
            request=request,
        )
    return locked


def output_deliver(
    *,
    output: Output,
    actor,
    delivered_on: date,
    delivered_quantity: int | None = None,
    attendance: int | None = None,
    reach: int | None = None,
    today: date | None = None,
    request=None,
) -> Output:
    """Record that a planned output was delivered, with its figures."""
    campaign = output.campaign
    if actor is not None and not permissions.can_record_outputs(actor, campaign):
        raise PermissionDenied(ERROR_NOT_RECORDER)
    today = today or timezone.localdate()
    errors = _check_counts(delivered_quantity=delivered_quantity, attendance=attendance, reach=reach)
    if delivered_on is None:
        errors.append(ERROR_DELIVERED_FUTURE.format(day="—"))
    else:
        errors += _check_delivery(campaign, delivered_on, today)
    if delivered_quantity == 0:
        errors.append(ERROR_DELIVERED_ZERO)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Output.objects.select_for_update().select_related("channel").get(pk=output.pk)
        if locked.status == OutputStatus.DELIVERED:
            raise ValidationError(ERROR_ALREADY_DELIVERED)
        before = output_snapshot(locked)
        locked.status = OutputStatus.DELIVERED
        locked.delivered_on = delivered_on
        locked.delivered_quantity = (
            delivered_quantity if delivered_quantity is not None else locked.planned_quantity
        )
        locked.attendance = attendance
        locked.reach = reach
        locked.delivered_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(
            update_fields=[
                "status",
                "delivered_on",
                "delivered_quantity",
                "attendance",
                "reach",
                "delivered_by",
            ]
        )
        audit_record(
            action="campaigns.output_deliver",
            actor=actor,
            obj=locked,
            before=before,
            after=output_snapshot(locked),
            request=request,
        )
    return locked


def _evidence_add(*, output: Output, actor, title: str, url: str, file, request) -> Evidence:
    name = nfc(title) or (getattr(file, "name", "") or url)[:200]
    evidence = Evidence(
        output=output,
        title=name[:200],
        url=url or "",
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if file is not None:
        evidence.file.save(getattr(file, "name", "minh-chung"), file, save=False)
    evidence.save()
    audit_record(
        action="campaigns.evidence_add",
        actor=actor,
        obj=evidence,
        after={
            "output": output.pk,
            "title": evidence.title,
            "url": evidence.url,
            "file": evidence.file.name or "",
        },
        request=request,
    )
    return evidence


def evidence_add(
    *, output: Output, actor, title: str = "", url: str = "", file=None, request=None
) -> Evidence:
    """Attach a file or a link proving an output was delivered."""
    if actor is not None and not permissions.can_record_outputs(actor, output.campaign):
        raise PermissionDenied(ERROR_NOT_RECORDER)
    url = nfc(url)
    if not url and file is None:
        raise ValidationError(ERROR_EVIDENCE_EMPTY)
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError(ERROR_EVIDENCE_URL)
    with transaction.atomic():
        return _evidence_add(output=output, actor=actor, title=title, url=url, file=file, request=request)


# -- orientation notes ---------------------------------------------------------------------------

NOTE_FIELDS = ("title", "facts", "position", "talking_points", "avoid")


def note_snapshot(n: OrientationNote) -> dict:
    return {
        "status": n.status,
        "title": n.title,
        "issue": n.issue_id,
        "campaign": n.campaign_id,
        "recipients": sorted(n.recipients.values_list("code", flat=True)) if n.pk else [],
    }


def _note_text(title, facts, position, talking_points, avoid) -> dict:
    values = {
        "title": nfc(title)[:300],
        "facts": nfc(facts),
        "position": nfc(position),
        "talking_points": nfc(talking_points),
        "avoid": nfc(avoid),
    }
    if not all(values[k] for k in ("title", "facts", "position", "talking_points")):
        raise ValidationError(ERROR_NOTE_FIELDS)
    return values


def _require_author(actor) -> None:
    if not permissions.can_draft_notes(actor):
        raise PermissionDenied(ERROR_NOT_AUTHOR)


def note_create(
    *,
    actor,
    title: str,
    facts: str,
    position: str,
    talking_points: str,
    avoid: str = "",
    issue=None,
    campaign: Campaign | None = None,
    recipients: Sequence[Agency] = (),
    request=None,
) -> OrientationNote:
    """A coordinator drafts an orientation note (status draft), for the issue it is about."""
    _require_author(actor)
    values = _note_text(title, facts, position, talking_points, avoid)
    with transaction.atomic():
        note = OrientationNote.objects.create(
            **values, issue=issue, campaign=campaign, agency_id=actor.agency_id, author=actor
        )
        note.recipients.set(recipients)
        audit_record(
            action="campaigns.note_create", actor=actor, obj=note, after=note_snapshot(note), request=request
        )
    return note


def note_update(
    *,
    note: OrientationNote,
    actor,
    title: str,
    facts: str,
    position: str,
    talking_points: str,
    avoid: str = "",
    recipients: Sequence[Agency] | None = None,
    request=None,
) -> OrientationNote:
    _require_author(actor)
    values = _note_text(title, facts, position, talking_points, avoid)
    with transaction.atomic():
        locked = OrientationNote.objects.select_for_update().get(pk=note.pk)
        if locked.status not in (NoteStatus.DRAFT, NoteStatus.RETURNED):
            raise ValidationError(ERROR_NOTE_NOT_EDITABLE)
        before = {k: getattr(locked, k) for k in NOTE_FIELDS} | note_snapshot(locked)
        for k, v in values.items():
            setattr(locked, k, v)
        locked.save(update_fields=[*values, "updated_at"])
        if recipients is not None:
            locked.recipients.set(recipients)
        audit_record(
            action="campaigns.note_update",
            actor=actor,
            obj=locked,
            before=before,
            after=values | note_snapshot(locked),
            request=request,
        )
    return locked


def _transition(note, actor, *, allowed, to, action, reason="", request=None, extra=None, error):
    with transaction.atomic():
        locked = OrientationNote.objects.select_for_update().get(pk=note.pk)
        if locked.status not in allowed:
            raise ValidationError(error)
        before = note_snapshot(locked)
        locked.status = to
        fields = ["status", "updated_at"]
        for k, v in (extra or {}).items():
            setattr(locked, k, v)
            fields.append(k)
        locked.save(update_fields=fields)
        audit_record(
            action=action,
            actor=actor,
            obj=locked,
            before=before,
            after=note_snapshot(locked),
            reason=reason,
            request=request,
        )
    return locked


def note_submit(*, note: OrientationNote, actor, request=None) -> OrientationNote:
    """Draft (or returned) → submitted, for a head's approval."""
    _require_author(actor)
    return _transition(
        note,
        actor,
        allowed=(NoteStatus.DRAFT, NoteStatus.RETURNED),
        to=NoteStatus.SUBMITTED,
        action="campaigns.note_submit",
        extra={"submitted_at": timezone.now()},
        error=ERROR_NOTE_NOT_EDITABLE,
        request=request,
    )


def note_approve(*, note: OrientationNote, actor, request=None) -> OrientationNote:
    if not permissions.can_decide_note(actor, note):
        raise PermissionDenied(ERROR_NOT_DECIDER)
    return _transition(
        note,
        actor,
        allowed=(NoteStatus.SUBMITTED,),
        to=NoteStatus.APPROVED,
        action="campaigns.note_approve",
        extra={"decided_by": actor, "decided_at": timezone.now(), "return_reason": ""},
        error=ERROR_NOTE_NOT_SUBMITTED,
        request=request,
    )


def note_return(*, note: OrientationNote, actor, reason: str, request=None) -> OrientationNote:
    if not permissions.can_decide_note(actor, note):
        raise PermissionDenied(ERROR_NOT_DECIDER)
    reason = nfc(reason)
    if not reason:
        raise ValidationError(ERROR_RETURN_REASON)
    return _transition(
        note,
        actor,
        allowed=(NoteStatus.SUBMITTED,),
        to=NoteStatus.RETURNED,
        action="campaigns.note_return",
        reason=reason,
        extra={"decided_by": actor, "decided_at": timezone.now(), "return_reason": reason},
        error=ERROR_NOTE_NOT_SUBMITTED,
        request=request,
    )


def _notify_recipients(note_id: int) -> None:
    note = OrientationNote.objects.get(pk=note_id)
    emails = [e for e in note.recipients.values_list("email", flat=True) if e]
    if emails:
        send_mail(
            subject=f"Thông tin định hướng: {note.title}",
            message=(
                "Cơ quan của đồng chí nhận được thông tin định hướng mới trên Dư Luận. "
                "Đề nghị đăng nhập để đọc và xác nhận đã đọc."
            ),
            from_email=None,
            recipient_list=emails,
            fail_silently=True,
        )


def note_deliver(
    *, note: OrientationNote, actor, recipients: Sequence[Agency] | None = None, request=None
) -> OrientationNote:
    """Approved → delivered to the chosen agencies (their mailboxes are told on commit)."""
    _require_author(actor)
    with transaction.atomic():
        if recipients is not None:
            if note.status != NoteStatus.APPROVED:
                raise ValidationError(ERROR_NOTE_NOT_APPROVED)
            note.recipients.set(recipients)
        if not note.recipients.exists():
            raise ValidationError(ERROR_NO_RECIPIENTS)
        delivered = _transition(
            note,
            actor,
            allowed=(NoteStatus.APPROVED,),
            to=NoteStatus.DELIVERED,
            action="campaigns.note_deliver",
            extra={"delivered_at": timezone.now()},
            error=ERROR_NOTE_NOT_APPROVED,
            request=request,
        )
        transaction.on_commit(lambda: _notify_recipients(delivered.pk))
    return delivered


def note_acknowledge(*, note: OrientationNote, actor, request=None) -> Acknowledgement:
    """The reader confirms they read the note; once per person (a second call returns the first)."""
    if not permissions.can_acknowledge_note(actor, note):
        raise PermissionDenied(ERROR_NOT_RECIPIENT)
    with transaction.atomic():
        existing = Acknowledgement.objects.filter(note=note, user=actor).first()
        if existing is not None:
            return existing
        ack = Acknowledgement.objects.create(
            note=note, user=actor, agency_id=actor.agency_id, at=timezone.now()
        )
        audit_record(
            action="campaigns.note_acknowledge",
            actor=actor,
            obj=note,
            after={"user": actor.get_username(), "agency": actor.agency.code if actor.agency else None},
            request=request,
        )
    return ack


# -- survey rounds measuring a campaign ----------------------------------------------------------

# which questions of the round measure the campaign, and how (the fields survey_link_set takes)
SURVEY_LINK_QUESTIONS = ("awareness_item", "awareness_value", "support_item", "support_min", "support_max")


def survey_link_snapshot(link: SurveyLink) -> dict:
    return {
        "campaign": link.campaign_id,
        "round": link.round.code,
        "awareness_item": link.awareness_item,
        "awareness_value": link.awareness_value,
        "support_item": link.support_item,
        "support_min": link.support_min,
        "support_max": link.support_max,
    }


def survey_link_errors(
    *, round_, awareness_item: str, awareness_value: str, support_item: str, support_min, support_max
) -> list[str]:
    """Why these questions cannot measure awareness and support in this round (empty if they can)."""
    if round_ is None:
        return [ERROR_NO_ROUND]
    instrument = round_.instrument.parsed()
    select_one = [q.name for q in instrument.questions if q.type == "select_one"]
    errors = []
    if awareness_item == support_item:
        errors.append(ERROR_SAME_ITEM)
    for item in (awareness_item, support_item):
        if not instrument.has(item):
            errors.append(ERROR_NO_ITEM.format(item=item, items=", ".join(select_one) or "—"))
        elif instrument.question(item).type != "select_one":
            errors.append(ERROR_NOT_SELECT_ONE.format(item=item))
    if errors:
        return errors
    aware_values = [c.name for c in instrument.choices.get(instrument.question(awareness_item).list_name, [])]
    if awareness_value not in aware_values:
        errors.append(
            ERROR_AWARE_VALUE.format(
                item=awareness_item, value=awareness_value, values=", ".join(aware_values)
            )
        )
    if not (
        isinstance(support_min, int) and isinstance(support_max, int) and 1 <= support_min <= support_max
    ):
        errors.append(ERROR_SUPPORT_SCALE)
    else:
        scale = {c.name for c in instrument.choices.get(instrument.question(support_item).list_name, [])}
        wanted = [str(v) for v in range(support_min, support_max + 1)]
        if not set(wanted) <= scale:
            errors.append(ERROR_SUPPORT_VALUES.format(item=support_item, values=", ".join(wanted)))
    return errors


def survey_link_set(
    *,
    campaign: Campaign,
    round_,
    actor,
    awareness_item: str,
    support_item: str,
    awareness_value: str = "co",
    support_min: int = 4,
    support_max: int = 5,
    request=None,
) -> SurveyLink:
    """Link a survey round to a campaign (or change which questions measure it)."""
    if actor is not None and not permissions.can_link_surveys(actor):
        raise PermissionDenied(ERROR_NOT_SURVEY_LINKER)
    awareness_item, support_item = nfc(awareness_item).strip(), nfc(support_item).strip()
    awareness_value = nfc(awareness_value).strip()
    errors = survey_link_errors(
        round_=round_,
        awareness_item=awareness_item,
        awareness_value=awareness_value,
        support_item=support_item,
        support_min=support_min,
        support_max=support_max,
    )
    if errors:
        raise ValidationError(errors)
    values = {
        "awareness_item": awareness_item,
        "awareness_value": awareness_value,
        "support_item": support_item,
        "support_min": support_min,
        "support_max": support_max,
    }
    with transaction.atomic():
        link = SurveyLink.objects.select_for_update().filter(campaign=campaign, round=round_).first()
        if link is None:
            link = SurveyLink.objects.create(
                campaign=campaign,
                round=round_,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                **values,
            )
            before = None
        else:
            before = survey_link_snapshot(link)
            for k, v in values.items():
                setattr(link, k, v)
            link.save(update_fields=list(values))
        audit_record(
            action="campaigns.survey_link_set",
            actor=actor,
            obj=campaign,
            before=before,
            after=survey_link_snapshot(link),
            request=request,
        )
    return link


def survey_link_remove(*, link: SurveyLink, actor, request=None) -> None:
    """Unlink a survey round from its campaign (the round and its answers stay)."""
    if actor is not None and not permissions.can_link_surveys(actor):
        raise PermissionDenied(ERROR_NOT_SURVEY_LINKER)
    with transaction.atomic():
        before = survey_link_snapshot(link)
        campaign = link.campaign
        link.delete()
        audit_record(
            action="campaigns.survey_link_remove", actor=actor, obj=campaign, before=before, request=request
        )
