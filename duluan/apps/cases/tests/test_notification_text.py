"""Notifications and e-mails name a case by its code, kind and deadline, never by its title.

A title may name who wrote in ("Tôi là cựu chiến binh Lương Văn Thắng, ở số nhà 8 …"); an e-mail
leaves the platform for mailboxes that no gatekeeper guards.
"""

from __future__ import annotations

from django.core import mail

from duluan.apps.cases.models import Case, Notification, Status
from duluan.apps.cases.services import ACTIONS, cases_escalate_overdue

from .conftest import moment

TITLE = "Tôi là cựu chiến binh Lương Văn Thắng, ở số nhà 8 phố Hàng Bông, tố cáo cán bộ nhận tiền"
DENOUNCER = {
    "name": "Lương Văn Thắng",
    "phone": "0912345678",
    "email": "",
    "address": "Số nhà 8 phố Hàng Bông",
}
SECRETS = ("Lương Văn Thắng", "Văn Thắng", "số nhà 8", "Hàng Bông", "0912345678", "cựu chiến binh")


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


def denunciation(open_case, **overrides) -> Case:
    values = {
        "kind": "denunciation",
        "topic": "corruption",
        "title": TITLE,
        "description": f"{TITLE}. Cán bộ địa chính nhận tiền để cấp giấy chứng nhận.",
        "complainant": DENOUNCER,
        "received_at": moment("2026-03-02"),
    }
    return open_case(**{**values, **overrides})


def test_the_new_case_notice_names_the_code_kind_and_deadline(demo, open_case):
    # when a denunciation is opened
    case = denunciation(open_case)
    # then the lead agency's officers are told its code, kind and accept-by date, not its title
    [note] = Notification.objects.filter(case=case, kind="new")
    assert case.code in note.message and "tố cáo" in note.message
    assert f"{case.accept_due:%d/%m/%Y}" in note.message
    assert leaked(note.message) == []


def test_the_assignment_e_mail_carries_the_code_and_a_link_not_the_title(
    demo, open_case, django_capture_on_commit_callbacks
):
    # given an accepted denunciation and an officer of the lead agency with an e-mail address
    case = denunciation(open_case)
    case = ACTIONS["accept"].execute(case=case, actor=demo["lanhdao.thanhtra"], now=moment("2026-03-03"))
    officer = demo["canbo.thanhtra"]
    officer.email = "thanhtravien@example.invalid"
    officer.save(update_fields=["email"])
    # when the head assigns it to them
    with django_capture_on_commit_callbacks(execute=True):
        ACTIONS["assign"].execute(
            case=case, actor=demo["lanhdao.thanhtra"], now=moment("2026-03-03"), assignee=officer
        )
    # then the e-mail and the notice give the code, the deadline and the link, and no one's name
    [message] = mail.outbox
    assert case.code in message.subject and case.code in message.body
    assert f"/cases/{case.pk}/" in message.body
    assert leaked(f"{message.subject}\n{message.body}") == []
    note = Notification.objects.get(case=case, kind="assigned")
    assert leaked(note.message) == [] and "hạn giải quyết" in note.message


def test_the_overdue_e_mail_names_no_one(demo, open_case, django_capture_on_commit_callbacks):
    # given a denunciation never accepted, and the head with an e-mail address
    case = denunciation(open_case)
    head = demo["lanhdao.thanhtra"]
    head.email = "chanhthanhtra@example.invalid"
    head.save(update_fields=["email"])
    # when it is escalated, long past its accept-by date
    with django_capture_on_commit_callbacks(execute=True):
        report = cases_escalate_overdue(now=moment("2026-04-15"))
    # then the head is told without its title
    assert case.code in report.heads_notified
    [message] = mail.outbox
    assert case.code in message.body and leaked(f"{message.subject}\n{message.body}") == []
    assert leaked(Notification.objects.get(case=case, kind="overdue_head").message) == []


def test_a_reopening_s_notice_masks_the_citizen_s_name(demo, open_case):
    # given a published answer to a denunciation
    case = denunciation(open_case)
    Case.objects.filter(pk=case.pk).update(status=Status.PUBLISHED, published_at=moment("2026-03-20"))
    case.refresh_from_db()
    # when the citizen reopens it, signing their reason
    ACTIONS["reopen"].execute(
        case=case, now=moment("2026-03-23"), reason="Tôi là Lương Văn Thắng, vụ việc chưa được xử lý."
    )
    # then the lead agency's notice keeps the reason without the name
    notes = Notification.objects.filter(case=case, kind="reopened")
    assert notes and all(leaked(n.message) == [] and "chưa được xử lý" in n.message for n in notes)
