"""The partial indexes on an issue's ``merged_into`` and ``hotness_level`` still serve every look-up.

Both are indexed only where they differ from what a new issue has (see ``Issue.Meta.indexes``).
An index whose condition a query does not imply cannot be used, so each query that looks these
columns up is run here for real, its SQL captured, and PostgreSQL's plan for it must read the
partial index.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from duluan.apps.campaigns.selectors import hot_issues
from duluan.apps.core.tests.plans import explain, foreign_key_check_plan
from duluan.apps.issues.filters import IssueFilters
from duluan.apps.issues.models import HotnessLevel, Issue
from duluan.apps.issues.selectors import dashboard_summary, issue_merged_from, issue_page
from duluan.apps.issues.services import issues_after_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's (the server every deployment runs)")


def _issue(n: int, **values) -> Issue:
    values.setdefault("signal_count", 1)
    return Issue.objects.create(title=f"Vấn đề {n}", cluster_key=f"pi:{n}", **values)


def _plans(queries, column: str, also: str = "") -> list[str]:
    """PostgreSQL's plan of each captured statement on issues that names ``column`` after its
    FROM (in a join or WHERE, not only among the columns read) and contains ``also``."""
    wanted = [
        q["sql"]
        for q in queries
        if '"issues_issue"' in q["sql"].split(" WHERE ", 1)[0]
        and f'"{column}"' in q["sql"].split(" FROM ", 1)[-1]
        and also in q["sql"]
    ]
    assert wanted, f"no statement looked {column} up"
    return explain(wanted)


@pytest.fixture
def planner():
    """Plans as on a large table: any usable index beats reading the table. The rank indexes,
    which a list's order could also read, are dropped (until the test's rollback) so that a plan
    shows whether the partial index is usable.

    The table also gets 2,000 issues at both defaults (in neither partial index): on a table of
    one page every index scan costs the same and PostgreSQL chooses between them by their order
    (the signals' plan tests once failed so in CI)."""
    Issue.objects.bulk_create(
        Issue(title=f"Nền {n}", cluster_key=f"bulk:{n}", signal_count=1) for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("DROP INDEX issues_issue_rank, issues_issue_topic_rank")


def test_the_two_indexes_hold_only_issues_off_the_default():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'issues_issue'"
            " AND indexname IN ('issues_issue_merged_into', 'issues_issue_hotness_level')"
        )
        defs = dict(cursor.fetchall())
        cursor.execute(
            "SELECT a.attname, count(*) FROM pg_index i JOIN pg_attribute a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = 'issues_issue'::regclass"
            " AND a.attname IN ('merged_into_id', 'hotness_level', 'last_seen') GROUP BY 1"
        )
        indexes_on = dict(cursor.fetchall())
    assert defs["issues_issue_merged_into"].endswith("WHERE (merged_into_id IS NOT NULL)")
    assert defs["issues_issue_hotness_level"].endswith("WHERE (NOT ((hotness_level)::text = 'normal'::text))")
    # the foreign key's own full index is gone; last_seen is only in the rank index
    assert indexes_on == {"merged_into_id": 1, "hotness_level": 1, "last_seen": 1}


def test_the_issue_page_lists_what_was_merged_into_it_through_the_index(planner):
    target = _issue(1)
    merged = [_issue(n, merged_into=target) for n in (2, 3)]
    # Enough other issues, counted, that reading the primary key in order (the query's ORDER BY
    # pk LIMIT 50) and filtering is not as cheap as the index and a sort, as on a real table.
    Issue.objects.bulk_create(Issue(title="x", cluster_key=f"pi:n{n}") for n in range(2000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE issues_issue")
    with CaptureQueriesContext(connection) as ctx:
        assert issue_merged_from(target) == merged
    (plan,) = _plans(ctx.captured_queries, "merged_into_id")
    assert "issues_issue_merged_into" in plan, plan


def test_signals_of_merged_issues_move_on_and_recount_through_the_index(planner):
    target = _issue(1)
    source = _issue(2, merged_into=target)
    with CaptureQueriesContext(connection) as ctx:
        assert set(issues_after_ingest(issue_ids=[source.pk, target.pk], refresh=False)) == {target.pk}
    # merged_into IS NOT NULL of the given ids reads the primary key; the join on merged_from
    # (Issue.objects.filter(pk__in=…, merged_from__isnull=False)) reads the partial index.
    plans = _plans(ctx.captured_queries, "merged_into_id", also="JOIN")
    for plan in plans:
        assert "issues_issue_merged_into" in plan, plan


def test_the_undo_and_deleting_an_issue_find_what_was_merged_into_it_through_the_index(planner):
    target = _issue(1)
    merged = _issue(2, merged_into=target)
    with CaptureQueriesContext(connection) as ctx:
        # the undo of an import keeps an issue something was merged into (intake.imports)
        kept = Issue.objects.filter(pk__in=[target.pk, merged.pk]).exclude(
            Exists(Issue.objects.filter(merged_into=OuterRef("pk")))
        )
        assert list(kept) == [merged]
        target.delete()  # on_delete=SET_NULL: Django unlinks the merged issue
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    plans = _plans(ctx.captured_queries, "merged_into_id")
    assert len(plans) >= 2
    for plan in plans:
        assert "issues_issue_merged_into" in plan, plan


def test_the_foreign_keys_own_check_uses_the_index(planner):
    # PostgreSQL's check when an issue is deleted
    plan = foreign_key_check_plan("issues_issue", "merged_into_id")
    assert "issues_issue_merged_into" in plan and "$1" in plan, plan


def test_the_dashboard_campaigns_and_list_find_hot_issues_through_the_index(demo, planner):
    hot = _issue(1, hotness_level=HotnessLevel.HOT, hotness=80.0)
    watch = _issue(2, hotness_level=HotnessLevel.WATCH, hotness=50.0)
    _issue(3)  # normal: not in the index
    user = demo["dieuphoi"]
    with CaptureQueriesContext(connection) as ctx:
        summary = dashboard_summary(user=user)
        assert (summary.hot, summary.watch) == (1, 1)
        assert hot_issues() == [hot, watch]
        assert issue_page(user=user, filters=IssueFilters(level=HotnessLevel.HOT)).issues == [hot]
    plans = _plans(ctx.captured_queries, "hotness_level")
    assert len(plans) == 3
    for plan in plans:
        assert "issues_issue_hotness_level" in plan, plan
