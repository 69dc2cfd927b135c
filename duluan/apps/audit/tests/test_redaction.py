"""The one rewrite the append-only log allows: a redaction of the words in events' ``before`` and
``after`` (for the confidentiality of complainants), through the service only, enforced by the
database itself; nothing else of an event changes, and no event is deleted."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from duluan.apps.audit.models import AuditEvent
from duluan.apps.audit.services import REDACTION_REASON, _redaction, audit_record, audit_values_redact

pytestmark = pytest.mark.django_db

redaction_migration = import_module("duluan.apps.audit.migrations.0003_redaction")

NAME = "Lường Văn Quyết"
TITLE = f"Đơn kiến nghị của ông {NAME}"
MASKED = "Đơn kiến nghị của ông <name>"


def _rename_event() -> AuditEvent:
    return audit_record(
        action="issues.issue_rename",
        object_type="issues.issue",
        object_id=7,
        before={"title": TITLE, "title_confirmed": False},
        after={"title": "Ngập ở thôn Đông", "title_confirmed": True},
        reason="đặt lại tên",
    )


def test_only_the_service_rewrites_an_events_words(audit_append_only):
    # given an event that copied a title holding a writer's name
    event = _rename_event()
    # when anything but the service changes its words, the database refuses
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(before={"title": MASKED, "title_confirmed": False})
    assert AuditEvent.objects.get(pk=event.pk).before["title"] == TITLE
    # and the service masks the name in them
    assert audit_values_redact({TITLE: MASKED}) == 1
    assert AuditEvent.objects.get(pk=event.pk).before == {"title": MASKED, "title_confirmed": False}
    # after which an update is refused again
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(before=None)


def test_a_redaction_replaces_the_words_wherever_they_are_and_records_only_which_events(
    audit_append_only,
):
    # given events holding the title in nested strings (and as part of a longer one), and one not
    rename = _rename_event()
    nested = audit_record(
        action="issues.issue_merge",
        object_type="issues.issue",
        object_id=8,
        before={"issues": [{"title": TITLE, "signals": 3}, {"title": "Mất điện"}], "count": 2},
        after={"note": f"gộp vào «{TITLE}»", TITLE: None},
    )
    other = audit_record(
        action="issues.issue_rename", object_type="issues.issue", after={"title": "Mất điện"}
    )
    fields = ("at", "actor_label", "action", "object_type", "object_id", "ip_address", "reason")
    kept = {e.pk: [getattr(e, f) for f in fields] for e in AuditEvent.objects.all()}
    # when the title is redacted
    assert audit_values_redact({TITLE: MASKED, "": "x", "Mất điện": "Mất điện"}) == 2
    # then every copy of it is masked, and nothing else changed
    nested.refresh_from_db()
    assert nested.before == {"issues": [{"title": MASKED, "signals": 3}, {"title": "Mất điện"}], "count": 2}
    assert nested.after == {"note": f"gộp vào «{MASKED}»", MASKED: None}
    assert AuditEvent.objects.get(pk=rename.pk).before["title"] == MASKED
    assert AuditEvent.objects.get(pk=other.pk).after == {"title": "Mất điện"}
    assert {pk: [getattr(e, f) for f in fields] for pk, e in AuditEvent.objects.in_bulk(kept).items()} == kept
    # and one event says how many events were redacted and which, never the words
    event = AuditEvent.objects.get(action="audit.redact")
    assert event.after == {"events": 2, "ids": [rename.pk, nested.pk]}
    assert (event.before, event.reason) == (None, REDACTION_REASON)
    # and a redaction again finds nothing, and records nothing
    assert audit_values_redact({TITLE: MASKED}) == 0
    assert AuditEvent.objects.filter(action="audit.redact").count() == 1


def test_a_redaction_within_some_objects_reads_only_their_events(audit_append_only):
    # given the title in an issue's event, and in an event of a case
    rename = _rename_event()
    other = audit_record(action="case.note", object_type="cases.case", object_id=3, after={"note": TITLE})
    # when it is redacted within the issues' events
    with CaptureQueriesContext(connection) as queries:
        changed = audit_values_redact({TITLE: MASKED}, object_types=("issues.issue",))
    # then the event is masked as a redaction of every event masks it, and recorded so
    assert changed == 1
    assert AuditEvent.objects.get(pk=rename.pk).before == {"title": MASKED, "title_confirmed": False}
    assert AuditEvent.objects.get(action="audit.redact").after == {"events": 1, "ids": [rename.pk]}
    # and the log was searched among the issues' events only, the case's left as it was
    searches = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert searches and all('"object_type" IN' in sql for sql in searches)
    assert AuditEvent.objects.get(pk=other.pk).after == {"note": TITLE}
    # and within no object at all, nothing is read
    with CaptureQueriesContext(connection) as queries:
        assert audit_values_redact({"Mất điện": "x"}, object_types=()) == 0
    assert not queries.captured_queries


@pytest.mark.parametrize(
    "column, value",
    [
        ("action", "issues.issue_split"),
        ("object_id", "8"),
        ("object_type", "issues.signal"),
        ("actor_label", "canbo"),
        ("reason", ""),
        ("ip_address", "10.1.2.3"),
        ("at", None),
    ],
)
def test_during_a_redaction_no_other_column_changes(audit_append_only, column, value):
    # given an event
    event = _rename_event()
    if column == "at":
        value = event.at - timedelta(days=1)
    # when a redaction is under way, a change of another column (with its words or alone) is refused
    for words in ({}, {"before": {"title": MASKED}}):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), _redaction():
            AuditEvent.objects.filter(pk=event.pk).update(**{column: value}, **words)
    assert AuditEvent.objects.get(pk=event.pk).before["title"] == TITLE
    # while its words alone may change
    with _redaction():
        AuditEvent.objects.filter(pk=event.pk).update(before={"title": MASKED})
    assert AuditEvent.objects.get(pk=event.pk).before == {"title": MASKED}


def test_an_event_is_not_deleted_even_during_a_redaction(audit_append_only):
    event = _rename_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), _redaction():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_triggers_compare_every_column_but_the_words():
    columns = {field.column for field in AuditEvent._meta.concrete_fields} - {"before", "after"}
    assert set(redaction_migration.FIXED_COLUMNS) == columns


def test_the_migration_goes_back_to_an_append_only_log_without_exception(audit_append_only):
    event = _rename_event()
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        # when the migration is undone, the words can no longer be redacted
        redaction_migration.backward(None, editor)
        with pytest.raises(DatabaseError), transaction.atomic(), _redaction():
            AuditEvent.objects.filter(pk=event.pk).update(before={"title": MASKED})
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(before={"title": MASKED})
        # and when it is done again, they can
        redaction_migration.forward(None, editor)
    assert audit_values_redact({TITLE: MASKED}) == 1


def test_a_redaction_takes_a_batch_of_titles(audit_append_only):
    # given an event holding one title of a batch of 500 signals read again (each lending one)
    event = _rename_event()
    replacements = {
        f"Đơn kiến nghị số {n} của ông {NAME}": f"Đơn kiến nghị số {n} của ông <name>" for n in range(499)
    }
    # when they are all redacted at once, the one event is
    assert audit_values_redact(replacements | {TITLE: MASKED}) == 1
    assert AuditEvent.objects.get(pk=event.pk).before["title"] == MASKED
