"""A signal's places and topic terms, which nothing searches in SQL, are JSON text on PostgreSQL
and read back as written; its long texts are compressed with LZ4 where the server has it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from duluan.apps.core.bulk import bulk_insert
from duluan.apps.core.fields import JSONTextField
from duluan.apps.intake.models import Signal

pytestmark = pytest.mark.django_db

PLACES = [
    {"end": 15, "code": "48", "name": "Thành phố Đà Nẵng", "level": "province", "start": 8, "confidence": 0.9}
]
WHEN = datetime(2026, 3, 1, 8, tzinfo=UTC)


def _columns() -> dict[str, tuple[str, str]]:
    """Type and compression method of each column of the signal table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, -1), attcompression FROM pg_attribute"
            " WHERE attrelid = 'intake_signal'::regclass AND attnum > 0 AND NOT attisdropped"
        )
        return {name: (kind, method) for name, kind, method in cursor.fetchall()}


def test_places_and_topic_terms_are_text_on_postgresql_and_extra_stays_jsonb():
    assert {f.name for f in Signal._meta.fields if isinstance(f, JSONTextField)} == {"places", "topic_terms"}
    if connection.vendor != "postgresql":
        pytest.skip("text versus jsonb is PostgreSQL's")
    columns = _columns()
    assert columns["places"][0] == columns["topic_terms"][0] == "text"
    assert columns["extra"][0] == "jsonb"  # Open311 filters on extra__api_client_id


def test_the_long_texts_are_compressed_with_lz4_where_the_server_has_it():
    if connection.vendor != "postgresql":
        pytest.skip("compression methods are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        has_lz4 = "lz4" in cursor.fetchone()[0]
    columns = _columns()
    want = "l" if has_lz4 else ""
    assert [columns[c][1] for c in ("title", "text", "text_masked", "search_key")] == [want] * 4
    # a text long enough to be compressed reads back whole
    long = "Người dân phản ánh đường ngập sâu sau mưa lớn. " * 200
    signal = Signal.objects.create(
        channel="web", content_hash="c" * 64, text=long, text_masked=long, created_at=WHEN
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_compression(text) FROM intake_signal WHERE id = %s", [signal.pk])
        assert cursor.fetchone()[0] == ("lz4" if has_lz4 else "pglz")
    assert Signal.objects.get(pk=signal.pk).text == long


def test_places_and_topic_terms_read_back_from_copy_and_save():
    common = {"channel": "news", "text": "Đà Nẵng", "text_masked": "Đà Nẵng", "created_at": WHEN}
    copied = Signal(
        external_id="jt-1", content_hash="a" * 64, places=PLACES, topic_terms=["đất", "giá đất"], **common
    )
    with transaction.atomic():
        bulk_insert(Signal, [copied])  # the import's COPY, orjson's text on PostgreSQL
    saved = Signal.objects.create(external_id="jt-2", content_hash="b" * 64, **common)  # Django's way
    assert Signal.objects.values_list("places", "topic_terms").get(pk=copied.pk) == (
        PLACES,
        ["đất", "giá đất"],
    )
    assert (saved.places, Signal.objects.get(pk=saved.pk).topic_terms) == ([], [])
    Signal.objects.filter(pk=saved.pk).update(places=PLACES[:1], topic_terms=["mưa"])
    saved.refresh_from_db()
    assert (saved.places, saved.topic_terms) == (PLACES[:1], ["mưa"])
    if connection.vendor == "postgresql":  # the stored text is that JSON
        with connection.cursor() as cursor:
            cursor.execute("SELECT places::jsonb::text FROM intake_signal WHERE id = %s", [copied.pk])
            assert json.loads(cursor.fetchone()[0]) == PLACES
