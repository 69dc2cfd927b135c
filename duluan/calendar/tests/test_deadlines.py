"""Deadlines on real dates: Tết, 30/4–1/5, 2/9, weekend ends, variants, overrides, bad input."""

import json
from dataclasses import replace
from datetime import date

import pytest

from duluan.calendar import (
    CalendarOverride,
    DayKind,
    ExtensionError,
    InvalidDateError,
    Unit,
    UnknownKindError,
    UnknownStepError,
    WorkCalendar,
    compute_deadline,
    default_limits,
)
from duluan.calendar.deadlines import NOTE_NO_REMOTE_VI, NOTE_UNVERIFIED_VI


def test_denunciation_accepted_across_tet_2026():
    # given a denunciation received on Tuesday 10/02/2026, four days before Tết Bính Ngọ
    # when
    deadline = compute_deadline(kind="denunciation", step="accept", start=date(2026, 2, 10))
    # then 7 working days: 11, 12, 13, 23, 24, 25, 26 February
    assert deadline.due == date(2026, 2, 26)
    assert deadline.unit is Unit.WORKING
    assert deadline.rule_id == "denunciation.accept"
    tet = [d.date for d in deadline.skipped if d.kind is DayKind.HOLIDAY]
    assert tet == [date(2026, 2, d) for d in range(16, 21)]
    assert all(not d.working for d in deadline.skipped)
    assert deadline.explanation_vi == (
        "Tiếp nhận, xử lý ban đầu và thụ lý tố cáo: 7 ngày làm việc kể từ ngày nhận được tố cáo 10/02/2026 "
        "(không tính ngày bắt đầu), không tính 14–22/02/2026 (Tết Nguyên Đán), hạn: 26/02/2026 — "
        "căn cứ khoản 1 Điều 24 Luật Tố cáo 2018 (số 25/2018/QH14)."
    )
    assert "excluding 14–22/02/2026 (Tết holiday); due 26/02/2026" in deadline.explanation_en


def test_denunciation_accepted_across_tet_2025():
    # given received Friday 24/01/2025; Tết Ất Tỵ closes offices 25/01–02/02/2025
    deadline = compute_deadline(kind="denunciation", step="accept", start="2025-01-24")
    # then 3, 4, 5, 6, 7, 10, 11 February
    assert deadline.due == date(2025, 2, 11)
    assert "25/01–02/02/2025 (Tết Nguyên Đán)" in deadline.explanation_vi
    assert "thứ Bảy, Chủ nhật và 25/01–02/02/2025" in deadline.explanation_vi


def test_complaint_accepted_with_the_end_inside_tet_moves_past_it():
    # 10 calendar days from 10/02/2026 end on Friday 20/02, inside Tết → Monday 23/02
    deadline = compute_deadline(kind="complaint1", step="accept", start="2026-02-10")
    assert deadline.nominal_end == date(2026, 2, 20)
    assert deadline.due == date(2026, 2, 23)
    assert deadline.moved
    assert [d.date for d in deadline.skipped] == [date(2026, 2, d) for d in (20, 21, 22)]
    assert "ngày cuối 20/02/2026 rơi vào ngày nghỉ 14–22/02/2026 (Tết Nguyên Đán)" in deadline.explanation_vi
    assert "Điều 148 Bộ luật Dân sự 2015" in deadline.explanation_vi


def test_a_weekend_end_moves_to_monday():
    # 30 days from 02/01/2026 end on Sunday 01/02/2026
    deadline = compute_deadline(kind="complaint1", step="resolve", start=date(2026, 1, 2))
    assert deadline.due == date(2026, 2, 2)
    assert [d.kind for d in deadline.skipped] == [DayKind.WEEKEND]
    assert (
        "ngày cuối 01/02/2026 là Chủ nhật nên hạn chuyển sang ngày làm việc tiếp theo"
        in deadline.explanation_vi
    )
    assert "the last day 01/02/2026 is a Sunday" in deadline.explanation_en


def test_a_calendar_end_on_a_working_day_stays():
    deadline = compute_deadline(kind="complaint1", step="resolve", start=date(2026, 6, 1))
    assert deadline.due == deadline.nominal_end == date(2026, 7, 1)
    assert deadline.skipped == ()
    assert not deadline.moved


@pytest.mark.parametrize(
    ("kind", "remote", "complex_case", "days", "due"),
    [
        ("complaint1", False, False, 30, date(2026, 7, 1)),
        ("complaint1", False, True, 45, date(2026, 7, 16)),
        ("complaint1", True, False, 45, date(2026, 7, 16)),
        ("complaint1", True, True, 60, date(2026, 7, 31)),
        ("complaint2", False, False, 45, date(2026, 7, 16)),
        ("complaint2", False, True, 60, date(2026, 7, 31)),
        ("complaint2", True, False, 60, date(2026, 7, 31)),
        ("complaint2", True, True, 70, date(2026, 8, 10)),
    ],
)
def test_complaint_resolution_remote_and_complex_variants(kind, remote, complex_case, days, due):
    deadline = compute_deadline(
        kind=kind, step="resolve", start=date(2026, 6, 1), remote=remote, complex=complex_case
    )
    assert (deadline.days, deadline.due) == (days, due)
    assert (deadline.remote, deadline.complex) == (remote, complex_case)
    if remote:
        assert "vùng sâu, vùng xa đi lại khó khăn" in deadline.explanation_vi
    if complex_case:
        assert "vụ việc phức tạp" in deadline.explanation_vi


def test_denunciation_resolution_extensions():
    start = date(2026, 1, 5)
    # plain: 30 days → Wednesday 04/02/2026
    assert compute_deadline(kind="denunciation", step="resolve", start=start).due == date(2026, 2, 4)
    # complex: one extension of 30 days → Friday 06/03/2026
    complex_case = compute_deadline(kind="denunciation", step="resolve", start=start, complex=True)
    assert (complex_case.days, complex_case.extensions, complex_case.due) == (60, 1, date(2026, 3, 6))
    assert "gồm 1 lần gia hạn, mỗi lần 30 ngày" in complex_case.explanation_vi
    # especially complex: two extensions → Sunday 05/04/2026 moved to Monday 06/04/2026
    special = compute_deadline(kind="denunciation", step="resolve", start=start, extensions=2)
    assert (special.days, special.nominal_end, special.due) == (90, date(2026, 4, 5), date(2026, 4, 6))


def test_too_many_or_unlawful_extensions_are_refused():
    with pytest.raises(ExtensionError) as caught:
        compute_deadline(kind="denunciation", step="resolve", start="2026-01-05", extensions=3)
    assert "tối đa 2 lần" in str(caught.value)
    with pytest.raises(ExtensionError):
        compute_deadline(kind="complaint1", step="resolve", start="2026-01-05", extensions=1)
    with pytest.raises(ExtensionError):
        compute_deadline(kind="denunciation", step="resolve", start="2026-01-05", extensions=-1)


def test_denunciation_acceptance_extended_for_verification_in_several_places():
    deadline = compute_deadline(kind="denunciation", step="accept", start=date(2026, 3, 2), complex=True)
    assert deadline.days == 10
    assert deadline.due == date(2026, 3, 16)
    assert "xác minh tại nhiều địa điểm" in deadline.explanation_vi


def test_a_flag_the_law_does_not_know_is_noted_not_silently_dropped():
    deadline = compute_deadline(kind="denunciation", step="resolve", start=date(2026, 1, 5), remote=True)
    assert deadline.days == 30
    assert not deadline.remote
    assert deadline.notes_vi == (NOTE_NO_REMOTE_VI,)
    assert NOTE_NO_REMOTE_VI in deadline.explanation_vi


def test_30_april_1_may_2025_counts_the_make_up_saturday():
    # received Friday 25/04/2025: 26/04 (worked Saturday), 28, 29/04, then 30/04–04/05 off, 5–8/05
    deadline = compute_deadline(kind="denunciation", step="accept", start=date(2025, 4, 25))
    assert deadline.due == date(2025, 5, 8)
    assert [d.date for d in deadline.extra_working] == [date(2025, 4, 26)]
    assert "có tính 26/04/2025 (Ngày làm bù cho ngày nghỉ 02/05/2025)" in deadline.explanation_vi
    assert "30/04–04/05/2025 (Ngày Chiến thắng, Ngày Quốc tế Lao động" in deadline.explanation_vi


def test_national_day_2025_and_2026():
    # 2025: received Thursday 28/08; 30/08–02/09 off
    assert compute_deadline(kind="denunciation", step="accept", start="2025-08-28").due == date(2025, 9, 10)
    # 2026: 10 days from 20/08 end on Sunday 30/08 inside 29/08–02/09 → Thursday 03/09
    deadline = compute_deadline(kind="complaint2", step="accept", start="2026-08-20")
    assert deadline.due == date(2026, 9, 3)
    assert "29/08–02/09/2026" in deadline.explanation_vi
    assert "Quốc khánh" in deadline.explanation_vi


def test_local_overrides_change_the_deadline():
    # given the province closes offices on Wednesday 11/03/2026 and works Saturday 14/03/2026
    cal = WorkCalendar(
        [
            CalendarOverride(date(2026, 3, 11), False, "Nghỉ phòng chống bão số 3", "Storm closure"),
            CalendarOverride(date(2026, 3, 14), True, "Làm việc thứ Bảy", "Working Saturday"),
        ]
    )
    # when
    plain = compute_deadline(kind="denunciation", step="accept", start=date(2026, 3, 9))
    local = compute_deadline(kind="denunciation", step="accept", start=date(2026, 3, 9), calendar=cal)
    # then
    assert plain.due == date(2026, 3, 18)
    assert local.due == date(2026, 3, 18)  # one day lost, one gained
    assert "11/03/2026 (Nghỉ phòng chống bão số 3)" in local.explanation_vi
    assert "14/03/2026 (Làm việc thứ Bảy)" in local.explanation_vi
    closed = WorkCalendar([CalendarOverride(date(2026, 3, 11), False, "Nghỉ phòng chống bão số 3")])
    assert compute_deadline(
        kind="denunciation", step="accept", start="2026-03-09", calendar=closed
    ).due == date(2026, 3, 19)


def test_rules_passed_as_plain_data_replace_the_shipped_ones():
    # given the province counts complaint acceptance in working days
    rules = [
        replace(limit, unit=Unit.WORKING) if limit.id == "complaint1.accept" else limit
        for limit in default_limits()
    ]
    # when
    deadline = compute_deadline(kind="complaint1", step="accept", start=date(2026, 2, 10), limits=rules)
    # then 11, 12, 13, 23, 24, 25, 26, 27 Feb, 2, 3 Mar
    assert deadline.due == date(2026, 3, 3)
    assert "10 ngày làm việc" in deadline.explanation_vi


def test_an_unverified_rule_says_so():
    deadline = compute_deadline(kind="feedback", step="resolve", start=date(2026, 3, 2))
    assert NOTE_UNVERIFIED_VI in deadline.explanation_vi
    assert deadline.to_dict()["verified"] is False


def test_impossible_dates_are_refused():
    with pytest.raises(InvalidDateError) as caught:
        compute_deadline(kind="complaint1", step="resolve", start="2026-02-30")
    assert "'2026-02-30'" in str(caught.value)
    assert "tháng 02/2026 chỉ có 28 ngày" in str(caught.value)


def test_unknown_kind_or_step_is_refused():
    with pytest.raises(UnknownKindError):
        compute_deadline(kind="khieu-nai", step="resolve", start="2026-02-10")
    with pytest.raises(UnknownStepError):
        compute_deadline(kind="complaint1", step="review", start="2026-02-10")


def test_deadline_is_traceable_as_plain_data():
    deadline = compute_deadline(kind="complaint1", step="accept", start="2026-02-10")
    data = json.loads(json.dumps(deadline.to_dict(), ensure_ascii=False))
    assert data["due"] == "2026-02-23"
    assert data["rule_id"] == "complaint1.accept"
    assert data["source_vi"] == "Điều 27 Luật Khiếu nại 2011 (số 02/2011/QH13)"
    first = data["skipped"][0]
    assert first.pop("source").startswith("holidays ")
    assert first == {
        "date": "2026-02-20",
        "working": False,
        "kind": "holiday",
        "reason_vi": "Mùng bốn Tết Nguyên Đán",
        "reason_en": "Fourth Day of Lunar New Year",
    }
