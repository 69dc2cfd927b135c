"""The demo: 48 cases across states and kinds, idempotent, with real performance figures."""

from __future__ import annotations

from duluan.apps.cases.models import Case, Kind, Status
from duluan.apps.cases.performance import performance_for


def test_demo_seed_is_idempotent_spans_states_and_gives_real_figures(full_demo):
    from duluan.apps.cases import demo as cases_demo

    # when the demo is seeded twice
    summary = cases_demo.seed(progress=lambda *_: None)
    count = Case.objects.count()
    cases_demo.seed(progress=lambda *_: None)

    # then the second run adds nothing, and the cases span the workflow and the kinds
    assert Case.objects.count() == count == 48, summary
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.DECLINED,
        Status.IN_PROGRESS,
        Status.PUBLISHED,
        Status.CLOSED,
        Status.MERGED,
    } <= statuses
    assert set(Case.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert Case.objects.filter(unit__scheme="pre2025").exists()
    assert Case.objects.exclude(satisfaction=None).count() >= 10

    # and the performance page has real figures: overdue cases, ratings, a department past "few cases"
    perf = performance_for(full_demo["dieuphoi"])
    assert perf.overall.total == 46  # 48 cases less the 2 merged duplicates
    assert perf.overall.overdue >= 3 and perf.overall.ratings
    assert 0 < perf.overall.on_time < perf.overall.due_or_answered
    assert any(r.few for r in perf.agencies) and any(not r.few for r in perf.agencies)
