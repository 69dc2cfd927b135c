"""Index per commune with design-based intervals, round-to-round changes, exports — on the demo rounds."""

from __future__ import annotations

import io

import numpy as np
import pytest
from docx import Document
from openpyxl import load_workbook

from duluan.apps.surveys import demo as surveys_demo
from duluan.apps.surveys import estimates, exports
from duluan.apps.surveys.models import Invitation, InvitationStatus, Response, Round
from duluan.apps.surveys.services import response_submit

from .conftest import full_answers

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
