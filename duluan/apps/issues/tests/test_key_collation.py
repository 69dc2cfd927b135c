"""A signal's content hash and an issue's cluster key are compared byte by byte on PostgreSQL
(collation "C", see ``core.fields.KeyCharField``), and are looked up as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duluan.apps.core.fields import KeyCharField
from duluan.apps.intake.imports import _numbers_in_use
from duluan.apps.intake.models import Signal
from duluan.apps.intake.services import _first_with_hash
from duluan.apps.issues.models import Issue

pytestmark = pytest.mark.django_db


def test_the_keys_have_the_c_collation_on_postgresql_only():
    fields = (Signal._meta.get_field("content_hash"), Issue._meta.get_field("cluster_key"))
    assert all(isinstance(f, KeyCharField) for f in fields)
    if connection.vendor != "postgresql":
        assert {f.db_parameters(connection)["collation"] for f in fields} == {None}
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, collname FROM pg_attribute a"
            " JOIN pg_collation c ON c.oid = a.attcollation"
            " WHERE (attrelid, attname) IN (('intake_signal'::regclass, 'content_hash'),"
            " ('issues_issue'::regclass, 'cluster_key'))"
        )
        assert sorted(cursor.fetchall()) == [
            ("intake_signal", "content_hash", "C"),
            ("issues_issue", "cluster_key", "C"),
        ]


def test_keys_are_found_by_equality_and_prefix():
    when = datetime(2026, 3, 1, 8, tzinfo=UTC)
    signal = Signal.objects.create(
        channel="news", content_hash="Ab" + "0" * 62, text="x", text_masked="x", created_at=when
    )
    Issue.objects.create(cluster_key="7:c12", title="x")
    assert _first_with_hash(["Ab" + "0" * 62, "ab" + "0" * 62]) == {"Ab" + "0" * 62: signal.pk}
    assert list(Issue.objects.filter(cluster_key__in=["7:c12", "7:C12"]).values_list("title", flat=True)) == [
        "x"
    ]
    assert _numbers_in_use(7, {"next_id": 12}) and not _numbers_in_use(7, {"next_id": 13})


def test_the_undos_prefix_look_up_can_use_the_cluster_key_index():
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    Issue.objects.create(cluster_key="7:c12", title="x")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as ctx:
        _numbers_in_use(7, {"next_id": 1})
    (sql,) = [q["sql"] for q in ctx.captured_queries if "LIKE" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "issues_issue_cluster_key" in plan and "Index Cond" in plan, plan
