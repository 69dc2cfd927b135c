"""An issue's title vector is stored as JSON text on PostgreSQL and read back exactly as written."""

from __future__ import annotations

import random
import unicodedata

import orjson
import pytest
from django.db import connection, transaction

from duluan.apps.core.bulk import bulk_insert, db_value
from duluan.apps.issues.clustering import _update_issues
from duluan.apps.issues.models import Issue

pytestmark = pytest.mark.django_db


def _vector(seed: int) -> dict[str, float]:
    """A title vector as the clustering makes them: NFC Vietnamese terms, float weights (here
    also the awkward ones: denormal, huge, many digits, exact powers of two)."""
    rng = random.Random(seed)
    words = ["sạt lở", "bờ sông", "đê điều", "ngập úng", "khiếu nại", "đất đai", "ô nhiễm", "nước thải"]
    vector = {unicodedata.normalize("NFC", f"{w} {i}"): rng.random() / 7 for i, w in enumerate(words)}
    vector.update({"tí hon": 5e-324, "khổng lồ": 1.7976931348623157e308, "một phần ba": 1 / 3, "nửa": 0.5})
    return vector


def _same(got: dict, want: dict) -> bool:
    """The same keys, and floats with the same bits (``==`` would also take an int 1 for 1.0)."""
    return got.keys() == want.keys() and all(
        type(got[k]) is float and got[k].hex() == want[k].hex() for k in want
    )


def test_the_column_is_text_on_postgresql_and_a_plain_json_field_elsewhere():
    field = Issue._meta.get_field("title_vector")
    if connection.vendor == "postgresql":
        assert field.db_type(connection) == "text"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT format_type(atttypid, -1) FROM pg_attribute"
                " WHERE attrelid = 'issues_issue'::regclass AND attname = 'title_vector'"
            )
            assert cursor.fetchone()[0] == "text"
    else:
        assert field.db_type(connection) == connection.data_types["JSONField"]


def test_distinct_issues_still_work():
    # json (unlike jsonb and text) has no equality: SELECT DISTINCT over issues would fail.
    Issue.objects.create(cluster_key="d", title="x", title_vector=_vector(6))
    assert Issue.objects.filter(title="x").distinct().get().title_vector == _vector(6)


def test_copy_save_and_update_all_read_back_the_same_floats():
    copied = Issue(cluster_key="copy", title="Sạt lở", title_vector=_vector(1))
    with transaction.atomic():
        bulk_insert(Issue, [copied])  # COPY with orjson's text on PostgreSQL
    saved = Issue.objects.create(cluster_key="save", title="Ngập", title_vector=_vector(2))  # Django's way
    for issue, want in ((copied, _vector(1)), (saved, _vector(2))):
        got = Issue.objects.get(pk=issue.pk).title_vector
        assert _same(got, want)
        assert _same(Issue.objects.filter(pk=issue.pk).values_list("title_vector", flat=True)[0], want)
    # the import's UPDATE of existing issues (one prepared statement, orjson's text)
    copied.title_vector = _vector(3)
    saved.title_vector = _vector(4)
    _update_issues([copied, saved])
    assert _same(Issue.objects.get(pk=copied.pk).title_vector, _vector(3))
    assert _same(Issue.objects.get(pk=saved.pk).title_vector, _vector(4))
    Issue.objects.filter(pk=saved.pk).update(title_vector={"đê": 0.1})
    assert Issue.objects.get(pk=saved.pk).title_vector == {"đê": 0.1}


def test_postgresql_keeps_the_text_orjson_wrote():
    if connection.vendor != "postgresql":
        pytest.skip("text versus jsonb is PostgreSQL's")
    field = Issue._meta.get_field("title_vector")
    vector = _vector(5)
    text = db_value(field, vector, connection)
    assert text == orjson.dumps(vector).decode()  # the import's short way still applies
    issue = Issue(cluster_key="text", title="x", title_vector=vector)
    with transaction.atomic():
        bulk_insert(Issue, [issue])
    with connection.cursor() as cursor:
        cursor.execute("SELECT title_vector::text FROM issues_issue WHERE id = %s", [issue.pk])
        assert cursor.fetchone()[0] == text  # as written: no parse into jsonb, no reformatting


def test_empty_and_null_values_read_back_as_given():
    issue = Issue.objects.create(cluster_key="empty", title="x")
    assert Issue.objects.get(pk=issue.pk).title_vector == {}
    Issue.objects.filter(pk=issue.pk).update(title_vector=[1, "hai", None])
    assert Issue.objects.get(pk=issue.pk).title_vector == [1, "hai", None]
