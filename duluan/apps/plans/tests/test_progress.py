"""The roll-up and status rule, on plain data."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.apps.plans.progress import (
    AT_RISK,
    DONE,
    NOT_STARTED,
    ON_TRACK,
    OVERDUE,
    Node,
    expected_progress,
    plan_rollup,
    rollup,
    status_of,
    weighted_mean,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_leaf_takes_reported_percent_and_parent_the_weighted_mean():
    # given a parent with children weighing 1 and 3, reported 100 % and 20 %
    nodes = [
        Node(1, None, D(1), START, END),
        Node(2, 1, D(1), START, END, D(100)),
        Node(3, 1, D(3), START, END, D(20)),
    ]
    # when
    result = rollup(nodes, as_of=date(2026, 3, 1))
    # then (100×1 + 20×3) / 4 = 40
    assert result[2].progress == D(100)
    assert result[3].progress == D(20)
    assert result[1].progress == D("40.0")


def test_unreported_leaf_counts_as_zero_and_is_flagged():
    result = rollup([Node(1, None, D(1), START, END)], as_of=date(2026, 2, 1))
    assert result[1].progress == 0
    assert result[1].has_reports is False


def test_zero_weights_fall_back_to_plain_mean():
    assert weighted_mean([(D(10), D(0)), (D(30), D(0))]) == D("20.0")
    assert weighted_mean([]) == 0


def test_plan_progress_is_weighted_mean_of_top_level_items():
    nodes = [
        Node(1, None, D(2), START, END, D(50)),
        Node(2, None, D(1), START, END, D(80)),
        Node(3, 2, D(1), START, END, D(80)),
    ]
    overall, _ = plan_rollup(nodes, as_of=date(2026, 6, 1))
    assert overall.progress == D("60.0")


def test_parent_dates_come_from_children():
    nodes = [
        Node(1, None, D(1), None, None),
        Node(2, 1, D(1), date(2026, 2, 1), date(2026, 5, 1), D(10)),
        Node(3, 1, D(1), date(2026, 3, 1), date(2026, 9, 1), D(10)),
    ]
    result = rollup(nodes, as_of=date(2026, 4, 1))
    assert (result[1].start, result[1].end) == (date(2026, 2, 1), date(2026, 9, 1))


@pytest.mark.parametrize(
    ("progress", "as_of", "status"),
    [
        (D(100), date(2027, 1, 5), DONE),
        (D(99), date(2027, 1, 5), OVERDUE),
        (D(0), date(2025, 12, 1), NOT_STARTED),
        (D(30), date(2026, 7, 2), AT_RISK),  # expected ≈ 50 %, 30 < 50 − 10
        (D(45), date(2026, 7, 2), ON_TRACK),  # within the tolerance
    ],
)
def test_status_rule(progress, as_of, status):
    assert status_of(progress=progress, start=START, end=END, as_of=as_of, tolerance=D(10))[0] == status


def test_items_without_dates_are_on_track_unless_done():
    assert (
        status_of(progress=D(0), start=None, end=None, as_of=date(2026, 5, 1), tolerance=D(10))[0] == ON_TRACK
    )


def test_expected_progress_is_linear_and_clipped():
    assert expected_progress(START, END, date(2025, 1, 1)) == 0
    assert expected_progress(START, END, date(2027, 1, 1)) == 100
    assert expected_progress(date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 6)) == D("50.0")
    assert expected_progress(None, END, date(2026, 5, 1)) is None


def test_cycle_is_refused():
    with pytest.raises(ValueError):
        rollup([Node(1, 2, D(1), None, None), Node(2, 1, D(1), None, None)], as_of=START)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=100, places=1), st.decimals(min_value=0, max_value=5, places=1)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_parent_lies_between_its_children(children):
    nodes = [Node(0, None, D(1), START, END)] + [
        Node(i + 1, 0, weight, START, END, value) for i, (value, weight) in enumerate(children)
    ]
    parent = rollup(nodes, as_of=date(2026, 6, 1))[0].progress
    values = [value for value, _ in children]
    assert min(values) - D("0.05") <= parent <= max(values) + D("0.05")
