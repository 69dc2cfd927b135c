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
2026-11-30); orjson writes the same JSON about ten times faster (an issue's 24-term title
vector: 17.4 µs with ``json.dumps``, 1.5 µs with orjson).

The COPYs use PostgreSQL's binary format when every column has a type whose binary form psycopg
writes from the values Django prepares (integers, floats, booleans, text, dates, aware
timestamps, JSON: :data:`_BINARY_TYPES`): psycopg then packs numbers and timestamps instead of
formatting them, nothing is escaped, and the server converts no number or timestamp from text
(JSON stays text inside). 2,000 rows of a news import, copied into an unindexed table (client
CPU, and wall time with the server's work; best of 4, 2026-11-30): issues 11.1 → 3.2 µs and
30.2 → 13.8 µs a row, signals 11.2 → 3.6 and 23.1 → 12.5, the same rows stored (md5 of the
table's text). In a 30,000-lead news import the writing process's ``bulk_insert`` went from
53.0–54.5 to 35.8–37.3 µs of CPU a signal, and the tables stored are the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import Any

import orjson
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from psycopg import postgres
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types.json import Json, Jsonb

_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _json_text(value: Any) -> str:
    """``value`` as JSON text; ``TypeError`` for what orjson cannot write even with its options."""
    return _json_bytes(value).decode()


def _json_bytes(value: Any) -> bytes:
    """``value`` as UTF-8 JSON (see :func:`_json_text`), as a binary COPY takes it.

    Without options first: ``OPT_NON_STR_KEYS`` slows every dict down (3,000 distinct 32-term
    title vectors of issues: 6.1 µs each plain, 7.0 µs with the options, 2026-11-30), and only
    the rare dict with non-str keys or a numpy value needs it; both ways write the same text for
    what both accept.
    """
    try:
        return orjson.dumps(value)
    except TypeError:
        return orjson.dumps(value, option=_ORJSON_OPTIONS)


def db_value(field: models.Field, value: Any, connection) -> Any:
    """Return what ``field.get_db_prep_save(value, connection)`` returns, JSON encoded faster.

    A plain :class:`~django.db.models.JSONField` (no custom encoder, not a subclass but one with
    ``plain_json_text``, see :func:`_orjson_writes`) gets its value as JSON text from orjson,
    which PostgreSQL reads into ``jsonb`` just as it reads Django's ``Jsonb`` parameter: the
    stored value is the same. ``None`` stays SQL ``NULL``, as in Django. Anything orjson does not
    take (an expression, an unusual type) goes Django's way.
    """
    if _orjson_writes(field, connection):
        if value is None:
            return None
        try:
            return _json_text(value)
        except TypeError:
            pass
    return field.get_db_prep_save(value, connection)


def bulk_update_by_pk(
    instances: Sequence[models.Model], names: Sequence[str], *, sets: dict[str, str] | None = None
) -> None:
    """Write ``names`` of each instance to its row: one prepared ``UPDATE … WHERE pk = %s`` run
    for all rows (``executemany``), in the current transaction's connection.

    Django's ``bulk_update`` builds a CASE per field and row: the seven reading fields of the
    demo's 907 signals took it 0.87-1.22 s, and this 0.021-0.026 s (SQLite, three runs each,
    2026-12-05). JSON is encoded as :func:`db_value` does.

    Args:
        instances: Rows of one model, saved (with a primary key).
        names: The fields to write.
        sets: A field's SET expression other than ``%s`` (its new value), e.g. ``CASE WHEN
            "title_confirmed" THEN "title" ELSE %s END``; it still takes the value once.
    """
    if not instances:
        return
    meta = instances[0]._meta
    fields = [meta.get_field(name) for name in names]
    connection = transaction.get_connection(router.db_for_write(type(instances[0])))
    qn = connection.ops.quote_name
    sets = sets or {}
    assignments = ", ".join(f"{qn(f.column)} = {sets.get(f.name, '%s')}" for f in fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608 - model names
    params = [
        [db_value(f, getattr(row, f.attname), connection) for f in fields] + [row.pk] for row in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def json_as_written(field: models.Field, encoded: bytes, connection) -> Any:
    """The value to give ``field`` for a JSON value already encoded by orjson (``encoded``).

    Where :func:`db_value` and :func:`bulk_insert` write the field with orjson (see
    :func:`_orjson_writes`), an ``orjson.Fragment``: orjson then writes the bytes as they are,
    without decoding them into Python objects and encoding them again. Elsewhere the decoded value,
    which the field's own encoder writes. Either way the column gets the same JSON text, provided
    ``encoded`` is ``orjson.dumps(value)`` (what :func:`_json_bytes` writes for a value orjson
    takes without options).
    """
    if _orjson_writes(field, connection):
        return orjson.Fragment(encoded)
    return orjson.loads(encoded)


def _orjson_writes(field: models.Field, connection) -> bool:
    """Whether :func:`db_value` writes ``field``'s values with orjson (a plain JSONField on
    PostgreSQL, or a subclass that says its column takes the same JSON text: ``plain_json_text``,
    such as ``core.fields.JSONTextField``)."""
    plain = type(field) is models.JSONField or getattr(type(field), "plain_json_text", False)
    return plain and field.encoder is None and connection.vendor == "postgresql"


# The column types a binary COPY may hold, by name (their oids are looked up in psycopg's type
# registry): psycopg dumps the values bulk_insert and its callers give these columns (int, float,
# bool, str, date, aware datetime, JSON text) in their binary form when told the column's type.
_BINARY_TYPES = (
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "bool",
    "text",
    "varchar",
    "date",
    "timestamptz",
    "json",
    "jsonb",
)
_BINARY_OIDS = frozenset(postgres.types[name].oid for name in _BINARY_TYPES)
# (alias, database name, table) -> {column: type oid}; types of a table do not change at run time.
_COLUMN_TYPES: dict[tuple[str, str, str], dict[str, int]] = {}


def _column_types(connection, table: str) -> dict[str, int]:
    key = (connection.alias, str(connection.settings_dict["NAME"]), table)
    types = _COLUMN_TYPES.get(key)
    if types is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [connection.ops.quote_name(table)],
            )
            types = _COLUMN_TYPES[key] = {name: int(oid) for name, oid in cursor.fetchall()}
    return types


def _binary_types(connection, table: str, columns: Sequence[str]) -> list[int] | None:
    """The type oids of ``columns`` of ``table`` for a binary COPY, or ``None`` when one of them
    is of a type outside :data:`_BINARY_TYPES` (that table is copied as text)."""
    types = _column_types(connection, table)
    oids = [types[column] for column in columns]
    return oids if _BINARY_OIDS.issuperset(oids) else None


class _JsonTextDumper(Dumper):
    """Writes a ``jsonb`` value of a binary COPY from its JSON text.

    The row maker hands JSON columns over as the text orjson wrote (bytes); psycopg's own binary
    JSON dumpers would encode that text again, as a JSON string. ``jsonb``'s binary form is a
    version byte (1) and the text; ``json``'s is the text alone (:class:`_JsonPlainTextDumper`).
    A value Django adapted itself (a ``Json``/``Jsonb`` wrapper, for a field with its own encoder)
    is encoded with its own ``dumps``, as psycopg does.
    """

    format = Format.BINARY
    oid = postgres.types["jsonb"].oid
    prefix = b"\x01"

    def dump(self, obj: Any) -> bytes:
        if isinstance(obj, Json | Jsonb):
            obj = (obj.dumps or json.dumps)(obj.obj)
        if isinstance(obj, str):
            obj = obj.encode()
        return self.prefix + obj


class _JsonPlainTextDumper(_JsonTextDumper):
    oid = postgres.types["json"].oid
    prefix = b""


@contextmanager
def _copy(cursor, table: str, columns: Sequence[str], oids: list[int] | None) -> Iterator[Any]:
    """``COPY table (columns) FROM STDIN`` on Django's ``cursor``, binary with the columns' type
    ``oids``, text without (see :func:`_binary_types`); yields psycopg's ``Copy`` (``write_row``).
    Its errors are wrapped as Django's (IntegrityError…), as for any other statement."""
    qn = cursor.db.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    raw = cursor.cursor  # Django's cursor wrapper has no copy(); psycopg's own cursor does
    if oids is not None:
        for dumper in (_JsonTextDumper, _JsonPlainTextDumper):
            raw.adapters.register_dumper(None, dumper)  # for this cursor, by type (set_types)
    binary = " (FORMAT BINARY)" if oids is not None else ""
    with cursor.db.wrap_database_errors, raw.copy(f"COPY {qn(table)} ({names}) FROM STDIN{binary}") as copy:
        if oids is not None:
            copy.set_types(oids)
        yield copy


# Field classes whose value, when it already has one of these exact Python types, reaches COPY
# unchanged through ``get_db_prep_save``: their ``get_prep_value``/``to_python`` return such a value
# as it is, and the PostgreSQL adapters only wrap integers in psycopg's Int4/Int8 (which COPY's text
# format writes the same). A subclass that overrides any of these methods goes Django's way.
_PASS_THROUGH: tuple[tuple[type[models.Field], tuple[type, ...]], ...] = (
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.IntegerField, (int,)),
    (models.FloatField, (float,)),
    (models.BooleanField, (bool,)),
    (models.DateTimeField, (datetime,)),  # aware ones only: see _row_maker
    (models.DateField, (date,)),
)
_PREP_METHODS = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


def _pass_through(field: models.Field) -> tuple[type, ...] | None:
    """The exact types a value of ``field`` may have to be written as it is, or ``None``."""
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        plain_fk = all(getattr(type(field), m) is getattr(models.ForeignKey, m) for m in _PREP_METHODS[:2])
        return (int,) if plain_fk and isinstance(target, models.AutoField | models.BigAutoField) else None
    for base, types in _PASS_THROUGH:
        if isinstance(field, base):
            same = all(getattr(type(field), m) is getattr(base, m) for m in _PREP_METHODS)
            return types if same else None
    return None


def _plain_pre_save(field: models.Field) -> bool:
    """Whether ``field.pre_save(obj, add=True)`` only reads the attribute (``Field.pre_save``).

    A date or time field without ``auto_now``/``auto_now_add`` overrides ``pre_save`` only to
    stamp those, and otherwise hands over to ``Field.pre_save``: reading the value that the row
    already holds is then enough. With the sequence look-up above, ``bulk_insert`` of real import
    rows went from 25.8 to 24.1 µs a signal and from 33.0 to 30.8 µs an issue (2,000 rows, best
    of 5, process CPU, 2026-11-30).
    """
    pre_save = type(field).pre_save
    if pre_save is models.Field.pre_save:
        return True
    date_kinds = (models.DateTimeField, models.DateField, models.TimeField)
    return (
        pre_save in {kind.pre_save for kind in date_kinds}
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    )


_EMPTY_JSON = (dict, list)


def _naive(value: datetime) -> bool:
    """Whether ``value`` is naive, as ``value.utcoffset() is None`` says, asking only a tzinfo
    that is not the standard library's fixed-offset ``timezone`` (which always has an offset)."""
    tz = value.tzinfo
    return tz is None or (type(tz) is not timezone and value.utcoffset() is None)


def _row_maker(
    fields: Sequence[models.Field], connection, *, binary: bool = False
) -> Callable[[models.Model], list[Any]]:
    """Return ``obj -> `` the values COPY writes for ``fields`` of a new row, in order.

    With ``binary`` (a binary COPY, see :func:`_copy`) JSON comes as orjson's bytes, not text.

    Each value is what ``field.get_db_prep_save(field.pre_save(obj, True), connection)`` returns
    (or :func:`db_value` for JSON), but the row is read with one ``attrgetter`` call and only the
    values that need it are converted: a value that already has its column's Python type (see
    ``_PASS_THROUGH``) is written as it is. One closure call per field (the previous way) was
    15.8 µs a signal and 28.8 µs an issue, the row at once 6.9 and 11.3 µs (2,000 rows, best of 3,
    process CPU, 2026-11-30).
    """
    names = [f.attname for f in fields]
    read = attrgetter(*names) if len(names) > 1 else (lambda obj, get=attrgetter(*names): (get(obj),))
    # auto_now and the like: the value is what pre_save returns (it also sets the attribute).
    stamped = [(i, f) for i, f in enumerate(fields) if not _plain_pre_save(f)]
    json_at: list[int] = []
    checked: list[tuple[int, tuple[type, ...], bool, Callable]] = []
    prepared: list[tuple[int, Callable]] = []
    for i, field in enumerate(fields):
        if _orjson_writes(field, connection):
            json_at.append(i)  # db_value's short way, inline
            continue
        exact = _pass_through(field)
        if exact is None:
            prepared.append((i, field.get_db_prep_save))
        else:
            checked.append((i, exact, isinstance(field, models.DateTimeField), field.get_db_prep_save))
    # orjson's bytes go to a json or jsonb column of a binary COPY (see _JsonTextDumper); a field
    # whose column is plain text (core.fields.JSONTextField) takes the text as a str, as text
    # COPY does.
    as_bytes = [binary and fields[i].db_type(connection) in {"json", "jsonb"} for i in json_at]
    json_fields = [
        (i, fields[i], _json_bytes if b else _json_text) for i, b in zip(json_at, as_bytes, strict=True)
    ]
    # An empty dict or list (most of a new issue's JSON fields: counts, forecast, hotness
    # components) has one JSON text, written from here instead of encoded row by row. With the
    # choices member below, making an issue's row took 9.0 µs instead of 10.4–10.8 and a signal's
    # 8.4–8.6 instead of 9.1 (7,730 issues and 6,000 signals of a news import, best of 5,
    # alternating, 2026-11-30).
    empty = {i: {dict: encode({}), list: encode([])} for i, _, encode in json_fields}

    def make(obj: models.Model) -> list[Any]:
        values = list(read(obj))
        for i, field in stamped:
            values[i] = field.pre_save(obj, True)
        for i, field, encode in json_fields:
            value = values[i]
            if value is not None:
                if not value and type(value) in _EMPTY_JSON:
                    values[i] = empty[i][type(value)]
                    continue
                try:
                    values[i] = encode(value)
                except TypeError:
                    values[i] = field.get_db_prep_save(value, connection)
        for i, exact, aware, prep in checked:
            value = values[i]
            if value is not None and (type(value) not in exact or (aware and _naive(value))):
                if isinstance(value, Enum) and type(value._value_) in exact:
                    # A choices member (an issue's hotness level by default): its value is what
                    # get_db_prep_save hands on, as a str or int subclass.
                    values[i] = value._value_
                else:
                    values[i] = prep(value, connection)
        for i, prep in prepared:
            values[i] = prep(values[i], connection)
        return values

    return make


@cache
def instance_factory(model: type[models.Model]) -> Callable[..., models.Model]:
    """Return ``make(**values)``: a new, unsaved ``model`` instance, as ``model(**values)`` builds it.

    ``Model.__init__`` walks every field, looks each keyword up twice and sends ``pre_init`` and
    ``post_init``, where nothing listens: 16.5 µs for a signal with all its fields and 12.0 µs for
    a new issue in the import's writing process; ``make`` takes 3.4 and 1.9 µs (best of 3 ×
    20,000, process CPU, 2026-11-30). It fills the instance's attributes from each field's default
    (mutable defaults such as ``list`` are called anew for every instance, as Django does) and
    then from ``values``.

    ``values`` are keyed by attribute name, as stored: ``unit_id=3``, not ``unit=<AdminUnit>``;
    an unknown name is a ``TypeError``, as with the model's own constructor. A model whose
    ``pre_init`` or ``post_init`` has receivers gets its own constructor (with the same keyword
    names), so receivers still run; that is decided the first time a model is asked for (the
    factories are cached), so receivers must be connected at start-up, as Django's are.
    """
    meta = model._meta
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model
    fixed: dict[str, Any] = {}
    fresh: list[tuple[str, Callable[[], Any]]] = []
    for field in meta.concrete_fields:
        if field.generated:
            continue
        if field.has_default() and callable(field.default):
            fresh.append((field.attname, field.default))
        else:
            fixed[field.attname] = field.get_default()
    names = frozenset(fixed) | {name for name, _ in fresh}
    new = object.__new__

    def make(**values: Any) -> models.Model:
        if not names.issuperset(values):
            unexpected = ", ".join(repr(n) for n in values if n not in names)
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {unexpected}")
        obj = new(model)
        attrs = obj.__dict__
        attrs["_state"] = ModelState()
        attrs.update(fixed)
        for name, default in fresh:
            attrs[name] = default()
        attrs.update(values)
        return obj

    return make


# The ids of a chunk, taken from the table's sequence in one statement, in ascending order. The
# sequence is looked up once, in a materialised CTE: ``nextval(pg_get_serial_sequence(…))`` in the
# select list ran the (stable, so not folded) catalogue look-up for every row: 6 µs of the
# server's time an id against 0.5 µs this way (20,000 ids in psql). A 30,000-row news import
# takes an id for each signal and each new issue: the statements took 264 ms before, 31 ms
# after (pg_stat_statements, 2026-11-30).
_TAKE_IDS = (
    "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq)"
    " SELECT nextval(s.seq) FROM s, generate_series(1, %s)"
)


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
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    columns = [meta.pk.column, *(f.column for f in fields)]
    oids = _binary_types(connection, meta.db_table, columns)
    make_row = _row_maker(fields, connection, binary=oids is not None)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start : start + batch_size]
            cursor.execute(_TAKE_IDS, [meta.db_table, meta.pk.column, len(chunk)])
            ids = [row[0] for row in cursor.fetchall()]
            with _copy(cursor, meta.db_table, columns, oids) as copy:
                for obj, pk in zip(chunk, ids, strict=True):
                    obj.pk = pk
                    row = make_row(obj)
                    row.insert(0, pk)
                    copy.write_row(row)
            for obj in chunk:
                obj._state.adding = False
                obj._state.db = alias


def bulk_upsert(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """Insert rows of plain values; on a conflict update ``update`` (or, with none, skip the row).

    What ``bulk_create(objs, update_conflicts=True, unique_fields=…, update_fields=…)`` (or
    ``ignore_conflicts=True``) does, without a model instance per row: on PostgreSQL one
    ``INSERT … SELECT … ON CONFLICT`` (see below). The issue
    days and issue-unit links of an import cost 25 and 12 µs of CPU a row through
    ``bulk_create``, 2.5 and 1 µs this way (2,000 rows a call, 2026-11-30). Fields'
    ``pre_save`` does not run: give every value.

    The rows go as one array per column, unnested by the ``INSERT``: a single statement, with no
    staging table. The staging table that came first (``COPY`` into a temporary table, then
    ``INSERT … SELECT``) was emptied with ``TRUNCATE`` before each use, inside a savepoint; in one
    long transaction, as an import's, each such ``TRUNCATE`` cost more than the one before (0.36 ms
    each for the first 200, 1.5 ms after 1,200), and on 1,000,000 news leads the import's writing
    process waited on them for 1.5 % of its time, against 0.2 % on 100,000 (py-spy, 2026-11-30).

    Args:
        model: The model; ``names`` are its fields' names (``issue`` or ``issue_id`` alike).
        names: The fields of each row, in order.
        rows: One sequence of database-ready values per row (ints, floats, strings, dates…).
        unique: The fields of the unique constraint that decides a conflict.
        update: The fields a conflicting row overwrites; empty: conflicting rows are skipped.
    """
    if not rows:
        return
    alias, connection, fields = _target(model, names)
    meta = model._meta
    if connection.vendor != "postgresql":
        objs = _plain_objects(model, fields, rows)
        model.objects.using(alias).bulk_create(
            objs,
            update_conflicts=bool(update),
            ignore_conflicts=not update,
            unique_fields=list(unique) if update else None,
            update_fields=list(update) if update else None,
            batch_size=5000,
        )
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    # Each column's values as one array of its own type, unnested into rows.
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    conflict = ", ".join(qn(meta.get_field(name).column) for name in unique)
    if update:
        sets = ", ".join(
            f"{qn(meta.get_field(n).column)} = EXCLUDED.{qn(meta.get_field(n).column)}" for n in update
        )
        action = f"DO UPDATE SET {sets}"
    else:
        action = "DO NOTHING"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT * FROM unnest({arrays}) "  # noqa: S608 - model names
        f"ON CONFLICT ({conflict}) {action}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.execute(sql, [list(column) for column in zip(*rows[start : start + 5000], strict=True)])


def bulk_add(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows of plain values that cannot conflict with a stored row; the database numbers them.

    :func:`bulk_upsert` without its staging table, for rows known to be new — the days and
    units of issues the caller's transaction created, which nobody else can have written: on
    PostgreSQL one ``COPY`` straight into the table, which assigns the ids (an identity column's
    default). A 30,000-lead news import writes 28,536 issue days: the server took 440–555 ms to
    upsert them and 275–342 ms to copy them (psql, 3 runs, 2026-11-30). Fields' ``pre_save``
    does not run: give every value. A conflict is an error, as with ``bulk_create``.

    Args:
        model: The model; ``names`` are its fields' names (``issue`` or ``issue_id`` alike).
        names: The fields of each row, in order (not the primary key).
        rows: One sequence of database-ready values per row.
    """
    if not rows:
        return
    alias, connection, fields = _target(model, names)
    if connection.vendor != "postgresql":
        model.objects.using(alias).bulk_create(_plain_objects(model, fields, rows), batch_size=5000)
        return
    table = model._meta.db_table
    columns = [f.column for f in fields]
    oids = _binary_types(connection, table, columns)
    with connection.cursor() as cursor, _copy(cursor, table, columns, oids) as copy:
        for row in rows:
            copy.write_row(row)


def _target(model: type[models.Model], names: Sequence[str]) -> tuple[str, Any, list[models.Field]]:
    """The database alias and connection ``model``'s rows are written to, and its fields ``names``."""
    alias = router.db_for_write(model)
    return alias, connections[alias], [model._meta.get_field(name) for name in names]


def _plain_objects(model: type[models.Model], fields: Sequence[models.Field], rows) -> list[models.Model]:
    return [model(**{f.attname: v for f, v in zip(fields, row, strict=True)}) for row in rows]
