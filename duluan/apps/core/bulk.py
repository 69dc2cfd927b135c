"""Fast inserts of many new rows: PostgreSQL's COPY where it is available, ``bulk_create`` elsewhere.

Django's ``bulk_create`` on PostgreSQL sends one ``INSERT … SELECT * FROM UNNEST(…)`` whose
parameters psycopg quotes in Python, value by value, on the client: on an import of news leads
that was 115–180 µs of CPU a row (signals and issues), the largest single cost of the writing
process. ``COPY … FROM STDIN`` streams the same values through psycopg's C adapters: 53–88 µs a
row, measured on the same rows (2,000 a batch, 2026-11-29). COPY cannot return the ids it
assigns, so the ids are taken from the table's sequence first, in one statement, and written
explicitly — the rows end up exactly as ``bulk_create`` would have left them, ids included.

JSON columns are encoded with orjson (:func:`db_value`): Django hands every JSON value to
``json.dumps`` through psycopg's ``Jsonb`` wrapper, which was 40–70 µs a row of an import's
writing process for an issue's and a signal's JSON fields (py-spy, 30,000 news leads,
2026-11-30); orjson writes the same JSON in a few µs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
from django.db import connections, models, router

_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def db_value(field: models.Field, value: Any, connection) -> Any:
    """Return what ``field.get_db_prep_save(value, connection)`` returns, JSON encoded faster.

    A plain :class:`~django.db.models.JSONField` (no custom encoder, not a subclass) gets its value
    as JSON text from orjson, which PostgreSQL reads into ``jsonb`` just as it reads Django's
    ``Jsonb`` parameter: the stored value is the same. ``None`` stays SQL ``NULL``, as in
    Django. Anything orjson does not take (an expression, an unusual type) goes Django's way.
    """
    if type(field) is models.JSONField and field.encoder is None and connection.vendor == "postgresql":
        if value is None:
            return None
        try:
            return orjson.dumps(value, option=_ORJSON_OPTIONS).decode()
        except TypeError:
            pass
    return field.get_db_prep_save(value, connection)


def _writer(field: models.Field, connection) -> Callable[[models.Model], Any]:
    """Return ``obj -> `` the value of ``field`` to write for a new row (``pre_save`` included)."""
    if type(field) is models.JSONField:
        return lambda obj: db_value(field, field.pre_save(obj, True), connection)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """Insert new, unsaved ``objs`` of ``model`` and set their primary keys.

    The same contract as ``model.objects.bulk_create(objs)`` for plain new rows: fields'
    ``pre_save`` runs (``auto_now`` and ``auto_now_add`` get their values), no model signals
    are sent, and each object gets its ``pk`` and is marked as saved. Conflicts are errors, as
    with ``bulk_create`` without ``ignore_conflicts``. Must run inside a transaction when the
    caller needs all-or-nothing.

    Args:
        model: The model class (a concrete model whose primary key is an auto field).
        objs: New objects without a primary key.
        batch_size: Rows per COPY on PostgreSQL, per INSERT elsewhere.
    """
    if not objs:
        return
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    if connection.vendor != "postgresql" or not isinstance(meta.pk, models.AutoField | models.BigAutoField):
        model.objects.using(alias).bulk_create(objs, batch_size=batch_size)
        return
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    columns = ", ".join(qn(c) for c in [meta.pk.column, *(f.column for f in fields)])
    copy_sql = f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN"
    writers = [_writer(f, connection) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start : start + batch_size]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(chunk)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            # Django's cursor wrapper has no copy(); psycopg's own cursor does. Its errors are
            # wrapped as Django's (IntegrityError…), as for any other statement.
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for obj, pk in zip(chunk, ids, strict=True):
                    obj.pk = pk
                    copy.write_row([pk, *(write(obj) for write in writers)])
            for obj in chunk:
                obj._state.adding = False
                obj._state.db = alias
