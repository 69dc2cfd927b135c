"""Properties that hold for every start day, count and rule (hypothesis)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.calendar import CalendarOverride, Unit, WorkCalendar, compute_deadline, default_limits

CAL = WorkCalendar()
days = st.dates(min_value=date(1996, 1, 1), max_value=date(2097, 12, 31))
recent = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=120)
rules = st.sampled_from(sorted((limit.kind, limit.step) for limit in default_limits()))


@given(start=days, n=st.integers(min_value=1, max_value=120))
def test_a_working_day_deadline_lands_on_a_working_day(start, n):
    assert CAL.is_working_day(CAL.add_working_days(start, n))


@given(start=days, n=counts)
def test_adding_n_working_days_then_counting_gives_n(start, n):
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(start=days, n=counts)
def test_adding_more_working_days_never_ends_earlier(start, n):
    assert CAL.add_working_days(start, n + 1) > CAL.add_working_days(start, n)


@given(a=recent, b=recent)
def test_counting_working_days_is_antisymmetric(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@given(start=days, n=counts)
def test_a_calendar_day_end_moves_only_across_days_off(start, n):
    end = CAL.add_calendar_days(start, n)
    nominal = start + timedelta(days=n)
    assert end >= nominal
    assert CAL.is_working_day(end)
    assert all(not CAL.is_working_day(nominal + timedelta(days=i)) for i in range((end - nominal).days))


@settings(max_examples=200)
@given(rule=rules, start=recent, remote=st.booleans(), complex_case=st.booleans())
def test_every_rule_gives_a_working_day_after_the_start(rule, start, remote, complex_case):
    kind, step = rule
    deadline = compute_deadline(kind=kind, step=step, start=start, remote=remote, complex=complex_case)
    assert deadline.due > start
    assert CAL.is_working_day(deadline.due)
    assert all(not day.working and start < day.date <= deadline.due for day in deadline.skipped)
    if deadline.unit is Unit.WORKING:
        assert CAL.working_days_between(start, deadline.due) == deadline.days
    else:
        assert deadline.nominal_end == start + timedelta(days=deadline.days)
    assert deadline.explanation_vi.endswith(".") or deadline.notes_vi
    assert start.strftime("%d/%m/%Y") in deadline.explanation_vi
    assert deadline.due.strftime("%d/%m/%Y") in deadline.explanation_en


@given(
    day=recent,
    working=st.booleans(),
    start=recent,
    n=st.integers(min_value=1, max_value=40),
)
def test_overrides_always_win_and_deadlines_respect_them(day, working, start, n):
    cal = WorkCalendar([CalendarOverride(day, working, "Điều chỉnh của tỉnh")])
    assert cal.is_working_day(day) is working
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert cal.working_days_between(start, due) == n
