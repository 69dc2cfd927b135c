"""Keep a signal's places and topic terms as JSON text, not jsonb, on PostgreSQL (as issues 0007
and 0008 did for an issue's JSON columns), and compress its long text columns with LZ4.

Every imported signal carries both values; nothing searches, filters or indexes them in SQL (they
are read back whole), and ``jsonb`` parses each on the way in. COPY of the 99,987 signals of a
100,000-lead news import into a copy of the table took 1.08 s of the server's CPU with the two
columns ``jsonb``, 0.90 s with them ``text`` (text COPY, best of 3, 2026-11-30). ``extra`` stays
``jsonb``: Open311 filters on ``extra__api_client_id``.

A row longer than about 2 kB has its longest values compressed; pglz costs more than LZ4 to try:
the same COPY (binary) took 0.80 s with pglz, 0.72 s with LZ4 on ``text``, ``text_masked``,
``search_key`` and ``title`` (best of 3, 2026-11-30). SQLite and a server built without LZ4 keep
what they have.
"""

from django.db import migrations

import duluan.apps.core.fields

TABLE = "intake_signal"
JSON_COLUMNS = ("places", "topic_terms")
LZ4_COLUMNS = ("title", "text", "text_masked", "search_key")


def _lz4_available(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        # default_toast_compression lists the methods this server was built with (PostgreSQL 14+).
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return row is not None and "lz4" in (row[0] or [])


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # a JSONField is text already (SQLite: text checked by JSON_VALID)
    alters = [f'ALTER COLUMN "{c}" TYPE text' for c in JSON_COLUMNS]
    if _lz4_available(schema_editor):
        alters += [f'ALTER COLUMN "{c}" SET COMPRESSION lz4' for c in LZ4_COLUMNS]
    schema_editor.execute(f'ALTER TABLE "{TABLE}" {", ".join(alters)}')


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    alters = [f'ALTER COLUMN "{c}" TYPE jsonb USING "{c}"::jsonb' for c in JSON_COLUMNS]
    if _lz4_available(schema_editor):
        alters += [f'ALTER COLUMN "{c}" SET COMPRESSION default' for c in LZ4_COLUMNS]
    schema_editor.execute(f'ALTER TABLE "{TABLE}" {", ".join(alters)}')


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_partial_indexes"),
        ("issues", "0008_issue_json_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="signal",
                    name="places",
                    field=duluan.apps.core.fields.JSONTextField(
                        blank=True, default=list, verbose_name="địa danh nhận diện"
                    ),
                ),
                migrations.AlterField(
                    model_name="signal",
                    name="topic_terms",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=list),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
