"""The pages and the API, as each role sees them."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from duluan.apps.campaigns import services
from duluan.apps.campaigns.models import NoteStatus, OrientationNote, OutputStatus


@pytest.fixture
def as_user(client, demo):
    def login(username):
        client.force_login(demo[username])
        return client

    return login


def test_the_campaign_page_shows_facts_outputs_and_too_little_data(campaign, as_user):
    c = as_user("phantich")
    page = c.get(reverse("campaigns:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert campaign.title in html and "Phường Bắc Giang" in html
    assert "Chưa đủ dữ liệu để ước lượng" in html  # no signals: no number
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Ghi nhận sản phẩm" not in html  # analysts only read
    assert "Chưa có số liệu khảo sát" in html


def test_a_coordinator_records_a_delivered_output_and_bad_input_is_explained(campaign, as_user, channel):
    c = as_user("dieuphoi")
    url = reverse("campaigns:output_create", args=[campaign.pk])
    form = {
        "channel": channel("hoi-nghi").pk,
        "kind": "meeting",
        "title": "Hội nghị đối thoại",
        "planned_on": "2026-03-12",
        "planned_quantity": "1",
        "delivered": "on",
        "delivered_on": "2026-02-20",
        "attendance": "-3",
    }
    # when the dates and counts are impossible, the page says why and nothing is stored
    page = c.post(url, form)
    html = page.content.decode()
    assert page.status_code == 200
    assert services.ERROR_DELIVERED_BEFORE_START.format(day="20/02/2026", start="01/03/2026") in html
    assert services.ERROR_NEGATIVE.format(field="Số người tham dự") in html
    page = c.post(url, {**form, "channel": "", "delivered_on": "2026-03-12", "attendance": "180"})
    assert services.ERROR_NO_CHANNEL in page.content.decode()
    assert not campaign.outputs.exists()
    # when corrected, it is stored and shown
    page = c.post(url, {**form, "delivered_on": "2026-03-12", "attendance": "180"}, follow=True)
    output = campaign.outputs.get()
    assert (output.status, output.attendance) == (OutputStatus.DELIVERED, 180)
    assert "Hội nghị đối thoại" in page.content.decode()
    # and the calendar of March shows it, also as an htmx fragment
    cal = c.get(reverse("campaigns:calendar") + "?month=2026-03", HTTP_HX_REQUEST="true")
    assert cal.status_code == 200
    body = cal.content.decode()
    assert "Hội nghị đối thoại" in body and "<html" not in body and "03/2026" in body


def test_a_planned_output_is_marked_delivered_with_evidence(
    campaign, as_user, channel, demo, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    output = services.output_create(
        campaign=campaign,
        actor=demo["dieuphoi"],
        channel=channel("mang-xa-hoi"),
        kind="post",
        title="Video",
        planned_on=date(2026, 3, 8),
        today=date(2026, 11, 29),
    )
    c = as_user("canbo.btg")
    c.post(
        reverse("campaigns:output_deliver", args=[output.pk]), {"delivered_on": "2026-03-09", "reach": "900"}
    )
    output.refresh_from_db()
    assert (output.status, output.reach) == (OutputStatus.DELIVERED, 900)
    upload = SimpleUploadedFile("anh.pdf", b"%PDF-1.4", content_type="application/pdf")
    c.post(reverse("campaigns:evidence_add", args=[output.pk]), {"title": "Ảnh chụp", "file": upload})
    evidence = output.evidence.get()
    download = c.get(reverse("campaigns:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    # another agency's officer cannot see the campaign, its outputs or evidence
    other = as_user("canbo.nnmt")
    assert other.get(reverse("campaigns:campaign", args=[campaign.pk])).status_code == 404
    assert other.get(reverse("campaigns:evidence", args=[evidence.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, campaign):
    page = client.get(reverse("campaigns:campaign", args=[campaign.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_the_docx_report_is_in_the_state_format(campaign, as_user):
    from docx import Document

    response = as_user("dieuphoi").get(reverse("campaigns:docx", args=[campaign.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(cell.text for t in doc.tables[:1] for row in t.rows for cell in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "BAN TUYÊN GIÁO" in header
    assert "BÁO CÁO" in text and campaign.title in text
    assert "Chưa đủ dữ liệu để ước lượng" in text
    assert "Chưa có số liệu khảo sát" in text


def test_the_note_workflow_through_the_pages(demo, as_user, agency):
    c = as_user("dieuphoi")
    page = c.post(
        reverse("campaigns:note_create"),
        {
            "title": "Định hướng",
            "facts": "Sự việc",
            "position": "Quan điểm",
            "talking_points": "Ý 1\nÝ 2",
            "avoid": "Không nói A",
            "recipients": [agency("bn-xa-07210").pk],
        },
    )
    note = OrientationNote.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("campaigns:note", args=[note.pk])
    c.post(reverse("campaigns:note_submit", args=[note.pk]))
    head = as_user("lanhdao.vpubnd")
    assert "Duyệt" in head.get(reverse("campaigns:note", args=[note.pk])).content.decode()
    head.post(reverse("campaigns:note_approve", args=[note.pk]))
    as_user("dieuphoi").post(reverse("campaigns:note_deliver", args=[note.pk]))
    reader = as_user("canbo.bacgiang")
    assert "Xác nhận đã đọc" in reader.get(reverse("campaigns:note", args=[note.pk])).content.decode()
    reader.post(reverse("campaigns:note_acknowledge", args=[note.pk]))
    note.refresh_from_db()
    assert note.status == NoteStatus.DELIVERED
    page = reader.get(reverse("campaigns:note", args=[note.pk])).content.decode()
    assert "Bạn đã xác nhận đọc lúc" in page
    assert timezone.localtime(note.acknowledgements.get().at).strftime("%d/%m/%Y") in page
    assert reader.get(reverse("campaigns:notes")).status_code == 200


def test_the_api_lists_campaigns_and_their_effect(campaign, as_user):
    c = as_user("phantich")
    listed = c.get("/api/campaigns/").json()
    assert [x["id"] for x in listed] == [campaign.pk]
    detail = c.get(f"/api/campaigns/{campaign.pk}").json()
    assert detail["targeted_communes"] == 2
    assert {e["value"] for e in detail["estimates"]} == {None}
    assert all(e["reasons"] for e in detail["estimates"])
    assert as_user("canbo.nnmt").get(f"/api/campaigns/{campaign.pk}").status_code == 404


def test_the_index_and_the_create_page(campaign, as_user, agency, unit):
    c = as_user("dieuphoi")
    assert campaign.title in c.get(reverse("campaigns:index")).content.decode()
    page = c.post(
        reverse("campaigns:create"),
        {
            "title": "Chiến dịch mới",
            "theme": "Đất đai",
            "topic_codes": ["land"],
            "keywords": "thu hồi đất, bồi thường",
            "communes": [unit("07210").pk],
            "pre2025_codes": "07213",
            "start_on": "2026-05-01",
            "end_on": "2026-04-01",
            "lead_agency": agency("bn-vp-ubnd").pk,
        },
    )
    assert services.ERROR_END_BEFORE_START in page.content.decode()
    page = c.post(
        reverse("campaigns:create"),
        {
            "title": "Chiến dịch mới",
            "theme": "Đất đai",
            "topic_codes": ["land"],
            "keywords": "thu hồi đất, bồi thường",
            "communes": [unit("07210").pk],
            "pre2025_codes": "07213",
            "start_on": "2026-05-01",
            "end_on": "2026-05-31",
            "lead_agency": agency("bn-vp-ubnd").pk,
        },
    )
    assert page.status_code == 302
    from duluan.apps.campaigns.models import Campaign

    new = Campaign.objects.get(title="Chiến dịch mới")
    assert new.keywords == ["thu hồi đất", "bồi thường"]
    assert sorted((u.scheme, u.code) for u in new.target_units.all()) == [
        ("2025", "07210"),
        ("pre2025", "07213"),
    ]
    assert as_user("canbo.nnmt").get(reverse("campaigns:create")).status_code == 403


def test_the_command_prints_the_effect_or_why_there_is_none(campaign):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("campaign_effect", campaign.pk, stdout=out)
    text = out.getvalue()
    assert campaign.title in text
    assert "Trong: 01/03/2026 – 31/03/2026 (31 ngày)" in text
    assert "DiD share_negative (trong − trước): chưa đủ dữ liệu" in text


@pytest.mark.django_db
def test_a_delivered_note_links_its_issue_and_campaign_only_for_readers_who_may_open_them(
    demo, as_user, agency, campaign
):
    from duluan.apps.issues.models import Issue

    # given a note about an issue and a campaign of the propaganda board, delivered to a commune
    # that takes no part in the campaign and whose units the issue does not touch
    issue = Issue.objects.create(
        title="Thủ tục giấy tờ sau sáp nhập", topic="reorganisation", first_seen=timezone.now()
    )
    note = services.note_create(
        actor=demo["dieuphoi"],
        title="Định hướng về giấy tờ",
        issue=issue,
        campaign=campaign,
        facts="Phản ánh tăng.",
        position="Giấy tờ cũ vẫn có giá trị.",
        talking_points="Không phải đổi ngay.",
        recipients=[agency("bn-xa-07210")],
    )
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])
    services.note_deliver(note=note, actor=demo["dieuphoi"])
    issue_url, campaign_url = f"/issues/{issue.pk}/", f"/campaigns/{campaign.pk}/"
    for username, opens in (("canbo.bacgiang", False), ("dieuphoi", True)):
        client = as_user(username)
        # when each reads the note
        html = client.get(f"/campaigns/notes/{note.pk}/").content.decode()
        # then both are named, and linked exactly where the reader may open them
        assert issue.title in html and campaign.title in html
        for url in (issue_url, campaign_url):
            assert (f'href="{url}"' in html) is opens
            assert client.get(url).status_code == (200 if opens else 404)
