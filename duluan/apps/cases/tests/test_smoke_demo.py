"""The demo seeds 48 cases across states, idempotently."""

from __future__ import annotations

from duluan.apps.cases.models import Case, Status


def test_demo_seed_is_idempotent_and_spans_states(demo):
    from duluan.apps.cases import demo as cases_demo

    # when the demo is seeded twice
    first = cases_demo.seed(progress=lambda *_: None)
    count = Case.objects.count()
    cases_demo.seed(progress=lambda *_: None)

    # then the second run adds nothing, and the cases span the workflow
    assert Case.objects.count() == count == 48, first
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        Status.RECEIVED,
        Status.DECLINED,
        Status.IN_PROGRESS,
        Status.PUBLISHED,
        Status.CLOSED,
        Status.MERGED,
    } <= statuses
    assert Case.objects.filter(unit__scheme="pre2025").exists()
    assert Case.objects.exclude(satisfaction=None).count() >= 10
