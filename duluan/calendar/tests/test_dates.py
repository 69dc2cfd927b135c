"""Reading dates as people write them, and refusing days that do not exist."""

from datetime import date, datetime

import pytest

from duluan.calendar import InvalidDateError, format_date, format_range, parse_date
from duluan.calendar.errors import MSG_BAD_DAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-10", date(2026, 2, 10)),
        ("10/02/2026", date(2026, 2, 10)),
        ("1/2/2026", date(2026, 2, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        (" 2026-12-31 ", date(2026, 12, 31)),
    ],
)
def test_parse_date_reads_iso_and_vietnamese_forms(text, expected):
    assert parse_date(text) == expected


def test_parse_date_passes_dates_through_and_drops_the_time():
    assert parse_date(date(2026, 2, 10)) == date(2026, 2, 10)
    assert parse_date(datetime(2026, 2, 10, 15, 30)) == date(2026, 2, 10)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2026-02-30", MSG_BAD_DAY.format(month=2, year=2026, days=28)),
        ("2025-02-29", MSG_BAD_DAY.format(month=2, year=2025, days=28)),
        ("2026-04-31", MSG_BAD_DAY.format(month=4, year=2026, days=30)),
        ("31/06/2026", MSG_BAD_DAY.format(month=6, year=2026, days=30)),
        ("2026-13-01", "không có tháng 13"),
        ("2026-00-10", "không có tháng 0"),
        ("2026-01-00", MSG_BAD_DAY.format(month=1, year=2026, days=31)),
        ("hôm qua", "không đúng dạng ngày"),
        ("2026/02/10", "không đúng dạng ngày"),
        ("", "không đúng dạng ngày"),
    ],
)
def test_parse_date_names_the_bad_value_and_why(text, why):
    # when
    with pytest.raises(InvalidDateError) as caught:
        parse_date(text)
    # then
    assert caught.value.value == text
    assert caught.value.why == why
    assert repr(text) in str(caught.value)
    assert why in str(caught.value)


def test_format_date_is_dd_mm_yyyy():
    assert format_date(date(2026, 2, 5)) == "05/02/2026"


@pytest.mark.parametrize(
    ("first", "last", "text"),
    [
        (date(2026, 2, 14), date(2026, 2, 22), "14–22/02/2026"),
        (date(2025, 4, 30), date(2025, 5, 4), "30/04–04/05/2025"),
        (date(2025, 12, 29), date(2026, 1, 4), "29/12/2025–04/01/2026"),
        (date(2026, 9, 2), date(2026, 9, 2), "02/09/2026"),
    ],
)
def test_format_range_is_compact(first, last, text):
    assert format_range(first, last) == text
