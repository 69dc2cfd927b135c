"""An issue's JSON columns, which nothing searches in SQL, are text on PostgreSQL, and every path
that writes them (the import's COPY and UPDATE, the aggregates' and the hotness refresh's
``bulk_update``, a plain save) reads back the value it wrote."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from duluan.apps.core.bulk import bulk_insert
from duluan.apps.core.fields import JSONTextField
from duluan.apps.issues.clustering import _update_issues
from duluan.apps.issues.models import Issue
from duluan.apps.issues.services import issues_refresh_hotness

pytestmark = pytest.mark.django_db

ISSUE_TEXT = (
    "title_vector",
    "hotness_components",
    "forecast",
    "summary_terms",
    "sentiment_counts",
    "channel_counts",
    "unit_counts",
)


def _stored(pk: int, column: str):
    """The column's stored text on PostgreSQL, parsed by PostgreSQL's own jsonb."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}"::jsonb::text FROM issues_issue WHERE id = %s', [pk])  # noqa: S608
        return json.loads(cursor.fetchone()[0])


def test_every_json_column_of_an_issue_is_text_on_postgresql():
    assert {f.name for f in Issue._meta.fields if isinstance(f, JSONTextField)} == set(ISSUE_TEXT)
    if connection.vendor != "postgresql":
        pytest.skip("text versus jsonb is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, -1) FROM pg_attribute"
            " WHERE attrelid = 'issues_issue'::regclass AND attname = ANY(%s)",
            [list(ISSUE_TEXT)],
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(ISSUE_TEXT, "text")


def test_the_aggregates_and_the_hotness_refresh_write_values_that_read_back(make_issue):
    # given an issue the aggregates wrote (bulk_update: counts, summary terms)
    issue = make_issue("ngap ung duong pho", days=(0, 1, 2, 3), per_day=3, channel="web")
    # when the hotness refresh scores it (bulk_update of a CASE cast to the column's type)
    issues_refresh_hotness(issue_ids=[issue.pk])
    issue = Issue.objects.get(pk=issue.pk)
    # then every JSON value reads back as the structure it was written as
    assert issue.channel_counts == {"web": 12}
    assert sum(issue.unit_counts.values()) == 12
    assert issue.sentiment_counts["negative"] == 12
    assert {c["name"] for c in issue.hotness_components} >= {"volume", "recency"}
    assert len(issue.forecast["days"]) == len(issue.forecast["mean"]) == 7
    if connection.vendor == "postgresql":  # and the stored text is that JSON
        for name in ISSUE_TEXT:
            assert _stored(issue.pk, name) == getattr(issue, name), name
    # the dashboard's list defers the big ones and reads the others
    listed = Issue.objects.defer("hotness_components", "forecast", "summary_terms").get(pk=issue.pk)
    assert listed.channel_counts == {"web": 12} and listed.forecast == issue.forecast


def test_the_imports_copy_and_update_read_back_the_same_values():
    copied = Issue(
        cluster_key="json-copy",
        title="Sạt lở",
        summary_terms=["sạt lở", "bờ sông"],
        channel_counts={"news": 2},
        unit_counts={"12": 1},
        sentiment_counts={"negative": 1, "neutral": 1, "positive": 0},
    )
    with transaction.atomic():
        bulk_insert(Issue, [copied])  # COPY with orjson's text on PostgreSQL
    got = Issue.objects.get(pk=copied.pk)
    assert got.summary_terms == ["sạt lở", "bờ sông"] and got.channel_counts == {"news": 2}
    assert got.hotness_components == [] and got.forecast == {}
    got.summary_terms = ["đê điều", "sạt lở"]
    _update_issues([got])  # the import's prepared UPDATE of an existing issue (its summary terms)
    assert Issue.objects.values_list("summary_terms", "unit_counts").get(pk=got.pk) == (
        ["đê điều", "sạt lở"],
        {"12": 1},
    )
