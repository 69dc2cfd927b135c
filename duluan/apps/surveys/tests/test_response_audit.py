"""The audit log of a survey's answers ties no respondent to their answers."""

from __future__ import annotations

import importlib
import json
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import DatabaseError, connection, transaction

from duluan.apps.audit.models import AuditEvent
from duluan.apps.audit.services import audit_record
from duluan.apps.surveys.models import Invitation, InvitationStatus
from duluan.apps.surveys.services import response_submit

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def pending(round_, k=0) -> Invitation:
    return Invitation.objects.filter(round=round_, status=InvitationStatus.PENDING).order_by("pk")[k]


def test_a_submission_s_audit_event_holds_no_invitation_code(small_round):
    # given a respondent who answers with the code they were handed
    invitation = pending(small_round)
    # when they submit
    response = response_submit(invitation=invitation, raw=full_answers(invitation.code))
    # then the event records the response and its round, and not the code (before: {"invitation": code})
    event = AuditEvent.objects.get(action="surveys.response_submit")
    assert (event.object_type, event.object_id, event.after) == (
        "surveys.response",
        str(response.pk),
        {"round": small_round.code},
    )
    assert invitation.code not in json.dumps([event.before, event.after, event.reason])


def test_the_migration_takes_the_code_out_of_the_events_already_written(small_round, audit_append_only):
    # given events written before, one with the code and one of another action
    code = pending(small_round).code
    old = audit_record(
        action="surveys.response_submit",
        object_type="surveys.response",
        object_id=7,
        after={"invitation": code},
    )
    other = audit_record(
        action="surveys.round_open", object_type="surveys.round", object_id=1, after={"code": "R1"}
    )
    # when the migration runs on the append-only log
    migration = importlib.import_module(
        "duluan.apps.surveys.migrations.0002_submit_events_without_invitation_code"
    )
    # (the test's transaction stands for the migration's: SQLite's schema editor cannot open in it)
    migration.forwards(django_apps, SimpleNamespace(connection=connection))
    # then the code is gone from the event, the other is as it was, and the rewrite is itself recorded
    written_at = old.at
    old.refresh_from_db()
    assert old.after is None and (old.action, old.object_id, old.at) == (
        "surveys.response_submit",
        "7",
        written_at,
    )
    assert AuditEvent.objects.get(pk=other.pk).after == {"code": "R1"}
    redact = AuditEvent.objects.get(action="audit.payload_redact")
    assert redact.after == {"action": "surveys.response_submit", "removed": "invitation", "events": 1}
    # and the log is append-only again
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=old.pk).update(after={"invitation": code})
