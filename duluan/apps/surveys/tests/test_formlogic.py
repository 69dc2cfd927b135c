"""Skip logic, required answers, types, constraints and calculations are enforced on the server."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.apps.surveys.formlogic import REQUIRED, apply_logic
from duluan.apps.surveys.xlsform import parse_xlsform

from .xlsforms import LIKERT, YESNO, xlsform


@pytest.fixture(scope="module")
def instrument():
    survey = [
        ["select_one yn", "used", "Đã dùng dịch vụ?", "yes"],
        ["begin group", "svc", "Dịch vụ", "", "${used} = 'co'"],
        ["select_one l5", "q1", "Hài lòng?", "yes"],
        ["integer", "times", "Số lần", "yes", "", ". >= 1 and . <= 50", "Từ 1 đến 50"],
        ["end group", "", ""],
        ["select_multiple wish", "wish", "Mong muốn", "", "", "count-selected(.) <= 2"],
        ["decimal", "cost", "Chi phí", "", "selected(${wish}, 'fee')"],
        ["date", "day", "Ngày", "", "", ". <= today()"],
        ["text", "note", "Ghi chú", "${used} = 'khong'"],
        ["calculate", "n_wish", "", "", "", "", "", "count-selected(${wish})"],
    ]
    choices = [*YESNO, *LIKERT, ["wish", "fast", "Nhanh"], ["wish", "fee", "Rẻ"], ["wish", "kind", "Tử tế"]]
    return parse_xlsform(xlsform(survey, choices))


def run(instrument, raw, **kw):
    return apply_logic(instrument, raw, today=date(2026, 11, 29), **kw)


def test_a_question_in_a_hidden_group_is_neither_required_nor_kept(instrument):
    # when the respondent did not use the service but answered its questions anyway
    state = run(instrument, {"used": "khong", "q1": "5", "times": "3", "note": "ok"})
    # then the service group is hidden, its answers dropped and nothing there is required
    assert state.relevant["q1"] is False and state.relevant["times"] is False
    assert "q1" not in state.answers and "times" not in state.answers
    assert state.is_valid, state.errors


def test_required_answers_and_constraints_of_shown_questions(instrument):
    state = run(instrument, {"used": "co", "times": "70"})
    assert state.errors == {"q1": REQUIRED, "times": "Từ 1 đến 50"}


def test_a_draft_skips_required_checks_but_not_constraints(instrument):
    state = run(instrument, {"used": "co", "times": "0"}, check_required=False)
    assert state.errors == {"times": "Từ 1 đến 50"}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"q1": "7"}, "q1", "“7” không phải lựa chọn của câu hỏi này."),
        ({"times": "2.5"}, "times", "Cần một số nguyên."),
        ({"times": "ba"}, "times", "Cần một số nguyên."),
        ({"wish": ["fast", "nope"]}, "wish", "“nope” không phải lựa chọn của câu hỏi này."),
        (
            {"wish": ["fast", "fee", "kind"]},
            "wish",
            "Câu trả lời không thỏa điều kiện (count-selected(.) <= 2).",
        ),
        ({"wish": "fee", "cost": "abc"}, "cost", "Cần một số."),
        ({"day": "2026-13-01"}, "day", "Cần một ngày theo dạng năm-tháng-ngày (yyyy-mm-dd)."),
        ({"day": "2027-01-01"}, "day", "Câu trả lời không thỏa điều kiện (. <= today())."),
    ],
)
def test_out_of_range_answers_are_refused(instrument, raw, field, message):
    state = run(instrument, {"used": "co", "q1": "4", "times": "2", **raw})
    assert state.errors[field] == message


def test_select_multiple_is_stored_space_separated_and_calculations_run(instrument):
    state = run(instrument, {"used": "khong", "wish": ["fee", "fast"], "cost": "12,5"})
    assert state.answers["wish"] == "fee fast"
    assert state.answers["cost"] == "12.5"  # a decimal comma is accepted
    assert state.answers["n_wish"] == "2"
    # and a relevant that depends on a choice shows the question only when chosen
    assert run(instrument, {"used": "khong", "wish": ["fast"]}).relevant["cost"] is False
