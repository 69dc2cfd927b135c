"""Writes of the plans app. Each validates, saves in one transaction and writes an audit event.

Audit events carry ``before``/``after`` snapshots; the item page's history is read back from them
(see :func:`duluan.apps.plans.selectors.item_history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from duluan.apps.accounts.models import Agency
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc
from duluan.apps.intake.uploads import CleanFile, UploadError

from . import notifications, permissions
from .models import (
    Indicator,
    Plan,
    PlanAttachment,
    PlanItem,
    PlanReview,
    ProgressReport,
    ReportEvidence,
    ReportStatus,
)
from .uploads import clean_plan_file

ERROR_END_BEFORE_START = "Ngày hoàn thành không được trước ngày bắt đầu."
ERROR_PERCENT_RANGE = "Tiến độ phải từ 0 đến 100%."
ERROR_WEIGHT_NEGATIVE = "Trọng số không được âm."
ERROR_PARENT_OTHER_PLAN = "Nhiệm vụ cha phải thuộc cùng kế hoạch."
ERROR_PARENT_CYCLE = "Nhiệm vụ cha tạo thành vòng lặp."
ERROR_DUPLICATE_CODE = "Mã nhiệm vụ {code} đã có trong kế hoạch."
ERROR_NOT_REPORTER = "Chỉ cán bộ của cơ quan chủ trì hoặc phối hợp nhiệm vụ mới được báo cáo tiến độ."
ERROR_NOT_LEAF = "Chỉ báo cáo tiến độ cho nhiệm vụ không có nhiệm vụ con; tiến độ nhiệm vụ cha được tổng hợp."
ERROR_NOT_APPROVER = "Chỉ điều phối viên mới được duyệt báo cáo tiến độ."
ERROR_NOT_MANAGER = "Chỉ điều phối viên mới được quản lý kế hoạch."
ERROR_NOT_SUBMITTED = "Báo cáo này không ở trạng thái chờ duyệt."
ERROR_RETURN_REASON = "Cần nêu lý do trả lại báo cáo."
ERROR_NARRATIVE = "Cần nêu kết quả thực hiện."
ERROR_PERIOD_FUTURE = "Ngày tính tiến độ không được sau hôm nay."
ERROR_NOT_ATTACHER = "Chỉ điều phối viên mới được đính kèm tệp vào kế hoạch."
ERROR_NOT_EVIDENCE_ADDER = (
    "Chỉ cán bộ của cơ quan đã báo cáo mới được bổ sung minh chứng, khi báo cáo còn chờ duyệt."
)
ERROR_NO_FILE = "Chọn ít nhất một tệp."
ERROR_TOO_MANY_FILES = "Chỉ được tải lên tối đa {max} tệp mỗi lần."
MAX_FILES_PER_UPLOAD = 10

ITEM_FIELDS = (
    "code",
    "content",
    "description",
    "lead_agency",
    "start_on",
    "end_on",
    "weight",
    "position",
    "parent",
)


def _snapshot_value(value):
    if isinstance(value, Agency | PlanItem):
        return getattr(value, "code", str(value.pk))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def item_snapshot(item: PlanItem) -> dict:
    """The audited fields of an item, as JSON (agencies and parent by code)."""
    data = {name: _snapshot_value(getattr(item, name)) for name in ITEM_FIELDS}
    data["partner_agencies"] = sorted(item.partner_agencies.values_list("code", flat=True)) if item.pk else []
    return data


def _check_dates(start_on: date | None, end_on: date | None) -> None:
    if start_on and end_on and end_on < start_on:
        raise ValidationError({"end_on": ERROR_END_BEFORE_START})


def _check_parent(item: PlanItem, parent: PlanItem | None) -> None:
    if parent is None:
        return
    if parent.plan_id != item.plan_id:
        raise ValidationError({"parent": ERROR_PARENT_OTHER_PLAN})
    seen = set()
    node = parent
    while node is not None:
        if (item.pk is not None and node.pk == item.pk) or node.pk in seen:
            raise ValidationError({"parent": ERROR_PARENT_CYCLE})
        seen.add(node.pk)
        node = node.parent


def _require_manager(actor) -> None:
    if actor is not None and not permissions.can_manage_plans(actor):
        raise PermissionDenied(ERROR_NOT_MANAGER)


# -- plans -----------------------------------------------------------------------------------
@transaction.atomic
def plan_create(
    *,
    number: str,
    title: str,
    year: int,
    signing_agencies: Iterable[Agency],
    signed_on: date | None = None,
    end_year: int | None = None,
    summary: str = "",
    place: str = "Bắc Ninh",
    previous: Plan | None = None,
    at_risk_tolerance: Decimal = Decimal(10),
    actor=None,
    request=None,
) -> Plan:
    """A new plan. ``actor=None`` is the system (demo, commands); a user must be a coordinator."""
    _require_manager(actor)
    plan = Plan(
        number=nfc(number),
        title=nfc(title),
        year=year,
        end_year=end_year,
        summary=nfc(summary),
        signed_on=signed_on,
        place=nfc(place),
        previous=previous,
        at_risk_tolerance=at_risk_tolerance,
    )
    plan.full_clean()
    plan.save()
    agencies = list(signing_agencies)
    plan.signing_agencies.set(agencies)
    audit_record(
        action="plan.create",
        actor=actor,
        obj=plan,
        after={
            "number": plan.number,
            "title": plan.title,
            "year": year,
            "signed_on": signed_on.isoformat() if signed_on else None,
            "signing_agencies": sorted(a.code for a in agencies),
        },
        request=request,
    )
    return plan


def checked_files(files: Sequence[tuple[str, bytes]]) -> list[CleanFile]:
    """Check every file by content (:func:`.uploads.clean_plan_file`: photos and PDFs as citizens'
    uploads, plus Word and Excel without macros; 5 MB each); all or none.

    Raises:
        ValidationError: on ``file`` — the first refused file, named, with why.
    """
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError({"file": ERROR_TOO_MANY_FILES.format(max=MAX_FILES_PER_UPLOAD)})
    try:
        return [clean_plan_file(content, nfc(name)) for name, content in files]
    except UploadError as refused:
        raise ValidationError({"file": str(refused)}) from None


def _store(row, clean: CleanFile, *, actor) -> None:
    row.content_type = clean.content_type
    row.uploaded_by = actor
    stored = clean.as_django_file()  # a random name: the title is what people see
    row.file.save(stored.name, stored, save=False)
    row.save()


@transaction.atomic
def plan_attachment_add(
    *, plan: Plan, title: str, content: bytes, filename: str, actor=None, request=None
) -> PlanAttachment:
    """Attach a document (PDF, Word, Excel, photo) to a plan; ``actor=None`` only for seeding and imports."""
    if actor is not None and not permissions.can_attach_to_plan(actor, plan):
        raise PermissionDenied(ERROR_NOT_ATTACHER)
    if not content:
        raise ValidationError({"file": ERROR_NO_FILE})
    (clean,) = checked_files([(filename, content)])
    title = nfc(title).strip() or nfc(clean.original_name)
    attachment = PlanAttachment(plan=plan, title=title[:200])
    _store(attachment, clean, actor=actor)
    audit_record(
        action="plan.attachment_add",
        actor=actor,
        obj=plan,
        after={"attachment": attachment.pk, "title": attachment.title, "type": clean.content_type},
        request=request,
    )
    return attachment


@transaction.atomic
def report_evidence_add(
    *, report: ProgressReport, files: Sequence[tuple[str, bytes]], actor, request=None
) -> list[ReportEvidence]:
    """Add evidence files to a report that still waits for approval (its agency's officials only)."""
    report = ProgressReport.objects.select_for_update().select_related("item", "agency").get(pk=report.pk)
    if not permissions.can_add_evidence(actor, report):
        raise PermissionDenied(ERROR_NOT_EVIDENCE_ADDER)
    if not files:
        raise ValidationError({"file": ERROR_NO_FILE})
    rows = _save_evidence(report, checked_files(files), actor=actor)
    audit_record(
        action="plan_report.evidence_add",
        actor=actor,
        obj=report,
        after={"evidence": [row.title for row in rows]},
        request=request,
    )
    return rows


def _save_evidence(report: ProgressReport, files: list[CleanFile], *, actor) -> list[ReportEvidence]:
    rows = []
    for clean in files:
        row = ReportEvidence(report=report, title=nfc(clean.original_name)[:200])
        _store(row, clean, actor=actor)
        rows.append(row)
    return rows


# -- items -----------------------------------------------------------------------------------
@transaction.atomic
def item_create(
    *,
    plan: Plan,
    code: str,
    content: str,
    lead_agency: Agency,
    partner_agencies: Sequence[Agency] = (),
    parent: PlanItem | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
    weight: Decimal = Decimal(1),
    description: str = "",
    position: int | None = None,
    actor=None,
    request=None,
) -> PlanItem:
    _require_manager(actor)
    code = nfc(code)
    _check_dates(start_on, end_on)
    if weight < 0:
        raise ValidationError({"weight": ERROR_WEIGHT_NEGATIVE})
    if PlanItem.objects.filter(plan=plan, code=code).exists():
        raise ValidationError({"code": ERROR_DUPLICATE_CODE.format(code=code)})
    if position is None:
        position = PlanItem.objects.filter(plan=plan).count()
    item = PlanItem(
        plan=plan,
        code=code,
        content=nfc(content),
        description=nfc(description),
        lead_agency=lead_agency,
        parent=parent,
        start_on=start_on,
        end_on=end_on,
        weight=weight,
        position=position,
    )
    _check_parent(item, parent)
    item.save()
    item.partner_agencies.set(partner_agencies)
    audit_record(action="plan_item.create", actor=actor, obj=item, after=item_snapshot(item), request=request)
    return item


@transaction.atomic
def item_update(*, item: PlanItem, actor=None, request=None, reason: str = "", **changes) -> bool:
    """Change fields of ``item`` (any of ITEM_FIELDS and ``partner_agencies``); False if nothing changed."""
    _require_manager(actor)
    unknown = set(changes) - set(ITEM_FIELDS) - {"partner_agencies"}
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    before = item_snapshot(item)
    partners = changes.pop("partner_agencies", None)
    for name in ("content", "description", "code"):
        if name in changes:
            changes[name] = nfc(changes[name])
    for name, value in changes.items():
        setattr(item, name, value)
    _check_dates(item.start_on, item.end_on)
    if item.weight < 0:
        raise ValidationError({"weight": ERROR_WEIGHT_NEGATIVE})
    if "parent" in changes:
        _check_parent(item, item.parent)
    if (
        "code" in changes
        and PlanItem.objects.filter(plan=item.plan, code=item.code).exclude(pk=item.pk).exists()
    ):
        raise ValidationError({"code": ERROR_DUPLICATE_CODE.format(code=item.code)})
    after = {name: _snapshot_value(getattr(item, name)) for name in ITEM_FIELDS}
    after["partner_agencies"] = (
        sorted(a.code for a in partners) if partners is not None else before["partner_agencies"]
    )
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return False
    fields = [name for name in changed if name in ITEM_FIELDS]
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    if "partner_agencies" in changed:
        item.partner_agencies.set(partners)
    audit_record(
        action="plan_item.update",
        actor=actor,
        obj=item,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        reason=reason,
        request=request,
    )
    return True


@transaction.atomic
def indicator_upsert(
    *,
    item: PlanItem,
    name: str,
    unit: str = "",
    target: Decimal | None = None,
    actual: Decimal | None = None,
    actor=None,
) -> tuple[Indicator, bool]:
    """Create the indicator ``name`` of ``item`` or update its unit/target/actual; returns (row, changed)."""
    _require_manager(actor)
    name = nfc(name)
    values = {"unit": nfc(unit), "target": target, "actual": actual}
    indicator = Indicator.objects.filter(item=item, name=name).first()
    if indicator is None:
        indicator = Indicator.objects.create(
            item=item, name=name, position=Indicator.objects.filter(item=item).count(), **values
        )
        audit_record(
            action="plan_indicator.create",
            actor=actor,
            obj=indicator,
            after={"item": item.code, "name": name, **{k: _snapshot_value(v) for k, v in values.items()}},
        )
        return indicator, True
    changed = {k: v for k, v in values.items() if getattr(indicator, k) != v}
    if not changed:
        return indicator, False
    before = {k: _snapshot_value(getattr(indicator, k)) for k in changed}
    for k, v in changed.items():
        setattr(indicator, k, v)
    indicator.save(update_fields=list(changed))
    audit_record(
        action="plan_indicator.update",
        actor=actor,
        obj=indicator,
        before=before,
        after={k: _snapshot_value(v) for k, v in changed.items()},
    )
    return indicator, True


# -- progress reports --------------------------------------------------------------------------
def _report_snapshot(report: ProgressReport) -> dict:
    return {
        "item": report.item.code,
        "agency": report.agency.code,
        "period_end": report.period_end.isoformat(),
        "percent": _snapshot_value(report.percent),
        "status": report.status,
    }


@transaction.atomic
def report_submit(
    *,
    item: PlanItem,
    user,
    period_end: date,
    percent: Decimal,
    narrative: str,
    evidence: Sequence[tuple[str, bytes]] = (),
    request=None,
) -> ProgressReport:
    """An officer of the lead or a partner agency reports progress on a leaf item (status: submitted)."""
    if item.children.exists():
        raise ValidationError(ERROR_NOT_LEAF)
    if not permissions.can_report_on(user, item):
        raise PermissionDenied(ERROR_NOT_REPORTER)
    percent = Decimal(percent)
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError({"percent": ERROR_PERCENT_RANGE})
    narrative = nfc(narrative)
    if not narrative:
        raise ValidationError({"narrative": ERROR_NARRATIVE})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": ERROR_PERIOD_FUTURE})
    clean_files = checked_files(evidence)
    report = ProgressReport.objects.create(
        item=item,
        agency=user.agency,
        period_end=period_end,
        percent=percent,
        narrative=narrative,
        status=ReportStatus.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    rows = _save_evidence(report, clean_files, actor=user)
    after = _report_snapshot(report) | {"evidence": [row.title for row in rows]}
    audit_record(action="plan_report.submit", actor=user, obj=report, after=after, request=request)
    notifications.report_submitted(report)
    return report


@transaction.atomic
def report_approve(*, report: ProgressReport, user, request=None) -> ProgressReport:
    """A coordinator approves a submitted report: from now on it counts in the roll-up."""
    if not permissions.can_approve(user):
        raise PermissionDenied(ERROR_NOT_APPROVER)
    report = ProgressReport.objects.select_for_update().select_related("item", "agency").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(ERROR_NOT_SUBMITTED)
    before = {"status": report.status}
    report.status = ReportStatus.APPROVED
    report.decided_by = user
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action="plan_report.approve",
        actor=user,
        obj=report,
        before=before,
        after={"status": report.status, "percent": _snapshot_value(report.percent)},
        request=request,
    )
    notifications.report_decided(report, decided_by=user)
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, user, reason: str, request=None) -> ProgressReport:
    """A coordinator returns a submitted report to its agency with a reason."""
    if not permissions.can_approve(user):
        raise PermissionDenied(ERROR_NOT_APPROVER)
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": ERROR_RETURN_REASON})
    report = ProgressReport.objects.select_for_update().select_related("item", "agency").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(ERROR_NOT_SUBMITTED)
    before = {"status": report.status}
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.decided_by = user
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    audit_record(
        action="plan_report.return",
        actor=user,
        obj=report,
        before=before,
        after={"status": report.status},
        reason=reason,
        request=request,
    )
    notifications.report_decided(report, decided_by=user)
    return report


@transaction.atomic
def report_record_approved(
    *,
    item: PlanItem,
    agency: Agency,
    period_end: date,
    percent: Decimal,
    narrative: str,
    actor=None,
) -> tuple[ProgressReport, bool]:
    """Record an already-approved report (XLSX import of past progress, demo data); idempotent.

    The same item, agency, date and percent is the same report: nothing new is created.
    """
    _require_manager(actor)
    percent = Decimal(percent)
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError({"percent": ERROR_PERCENT_RANGE})
    existing = ProgressReport.objects.filter(
        item=item, agency=agency, period_end=period_end, percent=percent, status=ReportStatus.APPROVED
    ).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    report = ProgressReport.objects.create(
        item=item,
        agency=agency,
        period_end=period_end,
        percent=percent,
        narrative=nfc(narrative),
        status=ReportStatus.APPROVED,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=now,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=now,
    )
    audit_record(action="plan_report.record", actor=actor, obj=report, after=_report_snapshot(report))
    return report, True


# -- reviews ---------------------------------------------------------------------------------
@transaction.atomic
def review_upsert(
    *,
    plan: Plan,
    title: str,
    reviewed_on: date,
    number: str = "",
    basis: str = "",
    findings: str = "",
    shortcomings: str = "",
    recommendations: str = "",
    actor=None,
) -> tuple[PlanReview, bool]:
    """Create or update the review ``title`` of ``plan``; returns (review, created)."""
    _require_manager(actor)
    values = {
        "reviewed_on": reviewed_on,
        "number": nfc(number),
        "basis": nfc(basis),
        "findings": nfc(findings),
        "shortcomings": nfc(shortcomings),
        "recommendations": nfc(recommendations),
    }
    review, created = PlanReview.objects.get_or_create(plan=plan, title=nfc(title), defaults=values)
    if created:
        audit_record(action="plan_review.create", actor=actor, obj=review, after={"title": review.title})
        return review, True
    changed = {k: v for k, v in values.items() if getattr(review, k) != v}
    if changed:
        before = {k: _snapshot_value(getattr(review, k)) for k in changed}
        for k, v in changed.items():
            setattr(review, k, v)
        review.save(update_fields=list(changed))
        audit_record(
            action="plan_review.update",
            actor=actor,
            obj=review,
            before=before,
            after={k: _snapshot_value(v) for k, v in changed.items()},
        )
    return review, False
