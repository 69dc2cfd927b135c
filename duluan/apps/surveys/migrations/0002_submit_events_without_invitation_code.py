"""Take the invitation's code out of the audit events of the web questionnaire's submissions.

``surveys.response_submit`` recorded ``{"invitation": <code>}`` with the response as its object:
the code is the key a sampled household was handed, so the audit log, kept for good and read by
coordinators and administrators, tied a respondent to their answers. The service records the
round instead now; this removes the code from the events already written.

The audit log is append-only in the database itself (audit migration 0002); this is the one
deliberate rewrite, done inside the migration's transaction and recorded by an event of its own
(``audit.payload_redact``). On SQLite the append-only triggers let rows change while
``audit_purge_flag`` holds a row; PostgreSQL's trigger keeps a row as it was even then, so it is
disabled for the transaction. Backwards leaves the codes out.
"""

from contextlib import contextmanager

from django.db import migrations

ACTION = "surveys.response_submit"
REMOVED = "invitation"


@contextmanager
def _rewritable(connection):
    """The audit log's rows may change within this block (and this block only)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_no_update")
            yield
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_no_update")
            return
        cursor.execute("SELECT COUNT(*) FROM audit_purge_flag")
        held = cursor.fetchone()[0] > 0  # a test database holds it already
        if not held:
            cursor.execute("INSERT INTO audit_purge_flag (id) VALUES (1)")
        yield
        if not held:
            cursor.execute("DELETE FROM audit_purge_flag")


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    alias = schema_editor.connection.alias
    events = list(
        AuditEvent.objects.using(alias)
        .filter(action=ACTION, after__has_key=REMOVED)
        .only("pk", "after")
    )
    if not events:
        return
    with _rewritable(schema_editor.connection):
        for event in events:
            after = {key: value for key, value in event.after.items() if key != REMOVED}
            AuditEvent.objects.using(alias).filter(pk=event.pk).update(after=after or None)
    AuditEvent.objects.using(alias).create(
        action="audit.payload_redact",
        actor_label="system",
        object_type="audit.auditevent",
        after={"action": ACTION, "removed": REMOVED, "events": len(events)},
        reason="Mã mời nối người được khảo sát với phiếu trả lời của họ.",
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("audit", "0002_append_only")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
