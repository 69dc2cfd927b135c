"""Keep an issue's other JSON columns as JSON text, not jsonb, on PostgreSQL (as 0007 did for
``title_vector``).

An import writes an issue for most news signals, each with six JSON values (summary terms, hotness
components, forecast, sentiment, channel and unit counts) that nothing searches, filters or
indexes in SQL: they are read back whole. ``jsonb`` parses each value on the way in. COPY of the
94,448 issues of a 100,000-lead news import into a copy of the table took 0.94 s of the
server's CPU with the six columns ``jsonb``, 0.78 s with them ``text`` (text COPY, best of 3,
2026-11-30). SQLite keeps its JSON text as before.
"""

from django.db import migrations

import duluan.apps.core.fields

COLUMNS = (
    "hotness_components",
    "forecast",
    "summary_terms",
    "sentiment_counts",
    "channel_counts",
    "unit_counts",
)


def to_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        alters = ", ".join(f'ALTER COLUMN "{c}" TYPE text' for c in COLUMNS)
        schema_editor.execute(f'ALTER TABLE "issues_issue" {alters}')


def to_jsonb(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        alters = ", ".join(f'ALTER COLUMN "{c}" TYPE jsonb USING "{c}"::jsonb' for c in COLUMNS)
        schema_editor.execute(f'ALTER TABLE "issues_issue" {alters}')


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0007_title_vector_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="issue",
                    name="channel_counts",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=dict),
                ),
                migrations.AlterField(
                    model_name="issue",
                    name="forecast",
                    field=duluan.apps.core.fields.JSONTextField(
                        blank=True, default=dict, verbose_name="dự báo 7 ngày"
                    ),
                ),
                migrations.AlterField(
                    model_name="issue",
                    name="hotness_components",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=list),
                ),
                migrations.AlterField(
                    model_name="issue",
                    name="sentiment_counts",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=dict),
                ),
                migrations.AlterField(
                    model_name="issue",
                    name="summary_terms",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=list),
                ),
                migrations.AlterField(
                    model_name="issue",
                    name="unit_counts",
                    field=duluan.apps.core.fields.JSONTextField(blank=True, default=dict),
                ),
            ],
            database_operations=[migrations.RunPython(to_text, to_jsonb)],
        ),
    ]
