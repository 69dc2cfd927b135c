"""The case workflow: each transition one action, audited; refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases import quality
from duluan.apps.cases.models import Case, CaseAttachment, Status
from duluan.apps.cases.services import ACTIONS, CaseError, ConflictError, actions_for
from duluan.apps.cases.services import workflow as wf

from .conftest import moment

RESPONSE = (
    "Về việc khói bụi từ lò đốt rác thải gần khu dân cư, Sở Nông nghiệp và Môi trường đã kiểm tra thực tế, "
    "lập biên bản và yêu cầu thôn dừng đốt rác thải vào buổi tối, "
    "di dời lò đốt ra xa khu dân cư trong 15 ngày."
)
NO_EVIDENCE = "Biên bản có thông tin cá nhân nên lưu tại cơ quan, không công khai."


def events(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def run(name, case, actor, day, **params):
    return ACTIONS[name].execute(case=case, actor=actor, now=moment(day), **params)


def test_a_case_goes_from_receipt_to_closure_with_one_audit_event_per_step(demo, open_case):
    # given a feedback case routed to Sở Nông nghiệp và Môi trường
    officer, head = demo["canbo.nnmt"], demo["lanhdao.nnmt"]
    case = open_case()
    assert case.lead_agency.code == "bn-so-nn-mt"
    assert case.status == Status.RECEIVED and case.version == 1

    # when the officer accepts, gets it assigned, works, drafts; the head approves; the officer publishes
    case = run("accept", case, officer, "2026-03-04")
    case = run("assign", case, head, "2026-03-04", assignee=officer)
    case = run("start", case, officer, "2026-03-05")
    case = run("draft", case, officer, "2026-03-10", response_text=RESPONSE, no_evidence_reason=NO_EVIDENCE)
    case = run("approve", case, head, "2026-03-11")
    case = run("publish", case, officer, "2026-03-12")
    # and the citizen confirms with the tracking code and rates 5
    case = ACTIONS["citizen_feedback"].execute(
        case=case, now=moment("2026-03-14"), resolved=True, satisfaction=5
    )

    # then every step moved the status, bumped the version and left an audit event
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.satisfaction == 5 and case.citizen_confirmed is True
    assert case.answered_on_time is True
    assert case.version == 8
    assert events(case) == [
        "case.open",
        "case.accept",
        "case.assign",
        "case.start",
        "case.draft",
        "case.approve",
        "case.publish",
        "case.citizen_feedback",
    ]
    accept_event = AuditEvent.objects.get(object_id=str(case.pk), action="case.accept")
    assert accept_event.actor == officer
    assert accept_event.before["status"] == "received" and accept_event.after["status"] == "accepted"
    # and the public updates tell the citizen what happened, the answer among them
    public = list(case.updates.filter(public=True).values_list("text", flat=True))
    assert public[0].startswith("Đã tiếp nhận")
    assert RESPONSE in public


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve", Status.RECEIVED),
        ("publish", Status.ACCEPTED),
        ("accept", Status.CLOSED),
        ("start", Status.RECEIVED),
    ],
)
def test_a_transition_from_the_wrong_status_is_refused_and_changes_nothing(demo, open_case, action, status):
    # given a case in some status
    case = open_case()
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    before = (case.status, case.version, len(events(case)))

    # when the head tries an action that does not apply
    with pytest.raises(CaseError) as error:
        run(action, case, demo["lanhdao.nnmt"], "2026-03-05")

    # then the message says why and nothing changed
    assert "Không thể" in str(error.value) and case.get_status_display() in str(error.value)
    case.refresh_from_db()
    assert (case.status, case.version, len(events(case))) == before


def test_only_the_head_approves_and_other_agencies_cannot_act(demo, open_case):
    case = open_case()
    officer = demo["canbo.nnmt"]
    case = run("accept", case, officer, "2026-03-03")
    case = run("assign", case, officer, "2026-03-03", assignee=officer)
    case = run("draft", case, officer, "2026-03-05", response_text=RESPONSE, no_evidence_reason=NO_EVIDENCE)

    # the officer may not approve their own draft
    with pytest.raises(PermissionDenied):
        run("approve", case, officer, "2026-03-06")
    # an officer of another agency may not touch it, nor may the coordinator approve
    for username in ("canbo.bacgiang", "dieuphoi", "phantich"):
        with pytest.raises(PermissionDenied):
            run("approve", case, demo[username], "2026-03-06")
    case.refresh_from_db()
    assert case.status == Status.DRAFTED
    # and the head sees approve among the actions offered
    assert "approve" in [a.name for a in actions_for(demo["lanhdao.nnmt"], case)]
    assert "approve" not in [a.name for a in actions_for(officer, case)]


def test_a_stale_version_is_refused_so_no_change_is_lost(demo, open_case):
    # given two officials who loaded the case at version 1
    case = open_case()
    officer = demo["canbo.nnmt"]
    run("accept", case, officer, "2026-03-03", expected_version=1)

    # when the second submits what they saw
    with pytest.raises(ConflictError) as error:
        run("decline", case, demo["lanhdao.nnmt"], "2026-03-03", expected_version=1, decline_reason="expired")

    # then they are told to reload, and the first change stands
    assert "phiên bản 2" in str(error.value)
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.version == 2


def test_decline_needs_a_legal_reason_and_explanation(demo, open_case):
    case = open_case(kind="complaint1", topic="land", title="Khiếu nại bồi thường thu hồi đất")
    officer = demo["canbo.nnmt"]
    with pytest.raises(CaseError, match="căn cứ"):
        run("decline", case, officer, "2026-03-03", decline_reason="because", reason="x")
    with pytest.raises(CaseError, match=wf.REASON_REQUIRED):
        run("decline", case, officer, "2026-03-03", decline_reason="court")
    case = run(
        "decline", case, officer, "2026-03-03", decline_reason="court", reason="Tòa án đã thụ lý vụ án."
    )
    assert case.status == Status.DECLINED and case.decline_reason == "court"
    assert case.updates.filter(public=True, text__contains="Tòa án").exists()


def test_quality_checks_block_an_empty_short_or_off_topic_answer_without_evidence(demo, open_case):
    case = open_case()
    officer = demo["canbo.nnmt"]
    case = run("accept", case, officer, "2026-03-03")
    case = run("assign", case, officer, "2026-03-03", assignee=officer)

    with pytest.raises(CaseError) as short:
        run("draft", case, officer, "2026-03-04", response_text="Đã xử lý.")
    assert "quá ngắn" in str(short.value) and "bằng chứng" in str(short.value)

    off_topic = (
        "Cơ quan xin thông báo rằng kế hoạch năm nay đã được triển khai đầy đủ "
        "theo đúng chỉ đạo của cấp trên " * 2
    )
    with pytest.raises(CaseError) as unrelated:
        run("draft", case, officer, "2026-03-04", response_text=off_topic, no_evidence_reason=NO_EVIDENCE)
    assert "chưa nhắc tới" in str(unrelated.value)
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.response_text == ""

    # a public photo is evidence enough; the answer names what was asked
    CaseAttachment.objects.create(case=case, file="cases/x.jpg", kind="photo", public=True)
    case = run("draft", case, officer, "2026-03-04", response_text=RESPONSE)
    assert case.status == Status.DRAFTED


def test_quality_rules_in_isolation():
    assert quality.response_problems(
        text="", request_title="a", request_text="b", code="BN-1", public_attachments=1, no_evidence_reason=""
    ) == [quality.EMPTY]
    ok = quality.response_problems(
        text=RESPONSE,
        request_title="Khói bụi từ lò đốt rác thải",
        request_text="",
        code="BN-X",
        public_attachments=0,
        no_evidence_reason=NO_EVIDENCE,
    )
    assert ok == []


def test_extension_of_a_complaint_uses_the_complex_limit_once_then_refuses(demo, open_case):
    case = open_case(kind="complaint1", topic="land", title="Khiếu nại mức bồi thường thu hồi đất")
    head = demo["lanhdao.nnmt"]
    case = run("accept", case, demo["canbo.nnmt"], "2026-03-05")
    assert case.resolve_due.isoformat() == "2026-04-06"  # 30 days from acceptance, moved off a Sunday

    case = run("extend", case, head, "2026-03-20", reason="Phải xác minh tại nhiều địa điểm.")
    assert case.complex and case.resolve_due.isoformat() == "2026-04-20"  # 45 days

    with pytest.raises(CaseError, match="không cho phép gia hạn"):
        run("extend", case, head, "2026-03-25", reason="Thêm lần nữa.")
    with pytest.raises(PermissionDenied):
        run("extend", case, demo["canbo.nnmt"], "2026-03-25", reason="Cán bộ không được tự gia hạn.")


def test_a_denunciation_can_be_extended_twice_by_law_and_no_more(demo, open_case):
    case = open_case(kind="denunciation", topic="corruption", title="Tố cáo cán bộ nhận tiền")
    assert case.lead_agency.code == "bn-thanh-tra"
    head = demo["lanhdao.thanhtra"]
    case = run("accept", case, demo["canbo.thanhtra"], "2026-03-05")
    dues = [case.resolve_due]
    for day in ("2026-03-20", "2026-03-25"):
        case = run("extend", case, head, day, reason="Vụ việc phức tạp.")
        dues.append(case.resolve_due)
    assert dues[0] < dues[1] < dues[2]
    assert case.resolve_deadline["extensions"] == 2
    with pytest.raises(CaseError, match="tối đa 2"):
        run("extend", case, head, "2026-03-30", reason="Lần thứ ba.")


def test_transfer_hands_the_case_over_with_a_new_accept_period(demo, open_case):
    case = open_case()
    case = run(
        "transfer",
        case,
        demo["canbo.nnmt"],
        "2026-03-04",
        agency=demo["canbo.yte"].agency,
        reason="Thuộc ngành y tế.",
    )
    assert case.lead_agency.code == "bn-so-y-te" and case.status == Status.RECEIVED
    assert case.routing["manual"] and case.routing["reason"] == "Thuộc ngành y tế."
    assert case.accept_due.isoformat() == "2026-03-18"  # 10 working days from 04/03
    event = AuditEvent.objects.get(object_id=str(case.pk), action="case.transfer")
    assert event.reason == "Thuộc ngành y tế." and event.after["to"] == "bn-so-y-te"
    with pytest.raises(CaseError, match=wf.REASON_REQUIRED):
        run("transfer", case, demo["canbo.yte"], "2026-03-05", agency=demo["canbo.nnmt"].agency)


def test_merging_a_duplicate_points_it_to_the_original(demo, open_case):
    original, duplicate = open_case(), open_case()
    head = demo["lanhdao.nnmt"]
    run("merge", duplicate, head, "2026-03-03", target=original, reason="Trùng nội dung.")
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    assert AuditEvent.objects.filter(object_id=str(original.pk), action="case.merged_from").exists()
    with pytest.raises(CaseError):
        run("merge", original, head, "2026-03-03", target=original)


def test_the_citizen_reopens_within_the_window_and_not_after(demo, open_case):
    officer, head = demo["canbo.nnmt"], demo["lanhdao.nnmt"]
    case = open_case()
    for name, day, params in [
        ("accept", "2026-03-03", {}),
        ("assign", "2026-03-03", {"assignee": officer}),
        ("draft", "2026-03-05", {"response_text": RESPONSE, "no_evidence_reason": NO_EVIDENCE}),
    ]:
        case = run(name, case, officer, day, **params)
    case = run("approve", case, head, "2026-03-06")
    case = run("publish", case, officer, "2026-03-06")

    # past the window: refused, nothing changes
    late = moment("2026-03-06") + timedelta(days=wf.REOPEN_WINDOW_DAYS + 1)
    with pytest.raises(CaseError, match="Đã quá"):
        ACTIONS["reopen"].execute(case=case, now=late, reason="Vẫn chưa khắc phục.")
    case.refresh_from_db()
    assert case.status == Status.PUBLISHED

    # a rating outside 1–5 is refused
    with pytest.raises(CaseError, match=wf.BAD_RATING):
        ACTIONS["citizen_feedback"].execute(
            case=case, now=moment("2026-03-09"), resolved=True, satisfaction=9
        )

    # within it: reopened with a fresh resolve deadline, the citizen's rating kept
    case = ACTIONS["citizen_feedback"].execute(
        case=case, now=moment("2026-03-10"), resolved=False, satisfaction=2, reason="Lò đốt vẫn hoạt động."
    )
    assert case.status == Status.IN_PROGRESS and case.reopen_count == 1 and case.satisfaction == 2
    assert case.resolve_due > moment("2026-03-10").date()
    # and while it is being handled again there is nothing to rate
    with pytest.raises(CaseError, match="Không thể"):
        ACTIONS["citizen_feedback"].execute(case=case, resolved=True, satisfaction=4)
