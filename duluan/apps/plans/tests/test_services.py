"""Writes: items, reports, approval — each audited with before/after, and the roll-up follows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duluan.apps.audit.models import AuditEvent
from duluan.apps.plans import selectors, services
from duluan.apps.plans.models import ReportStatus

from .conftest import PDF_BYTES


def _progress_of(plan, item=None):
    view = selectors.plan_tree(plan, as_of=date(2026, 7, 1))
    return view.progress.progress if item is None else view.row(item.pk).progress.progress


def test_officer_submits_and_coordinator_approves_then_progress_rolls_up(demo, small_plan):
    # given an officer of the lead agency and a coordinator
    officer, coordinator = demo["canbo.nnmt"], demo["dieuphoi"]
    plan, parent, b = small_plan["plan"], small_plan["parent"], small_plan["b"]
    assert _progress_of(plan) == 0
    # when the officer reports 60 % on item 1.2 (weight 3 of 4 under parent 1)
    report = services.report_submit(
        item=b,
        user=officer,
        period_end=date(2026, 6, 30),
        percent=Decimal(60),
        narrative="Đã tổ chức 20 hội nghị.",
    )
    # then nothing counts before approval
    assert report.status == ReportStatus.SUBMITTED
    assert _progress_of(plan, b) == 0
    # when the coordinator approves
    services.report_approve(report=report, user=coordinator)
    # then item 1.2 = 60, parent = 60×3/4 = 45, plan = (45×2 + 0×2)/4 = 22.5
    assert _progress_of(plan, b) == Decimal("60")
    assert _progress_of(plan, parent) == Decimal("45.0")
    assert _progress_of(plan) == Decimal("22.5")
    actions = list(
        AuditEvent.objects.filter(object_type="plans.progressreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["plan_report.submit", "plan_report.approve"]


def test_latest_approved_report_wins(demo, small_plan):
    officer, coordinator = demo["canbo.nnmt"], demo["dieuphoi"]
    a = small_plan["a"]
    for when, pct in ((date(2026, 3, 31), 30), (date(2026, 6, 30), 55)):
        r = services.report_submit(item=a, user=officer, period_end=when, percent=Decimal(pct), narrative="x")
        services.report_approve(report=r, user=coordinator)
    late = services.report_submit(
        item=a, user=officer, period_end=date(2026, 6, 30), percent=Decimal(90), narrative="y"
    )
    assert _progress_of(small_plan["plan"], a) == Decimal("55")
    services.report_return(report=late, user=coordinator, reason="Thiếu minh chứng.")
    assert _progress_of(small_plan["plan"], a) == Decimal("55")


def test_returned_report_keeps_reason_and_cannot_be_approved(demo, small_plan):
    # given a submitted report
    report = services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 6, 30),
        percent=Decimal(50),
        narrative="x",
    )
    # when the coordinator returns it without a reason, then with one
    with pytest.raises(ValidationError) as exc:
        services.report_return(report=report, user=demo["dieuphoi"], reason="  ")
    assert services.ERROR_RETURN_REASON in exc.value.messages
    services.report_return(report=report, user=demo["dieuphoi"], reason="Thiếu minh chứng.")
    report.refresh_from_db()
    # then
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "Thiếu minh chứng.")
    event = AuditEvent.objects.get(action="plan_report.return", object_id=str(report.pk))
    assert event.reason == "Thiếu minh chứng."
    assert event.before == {"status": "submitted"} and event.after == {"status": "returned"}
    with pytest.raises(ValidationError, match=services.ERROR_NOT_SUBMITTED):
        services.report_approve(report=report, user=demo["dieuphoi"])


def test_partner_officer_may_report_but_others_may_not(demo, small_plan, other_officer, agency):
    from duluan.apps.accounts.models import Role, User

    partner = User.objects.create_user(
        username="cb.btg", password="x", role=Role.OFFICER, agency=agency("bn-btg-dv")
    )
    a = small_plan["a"]
    # a partner-agency officer may report on 1.1
    services.report_submit(
        item=a, user=partner, period_end=date(2026, 5, 1), percent=Decimal(10), narrative="x"
    )
    # an officer of an uninvolved agency, an analyst and a coordinator may not
    for user in (other_officer, demo["phantich"], demo["dieuphoi"]):
        with pytest.raises(PermissionDenied):
            services.report_submit(
                item=a, user=user, period_end=date(2026, 5, 1), percent=Decimal(10), narrative="x"
            )


def test_only_coordinators_approve(demo, small_plan):
    report = services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 5, 1),
        percent=Decimal(10),
        narrative="x",
    )
    for username in ("canbo.nnmt", "lanhdao.nnmt", "phantich"):
        with pytest.raises(PermissionDenied, match=services.ERROR_NOT_APPROVER):
            services.report_approve(report=report, user=demo[username])


def test_report_validation(demo, small_plan):
    officer = demo["canbo.nnmt"]
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            item=small_plan["a"],
            user=officer,
            period_end=date(2026, 5, 1),
            percent=Decimal(101),
            narrative="x",
        )
    assert services.ERROR_PERCENT_RANGE in exc.value.messages
    with pytest.raises(ValidationError, match=services.ERROR_NOT_LEAF):
        services.report_submit(
            item=small_plan["parent"],
            user=officer,
            period_end=date(2026, 5, 1),
            percent=Decimal(5),
            narrative="x",
        )
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            item=small_plan["a"], user=officer, period_end=date(2099, 1, 1), percent=Decimal(5), narrative="x"
        )
    assert services.ERROR_PERIOD_FUTURE in exc.value.messages


def test_evidence_files_are_stored(demo, small_plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.report_submit(
        item=small_plan["a"],
        user=demo["canbo.nnmt"],
        period_end=date(2026, 5, 1),
        percent=Decimal(10),
        narrative="x",
        evidence=[("bien-ban.pdf", PDF_BYTES)],
    )
    evidence = report.evidence.get()
    assert evidence.title == "bien-ban.pdf"
    assert evidence.file.read() == PDF_BYTES
    assert (evidence.content_type, evidence.uploaded_by) == ("application/pdf", demo["canbo.nnmt"])


def test_item_update_audits_before_and_after_and_history_shows_it(demo, small_plan, agency):
    # given
    item = small_plan["a"]
    # when the coordinator moves the deadline and adds a partner
    changed = services.item_update(
        item=item,
        actor=demo["dieuphoi"],
        end_on=date(2026, 10, 31),
        partner_agencies=[agency("bn-btg-dv"), agency("bn-thanh-tra")],
        reason="Điều chỉnh theo chỉ đạo",
    )
    # then
    assert changed
    event = AuditEvent.objects.get(action="plan_item.update", object_id=str(item.pk))
    assert event.before == {"end_on": "2026-12-31", "partner_agencies": ["bn-btg-dv"]}
    assert event.after == {"end_on": "2026-10-31", "partner_agencies": ["bn-btg-dv", "bn-thanh-tra"]}
    assert [e.action for e in selectors.item_history(item)] == ["plan_item.create", "plan_item.update"]
    # and an identical update changes nothing and writes nothing
    assert not services.item_update(item=item, actor=demo["dieuphoi"], end_on=date(2026, 10, 31))
    assert AuditEvent.objects.filter(action="plan_item.update", object_id=str(item.pk)).count() == 1


def test_item_rules(demo, small_plan, agency):
    plan = small_plan["plan"]
    with pytest.raises(ValidationError, match=services.ERROR_END_BEFORE_START):
        services.item_create(
            plan=plan,
            code="9",
            content="x",
            lead_agency=agency("bn-ubnd"),
            start_on=date(2026, 5, 1),
            end_on=date(2026, 4, 1),
        )
    with pytest.raises(ValidationError, match="đã có"):
        services.item_create(plan=plan, code="1", content="x", lead_agency=agency("bn-ubnd"))
    with pytest.raises(ValidationError, match=services.ERROR_PARENT_CYCLE):
        services.item_update(item=small_plan["parent"], parent=small_plan["a"], actor=demo["dieuphoi"])
    with pytest.raises(PermissionDenied):
        services.item_create(
            plan=plan, code="10", content="x", lead_agency=agency("bn-ubnd"), actor=demo["canbo.nnmt"]
        )
