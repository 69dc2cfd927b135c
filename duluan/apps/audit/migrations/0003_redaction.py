"""Let the audit log's ``before`` and ``after`` be redacted, and nothing else be rewritten.

The one exception to the append-only log (0002) is the confidentiality of complainants: the
events copy words of citizens' signals (an issue's automatic title, lent by a signal, in the
event of an official's rename), and a newer masker may find a private person's name in them
that the older one left. Everywhere else intake then masks the name; the audit log, kept for good
and read by coordinators and administrators, must not keep it either.

An UPDATE of an audit row passes while ``audit_redaction_flag`` (a table no Django model maps)
holds a row AND every column but ``before`` and ``after`` stays as it was. Only
:func:`duluan.apps.audit.services.audit_values_redact` sets the flag, and clears it, inside its
own transaction: on PostgreSQL no other transaction ever sees the row (MVCC); on SQLite no other
connection writes while that transaction holds the database's write lock. DELETE and TRUNCATE stay
refused, redaction or not (only ``audit_purge_flag``, for test databases, lets them through, as
in 0002). Backwards restores 0002's triggers.
"""

from importlib import import_module

from django.db import migrations

append_only = import_module("duluan.apps.audit.migrations.0002_append_only")
MESSAGE = append_only.MESSAGE

# Every column of audit_auditevent but before and after (SQLite compares them one by one; a later
# migration that adds a column adds it here: tests/test_redaction.py checks the list).
FIXED_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "reason",
)

_SQLITE_UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in FIXED_COLUMNS)
SQLITE_FORWARD = [
    "CREATE TABLE audit_redaction_flag (id INTEGER PRIMARY KEY)",
    "DROP TRIGGER audit_no_update",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_flag) "
    f"AND NOT (EXISTS (SELECT 1 FROM audit_redaction_flag) AND {_SQLITE_UNCHANGED}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    next(sql for sql in append_only.SQLITE_FORWARD if sql.startswith("CREATE TRIGGER audit_no_update")),
    "DROP TABLE IF EXISTS audit_redaction_flag",
]

# The function 0002's row and TRUNCATE triggers call; a redaction is let through before the purge
# flag is read, which on PostgreSQL keeps an updated row as it was.
POSTGRES_FORWARD = [
    "CREATE TABLE audit_redaction_flag (id integer PRIMARY KEY)",
    f"""CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM audit_redaction_flag)
           AND to_jsonb(NEW) - 'before' - 'after' = to_jsonb(OLD) - 'before' - 'after' THEN
          RETURN NEW;
        END IF;
      END IF;
      IF EXISTS (SELECT 1 FROM audit_purge_flag) THEN
        IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
        RETURN OLD;
      END IF;
      RAISE EXCEPTION '{MESSAGE}';
    END; $$ LANGUAGE plpgsql""",
]
POSTGRES_BACKWARD = [
    next(sql for sql in append_only.POSTGRES_FORWARD if "FUNCTION audit_refuse_change" in sql),
    "DROP TABLE IF EXISTS audit_redaction_flag",
]


def forward(apps, schema_editor):
    append_only.run_statements(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    append_only.run_statements(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [migrations.RunPython(forward, backward)]
