"""The case page (timeline, deadlines, routing), the user audit page, notifications, the API."""

from __future__ import annotations

import json

from django.test import Client

from duluan.apps.cases.models import Case, Status
from duluan.apps.cases.services import ACTIONS, case_note_add
from duluan.apps.core.html_checks import form_problems

from .conftest import moment


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_shows_deadlines_routing_and_the_timeline_of_events_and_notes(demo, open_case):
    # given a case accepted by the officer, with an internal note and a public update
    officer = demo["canbo.nnmt"]
    case = open_case(received_at=moment("2026-02-10"))
    case = ACTIONS["accept"].execute(case=case, actor=officer, now=moment("2026-02-12"))
    case_note_add(case=case, actor=officer, text="Đã gọi điện cho trưởng thôn.")
    case_note_add(case=case, actor=officer, text="Đoàn kiểm tra sẽ đến vào thứ Hai.", public=True)

    # when the head opens it
    html = login(demo["lanhdao.nnmt"]).get(f"/cases/{case.pk}/").content.decode()

    # then the deadlines explain themselves (rule, skipped Tết) and the routing rule is named
    assert "03/03/2026" in html and "feedback.accept" in html and "Tết" in html
    assert "Môi trường → Sở Nông nghiệp và Môi trường" in html
    # and the timeline lists the audit events and both kinds of notes, in order
    timeline = html[html.index('data-testid="timeline"') :]
    for text in (
        "case.open",
        "case.accept",
        "Đã gọi điện cho trưởng thôn.",
        "Đoàn kiểm tra sẽ đến vào thứ Hai.",
    ):
        assert text in timeline
    assert timeline.index("case.open") < timeline.index("case.accept")
    # and the citizen sees only the public update
    public = Client().get(f"/cases/track/{case.code}/").content.decode()
    assert "Đoàn kiểm tra" in public and "trưởng thôn" not in public


def test_a_form_action_that_is_not_allowed_now_answers_with_a_message_and_changes_nothing(demo, open_case):
    case = open_case()
    client = login(demo["canbo.nnmt"])
    response = client.post(f"/cases/{case.pk}/act/publish/", {"version": case.version})
    assert response.status_code == 400
    assert "Không thể công khai trả lời" in response.content.decode()
    stale = client.post(f"/cases/{case.pk}/act/accept/", {"version": case.version + 5})
    assert stale.status_code == 409 and "tải lại trang" in stale.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.version == 1


def test_the_user_audit_page_lists_what_a_user_did(demo, open_case):
    officer = demo["canbo.nnmt"]
    case = open_case()
    ACTIONS["accept"].execute(case=case, actor=officer, now=moment("2026-03-03"))
    html = login(demo["dieuphoi"]).get(f"/cases/audit/user/{officer.pk}/").content.decode()
    assert "case.accept" in html and f"/cases/{case.pk}/" in html
    assert login(demo["lanhdao.nnmt"]).get(f"/cases/audit/user/{officer.pk}/").status_code == 403
    assert login(demo["quantri"]).get("/cases/audit/user/999999/").status_code == 404


def test_notifications_list_assignments_and_can_be_marked_read(demo, open_case):
    officer = demo["canbo.nnmt"]
    case = open_case()
    case = ACTIONS["accept"].execute(case=case, actor=officer, now=moment("2026-03-03"))
    ACTIONS["assign"].execute(
        case=case, actor=demo["lanhdao.nnmt"], now=moment("2026-03-03"), assignee=officer
    )
    client = login(officer)
    assert f"phân công xử lý hồ sơ {case.code}" in client.get("/cases/notifications/").content.decode()
    assert 'data-testid="unread"' in client.get("/cases/").content.decode()
    client.post("/cases/notifications/")
    assert 'data-testid="unread"' not in client.get("/cases/").content.decode()


def test_the_api_runs_the_same_actions_with_the_same_refusals(demo, open_case):
    case = open_case()
    client = login(demo["canbo.nnmt"])

    def post(action, **body):
        return client.post(
            f"/api/cases/{case.pk}/actions/{action}", json.dumps(body), content_type="application/json"
        )

    wrong = post("publish", version=1)
    assert wrong.status_code == 400 and "Không thể" in wrong.json()["detail"]
    ok = post("accept", version=1)
    assert ok.status_code == 200 and ok.json()["status"] == "accepted" and ok.json()["version"] == 2
    assert ok.json()["resolve_deadline"]["rule_id"] == "feedback.resolve"
    stale = post("decline", version=1, decline_reason="expired", reason="x")
    assert stale.status_code == 409
    listed = client.get("/api/cases/").json()
    assert [row["code"] for row in listed] == [case.code]
    public = Client().get(f"/api/cases/track/{case.code}").json()
    assert public["status"] == "accepted" and "complainant" not in json.dumps(public)
    assert Case.objects.get(pk=case.pk).version == 2


def test_the_case_page_names_every_field_of_its_forms_once(demo, open_case):
    # given an accepted case, whose page holds a form for each action the head may take
    case = ACTIONS["accept"].execute(case=open_case(), actor=demo["canbo.nnmt"], now=moment("2026-02-12"))
    # when the head opens it
    html = login(demo["lanhdao.nnmt"]).get(f"/cases/{case.pk}/").content.decode()
    # then its forms are several, and no id is used twice nor any field left without a label
    assert html.count('data-testid="action-') >= 2
    assert form_problems(html) == []
