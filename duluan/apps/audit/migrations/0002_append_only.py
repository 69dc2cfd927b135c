"""Make the audit log append-only in the database itself (PostgreSQL and SQLite).

UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows abort with "audit log is append-only".
The one escape hatch is a row in ``audit_purge_flag``, a table no Django model maps (so the
application cannot write it through the ORM and ``flush`` leaves it alone): test databases set
it so that Django can empty them between transactional tests; production leaves it empty.
"""

from django.db import migrations

MESSAGE = "audit log is append-only"

SQLITE_FORWARD = [
    "CREATE TABLE audit_purge_flag (id INTEGER PRIMARY KEY)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditevent "
    f"WHEN NOT EXISTS (SELECT 1 FROM audit_purge_flag) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
    f"WHEN NOT EXISTS (SELECT 1 FROM audit_purge_flag) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    "DROP TABLE IF EXISTS audit_purge_flag",
]

POSTGRES_FORWARD = [
    "CREATE TABLE audit_purge_flag (id integer PRIMARY KEY)",
    f"""CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM audit_purge_flag) THEN
        IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
        RETURN OLD;
      END IF;
      RAISE EXCEPTION '{MESSAGE}';
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    # TRUNCATE bypasses row triggers; refuse it too.
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_no_update ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
    "DROP TABLE IF EXISTS audit_purge_flag",
]


def run_statements(schema_editor, postgres: list[str], sqlite: list[str]) -> None:
    """Execute ``postgres`` on PostgreSQL, ``sqlite`` elsewhere (0003 runs its own through it)."""
    for sql in postgres if schema_editor.connection.vendor == "postgresql" else sqlite:
        schema_editor.execute(sql)


def forward(apps, schema_editor):
    run_statements(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    run_statements(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
