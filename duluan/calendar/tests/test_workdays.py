"""The working-day calendar on real Vietnamese holidays, swaps and local overrides."""

import json
from datetime import date

import pytest

from duluan.calendar import (
    CalendarError,
    CalendarOverride,
    DateOutOfRangeError,
    DayKind,
    OverrideError,
    WorkCalendar,
    load_overrides,
    parse_overrides,
    working_days_between,
)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]


def test_tet_2025_is_off_from_27_to_31_january(cal):
    # given Tết Ất Tỵ: 25/01–02/02/2025, five weekdays off
    for day in days(date(2025, 1, 25), date(2025, 2, 2)):
        assert not cal.is_working_day(day), day
    # then the first working day after is Monday 03/02/2025
    assert cal.is_working_day(date(2025, 1, 24))
    assert cal.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    status = cal.status(date(2025, 1, 29))
    assert status.kind is DayKind.HOLIDAY
    assert status.group_vi == "Tết Nguyên Đán"


def test_tet_2026_is_off_from_16_to_20_february(cal):
    # Tết Bính Ngọ: 14/02–22/02/2026 (nine days with the two weekends)
    for day in days(date(2026, 2, 14), date(2026, 2, 22)):
        assert not cal.is_working_day(day), day
    assert [cal.status(d).kind for d in days(date(2026, 2, 16), date(2026, 2, 20))] == [DayKind.HOLIDAY] * 5
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_30_april_1_may_2025_with_the_make_up_saturday(cal):
    # 30/04–04/05/2025 off; Friday 02/05 swapped with Saturday 26/04, which is worked
    assert cal.is_working_day(date(2025, 4, 26))
    assert cal.status(date(2025, 4, 26)).kind is DayKind.MAKEUP_WORKDAY
    assert "02/05/2025" in cal.status(date(2025, 4, 26)).reason_vi
    for day in days(date(2025, 4, 30), date(2025, 5, 4)):
        assert not cal.is_working_day(day), day
    assert "26/04/2025" in cal.status(date(2025, 5, 2)).reason_vi
    assert cal.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)
    assert cal.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)


def test_national_day_2025_and_2026(cal):
    # 2025: Saturday 30/08 to Tuesday 02/09
    for day in days(date(2025, 8, 30), date(2025, 9, 2)):
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(date(2025, 9, 3))
    # 2026: Monday 31/08 swapped with Saturday 22/08; 01–02/09 National Day
    assert cal.is_working_day(date(2026, 8, 22))
    for day in days(date(2026, 8, 29), date(2026, 9, 2)):
        assert not cal.is_working_day(day), day
    assert cal.status(date(2026, 9, 2)).group_vi == "Quốc khánh"


def test_new_year_2026_swap_is_shipped_as_an_override(cal):
    # given the government's swap (12729/VPCP-KGVX): 02/01/2026 off, Saturday 10/01/2026 worked
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.status(date(2026, 1, 2)).kind is DayKind.OVERRIDE_OFF
    assert "12729/VPCP-KGVX" in cal.status(date(2026, 1, 2)).source
    assert cal.is_working_day(date(2026, 1, 10))
    # when the shipped announcements are turned off, the bare package calendar remains
    bare = WorkCalendar(shipped_overrides=False)
    assert bare.is_working_day(date(2026, 1, 2))
    assert not bare.is_working_day(date(2026, 1, 10))


def test_weekends_are_off_and_weekdays_are_working(cal):
    assert cal.status(date(2026, 3, 7)).kind is DayKind.WEEKEND
    assert cal.status(date(2026, 3, 8)).reason_vi == "Chủ nhật"
    assert cal.status(date(2026, 3, 9)).kind is DayKind.WEEKDAY
    assert cal.is_working_day(date(2026, 3, 9))


def test_local_overrides_add_days_off_and_working_days():
    # given Bắc Ninh closes offices for a storm and opens a Sunday, and re-opens a shipped day off
    local = [
        CalendarOverride(
            date(2026, 3, 10), False, "Nghỉ phòng chống bão", source="QĐ giả định của UBND tỉnh"
        ),
        CalendarOverride(date(2026, 3, 15), True, "Làm việc ngày Chủ nhật"),
        CalendarOverride(date(2026, 1, 2), True, "Tỉnh làm việc ngày 02/01/2026"),
    ]
    cal = WorkCalendar(local)
    # then
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.status(date(2026, 3, 10)).kind is DayKind.OVERRIDE_OFF
    assert cal.status(date(2026, 3, 10)).reason_en == "Nghỉ phòng chống bão"
    assert cal.is_working_day(date(2026, 3, 15))
    assert cal.status(date(2026, 3, 15)).kind is DayKind.OVERRIDE_WORKING
    assert cal.is_working_day(date(2026, 1, 2))  # local wins over the shipped announcement
    assert cal.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    assert cal.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 15)


def test_add_calendar_days_moves_a_weekend_end_to_monday(cal):
    # 02/01/2026 + 30 days = Sunday 01/02/2026 → Monday 02/02/2026
    assert cal.add_calendar_days(date(2026, 1, 2), 30) == date(2026, 2, 2)
    # an end on a working day stays
    assert cal.add_calendar_days(date(2026, 1, 5), 30) == date(2026, 2, 4)
    # an end inside Tết 2026 moves past it
    assert cal.add_calendar_days(date(2026, 2, 10), 10) == date(2026, 2, 23)


def test_add_working_days_does_not_count_the_start_day(cal):
    assert cal.add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert cal.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday → Monday
    assert cal.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)  # from a Saturday


def test_working_days_between(cal):
    assert working_days_between(date(2026, 2, 10), date(2026, 2, 26)) == 7
    assert cal.working_days_between(date(2026, 2, 26), date(2026, 2, 10)) == -7
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0


def test_days_off_between_lists_reasons(cal):
    off = cal.days_off_between(date(2026, 2, 13), date(2026, 2, 23))
    assert [d.date for d in off] == days(date(2026, 2, 14), date(2026, 2, 22))
    assert {d.group_vi for d in off if d.kind is DayKind.HOLIDAY} == {"Tết Nguyên Đán"}


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_counts_must_be_non_negative_integers(cal, n):
    with pytest.raises(CalendarError):
        cal.add_working_days(date(2026, 3, 9), n)
    with pytest.raises(CalendarError):
        cal.add_calendar_days(date(2026, 3, 9), n)


def test_years_outside_the_holiday_data_are_refused(cal):
    with pytest.raises(DateOutOfRangeError) as caught:
        cal.is_working_day(date(1990, 1, 1))
    assert "01/01/1990" in str(caught.value)
    with pytest.raises(DateOutOfRangeError):
        cal.is_working_day(date(2100, 1, 1))


def test_overrides_load_from_json(tmp_path):
    # given
    path = tmp_path / "local.json"
    path.write_text(
        json.dumps(
            {
                "overrides": [
                    {
                        "date": "2026-03-10",
                        "working": False,
                        "reason_vi": "Nghỉ bão",
                        "source": "QĐ 1/QĐ-UBND",
                    },
                    {"date": "15/03/2026", "working": True, "reason_vi": "Làm bù", "reason_en": "Make-up"},
                ]
            }
        ),
        encoding="utf-8",
    )
    # when
    overrides = load_overrides(path)
    # then
    assert [o.date for o in overrides] == [date(2026, 3, 10), date(2026, 3, 15)]
    assert overrides[1].reason_en == "Make-up"
    assert parse_overrides([o.to_dict() for o in overrides]) == overrides
    assert {o.date for o in load_overrides()} >= {date(2026, 1, 2), date(2026, 1, 10)}


@pytest.mark.parametrize(
    "item",
    [
        {"date": "2026-02-30", "working": False, "reason_vi": "x"},
        {"date": "2026-03-10", "working": "no", "reason_vi": "x"},
        {"date": "2026-03-10", "working": False, "reason_vi": " "},
        {"date": "2026-03-10", "working": False},
    ],
)
def test_bad_overrides_are_refused_with_a_reason(item):
    with pytest.raises(OverrideError) as caught:
        parse_overrides([item])
    assert "Ngày điều chỉnh lịch không hợp lệ" in str(caught.value)
