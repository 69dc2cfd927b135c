"""The partial indexes on a signal's mostly-empty columns still serve every look-up of them.

``tracking_code``, ``near_duplicate_group`` and ``duplicate_of`` are indexed only where set (see
``Signal.Meta.indexes``). An index whose condition a query does not imply cannot be used, so each
query that looks these columns up is run here for real, its SQL captured, and PostgreSQL's plan
for it must read the partial index.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duluan.apps.core.tests.plans import explain, foreign_key_check_plan
from duluan.apps.intake import permissions
from duluan.apps.intake.models import Signal

pytestmark = pytest.mark.django_db
CODE = "AB12CD34"


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's (the server every deployment runs)")


def _signal(n: int, **values) -> Signal:
    return Signal.objects.create(
        channel=values.pop("channel", "news"),
        external_id=f"pi-{n}",
        content_hash=f"{n:064x}",
        text="Đường ngập sâu sau mưa lớn",
        text_masked="Đường ngập sâu sau mưa lớn",
        created_at=datetime(2026, 3, 1, 8, n, tzinfo=UTC),
        **values,
    )


def _plans(queries, column: str) -> list[str]:
    """PostgreSQL's plan of each captured statement on signals that looks ``column`` up."""
    wanted = [
        q["sql"]
        for q in queries
        if '"intake_signal"' in q["sql"].split(" WHERE ", 1)[0]
        and any(f'"{column}" {op}' in q["sql"].split(" WHERE ", 1)[-1] for op in ("=", "IN"))
    ]
    assert wanted, f"no statement looked {column} up"
    return explain(wanted)


@pytest.fixture
def planner():
    """Plans as on a large table: any usable index beats reading the table. The plain channel
    index, which the Open311 look-ups could also take, is dropped (until the test's rollback) so
    that a plan shows whether the tracking-code index is usable.

    The table also gets 2,000 signals with none of the three columns set. On a table of one page
    every index scan costs the same, and PostgreSQL chose between them by their order: CI once
    planned the look-ups through the created_at and issue indexes with a filter instead. The
    table is analysed after that, in the test's transaction: without statistics the plans hung
    on whether autovacuum had analysed it yet, and CI planned a look-up by tracking code through
    the created_at index again (2026-12-02)."""
    Signal.objects.bulk_create(
        Signal(
            channel="news",
            external_id=f"bulk-{n}",
            content_hash=f"b{n:063x}",
            text="Đường ngập sâu",
            text_masked="Đường ngập sâu",
            created_at=datetime(2026, 2, 1, tzinfo=UTC) + timedelta(minutes=n),
        )
        for n in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("DROP INDEX intake_signal_channel")
        cursor.execute("ANALYZE intake_signal")


def test_the_three_indexes_hold_only_rows_where_the_column_is_set():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'intake_signal'"
            " AND indexname IN ('intake_signal_tracking_code', 'intake_signal_near_group',"
            " 'intake_signal_duplicate_of')"
        )
        defs = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = 'intake_signal'::regclass AND a.attname = 'duplicate_of_id'"
        )
        indexes_on_duplicate_of = cursor.fetchone()[0]
    assert defs["intake_signal_tracking_code"].endswith("WHERE (NOT ((tracking_code)::text = ''::text))")
    assert defs["intake_signal_near_group"].endswith("WHERE (NOT ((near_duplicate_group)::text = ''::text))")
    assert defs["intake_signal_duplicate_of"].endswith("WHERE (duplicate_of_id IS NOT NULL)")
    assert indexes_on_duplicate_of == 1  # the foreign key's own full index is gone


def test_a_citizen_and_open311_find_a_signal_by_its_tracking_code_through_the_index(client, planner):
    signal = _signal(1, channel="web", tracking_code=CODE)
    _signal(2)
    with CaptureQueriesContext(connection) as ctx:
        assert permissions.signal_get_by_tracking_code(CODE.lower()) == signal
        assert client.get(f"/open311/v2/requests/{CODE}.json").status_code == 200
        found = client.get("/open311/v2/requests.json", {"service_request_id": f"{CODE},ZZ99"})
        assert [r["service_request_id"] for r in found.json()] == [CODE]
    plans = _plans(ctx.captured_queries, "tracking_code")
    assert len(plans) == 3
    for plan in plans:
        assert "intake_signal_tracking_code" in plan, plan


def test_deleting_a_signal_unlinks_its_exact_duplicates_through_the_index(planner):
    original = _signal(1)
    copies = [_signal(n, duplicate_of=original) for n in (2, 3)]
    with CaptureQueriesContext(connection) as ctx:
        original.delete()
    assert [s.duplicate_of_id for s in Signal.objects.filter(pk__in=[c.pk for c in copies])] == [None, None]
    plans = _plans(ctx.captured_queries, "duplicate_of_id")
    for plan in plans:
        assert "intake_signal_duplicate_of" in plan, plan


def test_the_foreign_keys_own_check_uses_the_index(planner):
    # PostgreSQL's check when a signal is deleted
    plan = foreign_key_check_plan("intake_signal", "duplicate_of_id")
    assert "intake_signal_duplicate_of" in plan and "$1" in plan, plan


def test_a_look_up_by_near_duplicate_group_can_use_its_index(planner):
    _signal(1)
    grouped = _signal(2, near_duplicate_group="news:pi-1")
    with CaptureQueriesContext(connection) as ctx:
        assert list(Signal.objects.filter(near_duplicate_group="news:pi-1")) == [grouped]
    (plan,) = _plans(ctx.captured_queries, "near_duplicate_group")
    assert "intake_signal_near_group" in plan, plan
