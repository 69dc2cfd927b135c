"""Progress reports reach the right inboxes: coordinators on submission, the agency on decision."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from duluan.apps.accounts.models import Role, User
from duluan.apps.cases.models import Notification
from duluan.apps.plans import notifications, services


@pytest.fixture
def mailboxes(demo):
    """Give the demo coordinator and the environment department's officials an e-mail address."""
    for username in ("dieuphoi", "canbo.nnmt", "lanhdao.nnmt"):
        demo[username].email = f"{username}@example.invalid"
        demo[username].save(update_fields=["email"])
    return demo


def _submit(demo, small_plan, **extra):
    values = {
        "item": small_plan["a"],
        "user": demo["canbo.nnmt"],
        "period_end": date(2026, 3, 31),
        "percent": Decimal(40),
        "narrative": "Đã xử lý 12/30 phản ánh.",
    }
    return services.report_submit(**(values | extra))


def test_submitting_a_report_tells_every_coordinator_in_the_app_and_by_mail_after_commit(
    mailboxes, small_plan, django_capture_on_commit_callbacks
):
    # given a second, inactive coordinator who must not be told
    User.objects.create_user(username="dieuphoi.cu", password="x", role=Role.COORDINATOR, is_active=False)
    # when the environment officer submits progress on item 1.1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = _submit(mailboxes, small_plan)
        # then nothing is mailed before the transaction commits
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    # the coordinator has one unread notification that links to the approvals page
    note = Notification.objects.get(kind=notifications.KIND_SUBMITTED)
    assert note.user == mailboxes["dieuphoi"] and note.case is None and note.read_at is None
    assert note.url == "/plans/approvals/"
    assert "Sở Nông nghiệp và Môi trường gửi báo cáo tiến độ 40% nhiệm vụ 1.1 (7/KH-UBND)" in note.message
    assert "31/03/2026" in note.message and report.status == "submitted"
    # and one e-mail
    assert [m.to for m in mail.outbox] == [["dieuphoi@example.invalid"]]
    assert mail.outbox[0].subject == "[Dư Luận] Báo cáo tiến độ chờ duyệt: nhiệm vụ 1.1 (7/KH-UBND)"


def test_approval_tells_the_reporting_agencys_officials(
    mailboxes, small_plan, django_capture_on_commit_callbacks
):
    # given a submitted report
    report = _submit(mailboxes, small_plan)
    mail.outbox.clear()
    # when the coordinator approves it
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(report=report, user=mailboxes["dieuphoi"])
    # then the officer and the head of the environment department are told, not the coordinator
    notes = Notification.objects.filter(kind=notifications.KIND_APPROVED).order_by("user__username")
    assert [n.user.username for n in notes] == ["canbo.nnmt", "lanhdao.nnmt"]
    assert all(n.url == f"/plans/items/{small_plan['a'].pk}/" for n in notes)
    assert "đã được duyệt" in notes[0].message
    assert sorted(to for m in mail.outbox for to in m.to) == [
        "canbo.nnmt@example.invalid",
        "lanhdao.nnmt@example.invalid",
    ]


def test_a_returned_report_carries_the_reason_to_the_agency(
    mailboxes, small_plan, django_capture_on_commit_callbacks
):
    report = _submit(mailboxes, small_plan)
    mail.outbox.clear()
    # when returned
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(
            report=report, user=mailboxes["dieuphoi"], reason="Thiếu minh chứng ảnh hiện trường."
        )
    # then
    note = Notification.objects.filter(kind=notifications.KIND_RETURNED, user=mailboxes["canbo.nnmt"]).get()
    assert note.message.endswith("bị trả lại. Lý do: Thiếu minh chứng ảnh hiện trường.")
    assert {m.subject for m in mail.outbox} == {
        "[Dư Luận] Báo cáo tiến độ bị trả lại: nhiệm vụ 1.1 (7/KH-UBND)"
    }
    # and no other agency heard of it
    assert (
        not Notification.objects.filter(kind=notifications.KIND_RETURNED)
        .exclude(user__agency=report.agency)
        .exists()
    )


def test_a_refused_submission_notifies_no_one(demo, small_plan, other_officer):
    # when an officer of an agency not on the item tries to report
    with pytest.raises(PermissionDenied):
        _submit(demo, small_plan, user=other_officer)
    # then no notification was left behind
    assert not Notification.objects.exists()


def test_the_inbox_page_links_a_plan_notification_to_its_page(mailboxes, small_plan, client):
    # given
    _submit(mailboxes, small_plan)
    client.force_login(mailboxes["dieuphoi"])
    # when
    html = client.get("/cases/notifications/").content.decode()
    # then
    assert "nhiệm vụ 1.1 (7/KH-UBND)" in html
    assert 'href="/plans/approvals/"' in html


def test_the_plans_page_shows_the_unread_count_and_links_to_the_inbox(mailboxes, small_plan, client):
    # given a submitted report the coordinator has not read about
    _submit(mailboxes, small_plan)
    client.force_login(mailboxes["dieuphoi"])
    # when
    html = client.get("/plans/").content.decode()
    # then
    inbox = html[html.index('data-testid="inbox-link"') :]
    assert inbox.index('data-testid="unread">1<') < inbox.index("</a>")
