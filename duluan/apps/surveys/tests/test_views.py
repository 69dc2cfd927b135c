"""Pages: who sees what, the respondent's questionnaire with htmx, uploads with clear errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duluan.apps.accounts.models import User
from duluan.apps.surveys.models import Invitation, InvitationStatus, Response

from .conftest import full_answers
from .xlsforms import xlsform

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(seeded, client):
    client.force_login(User.objects.get(username="phantich"))
    return client


def test_officials_only(seeded, client):
    response = client.get("/surveys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # an officer of another agency does not learn that the round exists
    client.force_login(User.objects.get(username="canbo.nnmt"))
    assert client.get("/surveys/dot/hl-xa-2026/xep-hang/").status_code == 404
    assert client.get("/api/surveys/rounds/hl-xa-2026/results").status_code == 404


def test_the_analyst_sees_the_ranking_with_intervals(analyst):
    page = analyst.get("/surveys/dot/hl-xa-2026/xep-hang/").content.decode()
    assert 'data-testid="ranking-chart"' in page and "<svg" in page
    assert page.count('data-testid="ranking-row"') == 30
    assert "GIẢ LẬP" in page  # the synthetic frame says so
    assert "Thay đổi so với 2025" in page
    mapped = analyst.get("/surveys/dot/hl-xa-2026/ban-do/").content.decode()
    assert mapped.count('class="sampled"') == 30 and mapped.count('class="unsampled"') == 69


def test_drill_down_to_items(analyst, seeded):
    from duluan.apps.surveys.models import SampledCommune

    code = SampledCommune.objects.filter(round__code="hl-xa-2026").first().frame_unit.unit.code
    page = analyst.get(f"/surveys/dot/hl-xa-2026/xa/{code}/").content.decode()
    assert "Công chức: Có thái độ giao tiếp lịch sự" in page and "Từng câu hỏi" in page
    assert analyst.get("/surveys/dot/hl-xa-2026/xa/00000/").status_code == 404


def test_downloads_and_api(analyst):
    xlsx = analyst.get("/surveys/dot/hl-xa-2026/ket-qua.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    docx = analyst.get("/surveys/dot/hl-xa-2026/bao-cao.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    data = analyst.get("/api/surveys/rounds/hl-xa-2026/results").json()
    assert len([r for r in data["communes"] if r["component"] == data["index"]]) == 30
    assert analyst.get("/api/surveys/sample-size?moe=2").status_code == 400


def test_sample_size_calculator(analyst):
    page = analyst.get("/surveys/co-mau/?moe=5&p=50&deff=2&population=3600000&conf=0.95").content.decode()
    # 1.96² · 0.25 / 0.05² = 384.1; × deff 2 = 768.3; the fpc barely changes it; Yamane gives 400
    assert "<b>769</b>" in page and "<b>400</b>" in page


def test_a_respondent_fills_the_questionnaire_with_htmx(seeded, client):
    invitation = Invitation.objects.filter(round__code="hl-xa-2026", status=InvitationStatus.PENDING).first()
    # given the code typed with spaces and in lower case
    start = client.post(
        "/surveys/tra-loi/", {"code": f" {invitation.code[:4].lower()} {invitation.code[4:]}"}
    )
    assert start["Location"] == f"/surveys/tra-loi/{invitation.code}/"
    url = start["Location"]
    # the service questions are hidden until the respondent says they used the service
    assert 'data-testid="q-tc1"' not in client.get(url).content.decode()
    shown = client.post(url, {"da_giao_dich": "co"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="q-tc1"' in shown
    # when they change their mind, the service questions disappear again
    partial = client.post(url, {"da_giao_dich": "khong"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="q-tc1"' not in partial and 'data-testid="q-hl_chung"' in partial
    assert "<html" not in partial
    # and the draft is kept for later
    assert Invitation.objects.get(pk=invitation.pk).draft["da_giao_dich"] == "khong"
    # when they submit a complete form they are thanked, and the code cannot be used again
    raw = full_answers(invitation.code, used=False)
    done = client.post(url, {**raw, "action": "submit"})
    assert done.status_code == 302 and done["Location"].endswith("/cam-on/")
    assert Response.objects.filter(invitation=invitation).exists()
    assert "Mã mời đã được dùng" in client.get(url).content.decode()


def test_an_unknown_code_is_refused_politely(client, seeded):
    page = client.post("/surveys/tra-loi/", {"code": "KHONGCO1"}).content.decode()
    assert "Không tìm thấy mã mời này" in page


def test_an_instrument_with_errors_is_explained(seeded, client):
    client.force_login(User.objects.get(username="dieuphoi"))
    bad = xlsform([["text", "a", "A", "", "${khong_co} = 1"]])
    page = client.post(
        "/surveys/bo-cau-hoi/nhap/", {"file": SimpleUploadedFile("x.xlsx", bad)}
    ).content.decode()
    assert "dòng 2, cột “relevant”" in page and "khong_co" in page


def test_a_frame_with_unknown_units_is_explained(seeded, client):
    client.force_login(User.objects.get(username="dieuphoi"))
    content = b"unit_code,scheme,population\n12345,2025,100\n"
    page = client.post(
        "/surveys/khung-mau/nhap/",
        {"name": "x", "year": 2026, "allow_missing": "on", "file": SimpleUploadedFile("f.csv", content)},
    ).content.decode()
    assert "Dòng 2: không có đơn vị mã 12345 trong hệ thống 2025." in page
