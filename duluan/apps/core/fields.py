"""Model fields the apps share: JSON kept as text, and machine keys compared byte by byte.

Both serve the bulk write path (:mod:`duluan.apps.core.bulk`): an import writes a signal and,
for most news signals, an issue per row, and these columns are written on every one of them.
"""

from __future__ import annotations

import json

from django.db import models


class JSONTextField(models.JSONField):
    """A JSONField whose column is plain ``text`` on PostgreSQL, not ``jsonb``: for a value that is
    only ever written and read back whole, never searched, filtered or compared in SQL.

    The server then stores the JSON text as it comes instead of parsing it into ``jsonb``'s binary
    form, which for an issue's title vector (a dict of about 24 float weights, 1 KB of JSON) is
    a third of the server's cost of writing the row: COPY of the 94,448 issues of a 100,000-lead news
    import took 2.73 s of the server's CPU with ``jsonb``, 2.06 s with ``json`` and 1.89 s with
    ``text`` (best of 3, 2026-11-30). ``json`` would also have no equality, so a ``SELECT
    DISTINCT`` over issues would fail.

    The value read back equals the value written, floats bit for bit: the column keeps the text
    (orjson's or ``json.dumps``'s shortest round-trip form), which ``json.loads`` reads back, as
    a JSONField reads ``jsonb``; only the order of a dict's keys may differ from ``jsonb``'s,
    which sorted them. JSON lookups (``field__key``, ``__contains``…) do not work on the column.
    Other databases store it as a plain JSONField does.
    """

    # duluan.apps.core.bulk may write the value as orjson's JSON text (see _orjson_writes).
    plain_json_text = True

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        # The JSON text itself: Django's jsonb parameter would be parsed and printed back.
        return json.dumps(value, cls=self.encoder)


class KeyCharField(models.CharField):
    """A CharField for a machine key (a content hash, a cluster key), compared byte by byte on
    PostgreSQL: the column's collation is ``"C"`` there.

    Nobody reads these keys in an order or searches them by case; they are looked up by equality
    (and the undo of an import by a prefix). Under the database's own collation every comparison
    goes through ``strcoll``: each insert into the key's index, each look-up of an import's batch
    of 2,000 keys, each ``ANALYZE`` sorting its sample. 100,000 look-ups in batches of 2,000, on
    a copy of a 100,000-lead import's tables (database collation C.UTF-8): content hashes
    0.34 s of the server's CPU, 0.29 s with "C"; cluster keys 0.19 and 0.17 s (best of 3).
    ``ANALYZE`` of the signal table's id and content hash: 103.0 and 97.5 ms (best of 3 × 20,
    2026-11-30). Equality is the same under both (a deterministic collation). A ``LIKE 'prefix%'`` may then
    use the index too. Other databases keep their own comparison (SQLite has no "C" collation;
    its default, BINARY, already compares bytes).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
