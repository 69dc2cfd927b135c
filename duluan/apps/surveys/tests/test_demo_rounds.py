"""The demo rounds, seeded once for this module: results with intervals, changes, exports, and the pages.

One module so the seeding (a few seconds) happens once per test worker."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from docx import Document
from openpyxl import load_workbook

from duluan.apps.accounts.models import User
from duluan.apps.geo.models import AdminUnit
from duluan.apps.surveys import demo as surveys_demo
from duluan.apps.surveys import estimates, exports
from duluan.apps.surveys.models import (
    FrameUnit,
    Invitation,
    InvitationStatus,
    Response,
    Round,
    SampledCommune,
    SampledVillage,
)
from duluan.apps.surveys.services import index_spec_upsert, response_submit

from .conftest import full_answers
from .xlsforms import xlsform

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(seeded, db):
    return Round.objects.get(code="hl-xa-2025"), Round.objects.get(code="hl-xa-2026")


def test_the_demo_ranks_thirty_communes_with_intervals(rounds):
    _, current = rounds
    results = estimates.round_results(current, use_cache=False)
    ranking = estimates.ranking(results)
    # then ~30 sampled communes are ranked, each estimate inside its interval
    assert len(ranking) == 30
    assert (ranking["ci_low"] <= ranking["estimate"]).all() and (
        ranking["estimate"] <= ranking["ci_high"]
    ).all()
    assert ranking["estimate"].is_monotonic_decreasing
    # and the simulated commune effects are real: some communes are clearly above, some below the province
    assert {"above", "below"} <= set(ranking["versus_province"])
    # and the weights were raked to the population margins given for the round
    assert results.raked and not results.warnings
    total = sum(current.margins["gioi_tinh"].values())
    assert results.respondents["final_weight"].sum() == pytest.approx(total)
    # and small samples are flagged
    assert (ranking["small_sample"] == (ranking["n"] < results.definition.min_n)).all()


def test_the_round_dataset_is_the_invitations_joined_to_their_samples_and_answers(rounds):
    # given both demo rounds, and what the ORM's one join of the same fields gives, in its order
    # (with the tables' statistics up to date: planned on statistics that still say the seeded
    # tables are empty, PostgreSQL ran that join for over five minutes in CI, 2026-12-02)
    with connection.cursor() as cursor:
        for table in (Invitation, Round, SampledVillage, SampledCommune, FrameUnit, AdminUnit, Response):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table._meta.db_table)}")
    for round_ in rounds:
        joined = pd.DataFrame(
            Invitation.objects.filter(round=round_).values_list(
                "pk",
                "p_total",
                "village_id",
                "village__commune__stratum",
                "village__commune__frame_unit__unit__code",
                "status",
                "response__answers",
            ),
            columns=estimates.DATASET_COLUMNS,
        )
        # when the dataset is read table by table
        data = estimates._dataset(round_)
        # then it is the same rows, values and order
        pd.testing.assert_frame_equal(data, joined)
        assert data["answers"].isna().any() and data["answers"].notna().any()


def test_a_commune_figure_traces_back_to_its_responses(rounds):
    _, current = rounds
    results = estimates.round_results(current, use_cache=False)
    name = results.definition.name
    row = estimates.ranking(results).iloc[0]
    people = results.respondents[results.respondents["commune"] == row["commune"]]
    scored = people[people[name].notna()]
    # the commune's index is the weighted mean of its respondents' scores
    assert row["estimate"] == pytest.approx(np.average(scored[name], weights=scored["final_weight"]))
    assert row["n"] == len(scored)
    # and each base weight is the inverse of the stored selection probability
    invitation = Invitation.objects.get(pk=int(people.iloc[0]["invitation"]))
    assert people.iloc[0]["base_weight"] == pytest.approx(1 / invitation.p_total)


def test_changes_between_rounds_are_tested(rounds):
    earlier, current = rounds
    province, communes = estimates.round_changes(
        estimates.round_results(current, use_cache=False), estimates.round_results(earlier, use_cache=False)
    )
    assert len(province) == 7  # six sub-indices and the index
    assert {"difference", "se", "p_value", "significant"} <= set(province.columns)
    # communes sampled in both rounds are compared; the simulated trends make some changes significant
    index_rows = communes[communes["component"] == surveys_demo.INDEX_DEFINITION["name"]]
    assert len(index_rows) >= 5
    assert index_rows["significant"].any()


def test_margins_that_do_not_agree_leave_a_clear_warning(rounds):
    _, current = rounds
    current.margins = {
        "gioi_tinh": {"nam": 1_000_000, "nu": 1_000_000},
        "nhom_tuoi": {"18_29": 5, "30_44": 5, "45_59": 5, "60": 5},
    }
    current.save(update_fields=["margins"])
    results = estimates.round_results(current, use_cache=False)
    assert not results.raked
    assert results.warnings[0].startswith("Không hiệu chỉnh được trọng số theo tổng thể biên (raking): ")


def test_results_follow_new_answers(rounds):
    _, current = rounds
    before = estimates.round_results(current)
    invitation = Invitation.objects.filter(round=current, status=InvitationStatus.PENDING).first()
    response_submit(invitation=invitation, raw=full_answers(invitation.code))
    after = estimates.round_results(current)
    assert after.weights["responded"] == before.weights["responded"] + 1


def test_exports_open_and_say_what_they_are(rounds):
    earlier, current = rounds
    results = estimates.round_results(current)
    previous = estimates.round_results(earlier)
    book = load_workbook(io.BytesIO(exports.results_xlsx(current, results, previous)))
    assert {"Toan tinh", "Xep hang xa", "Cau hoi", "Thay doi", "Trong so va diem", "Phuong phap"} <= set(
        book.sheetnames
    )
    assert book["Phuong phap"]["A2"].value == exports.SYNTHETIC_NOTE
    doc = Document(io.BytesIO(exports.results_docx(current, results, previous)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "BÁO CÁO" in text
    assert estimates.ranking(results).iloc[0]["name"] in cells
    assert exports.SYNTHETIC_NOTE in text


def test_the_demo_is_idempotent(rounds):
    responses = Response.objects.count()
    summary = surveys_demo.seed(progress=lambda *_: None)
    assert Response.objects.count() == responses
    assert "(0 mới)" in summary


def test_a_mean_score_index_is_shown_on_the_answer_scale(rounds, client):
    # given the index definition switched to mean scores (data, editable in the admin)
    _, current = rounds
    spec = current.index
    index_spec_upsert(code=spec.code, name=spec.name, definition={**spec.definition, "method": "mean_score"})
    current.refresh_from_db()
    # then estimates and intervals are on the 1–5 answer scale
    ranking = estimates.ranking(estimates.round_results(current, use_cache=False))
    assert ranking["ci_low"].ge(1).all() and ranking["ci_high"].le(5).all()
    assert ranking["estimate"].between(1, 5).all()
    client.force_login(User.objects.get(username="phantich"))
    page = client.get("/surveys/dot/hl-xa-2026/xep-hang/").content.decode()
    assert "Điểm trung bình" in page and "100%" not in page


# ---------------------------------------------------------------------- pages


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
    # (a margin so small the sample is infinite was a 500 error)
    assert analyst.get("/api/surveys/sample-size?moe=1e-300&p=0.5").status_code == 400


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


def test_the_admin_edits_index_definitions_and_keeps_drawn_designs(seeded, client):
    client.force_login(User.objects.get(username="quantri"))
    current = Round.objects.get(code="hl-xa-2026")
    page = client.get(f"/admin/surveys/round/{current.pk}/change/")
    assert page.status_code == 200
    assert 'name="n_villages"' not in page.content.decode()  # read-only once drawn
    spec = current.index
    # an index naming an item the engine cannot read is refused with the engine's message
    response = client.post(
        f"/admin/surveys/indexspec/{spec.pk}/change/",
        {
            "code": spec.code,
            "name": spec.name,
            "description": "",
            "definition": '{"name": "x", "subindices": []}',
        },
    )
    assert "has no sub-index" in response.content.decode()
