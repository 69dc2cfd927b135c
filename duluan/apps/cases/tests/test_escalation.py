"""Overdue cases: the head is told first, then the coordinators; each once per deadline."""

from __future__ import annotations

from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import Client

from duluan.apps.audit.models import AuditEvent
from duluan.apps.cases.models import Notification
from duluan.apps.cases.services import ACTIONS, cases_escalate_overdue

from .conftest import moment


def test_head_then_coordinator_then_nothing_more(demo, open_case, django_capture_on_commit_callbacks):
    # given a feedback received 02/03/2026, accept-by 16/03/2026 (10 working days), never accepted
    case = open_case(received_at=moment("2026-03-02"))
    assert case.accept_due.isoformat() == "2026-03-16"

    # when escalation runs on the deadline day, nothing happens
    assert cases_escalate_overdue(now=moment("2026-03-16")).heads_notified == []

    # the day after, the head of the lead agency is told, in the app and by e-mail
    demo["lanhdao.nnmt"].email = "lanhdao@example.invalid"
    demo["lanhdao.nnmt"].save()
    with django_capture_on_commit_callbacks(execute=True):
        report = cases_escalate_overdue(now=moment("2026-03-17"))
    assert report.heads_notified == [case.code]
    head_note = Notification.objects.get(case=case, kind="overdue_head")
    assert head_note.user == demo["lanhdao.nnmt"] and "quá hạn thụ lý 16/03/2026" in head_note.message
    assert [m.to for m in mail.outbox] == [["lanhdao@example.invalid"]]

    # running again the same day sends nothing new
    assert cases_escalate_overdue(now=moment("2026-03-17")).heads_notified == []
    # three working days late, the coordinators are told
    assert cases_escalate_overdue(now=moment("2026-03-18")).coordinators_notified == []
    report = cases_escalate_overdue(now=moment("2026-03-19"))
    assert report.coordinators_notified == [case.code]
    assert Notification.objects.filter(case=case, kind="overdue_coordinator", user=demo["dieuphoi"]).exists()
    assert cases_escalate_overdue(now=moment("2026-03-20")).coordinators_notified == []
    levels = [e.after["level"] for e in AuditEvent.objects.filter(action="case.escalate").order_by("id")]
    assert levels == ["head", "coordinator"]

    # a new deadline (acceptance) starts again from the head
    ACTIONS["accept"].execute(case=case, actor=demo["canbo.nnmt"], now=moment("2026-03-20"))
    case.refresh_from_db()
    late = moment("2026-05-20")
    assert cases_escalate_overdue(now=late).heads_notified == [case.code]


def test_the_overdue_case_is_highlighted_on_the_list(demo, open_case):
    overdue = open_case(received_at=moment("2026-03-02"), title="Hồ sơ quá hạn")
    client = Client()
    client.force_login(demo["canbo.nnmt"])
    html = client.get("/cases/").content.decode()
    row = html[html.index(overdue.code) - 400 : html.index(overdue.code)]
    assert 'class="overdue"' in row
    assert "Quá hạn" in html
    only = client.get("/cases/?overdue=1").content.decode()
    assert overdue.code in only


def test_the_command_and_the_task_run_the_same_escalation(demo, open_case):
    case = open_case(received_at=moment("2026-03-02"))
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "báo lãnh đạo cơ quan: 1" in out.getvalue()
    assert Notification.objects.filter(case=case, kind="overdue_head").count() == 1

    from duluan.apps.cases.tasks import cases_escalate_overdue as task

    result = task.enqueue()  # the immediate backend in tests, the database queue in production
    assert "báo lãnh đạo cơ quan: 0" in result.return_value
