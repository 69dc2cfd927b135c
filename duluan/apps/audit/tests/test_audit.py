"""The audit log can be appended to, never rewritten — enforced by the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from duluan.apps.audit.models import AuditEvent
from duluan.apps.audit.selectors import audit_events_for_object
from duluan.apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_an_event_records_who_what_and_before_after(rf, django_user_model):
    user = django_user_model.objects.create_user("canbo", password="x" * 12)
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    event = audit_record(
        action="case.accept",
        actor=user,
        object_type="cases.case",
        object_id=7,
        before={"status": "received"},
        after={"status": "accepted"},
        reason="đủ điều kiện",
        request=request,
    )
    stored = audit_events_for_object(object_type="cases.case", object_id=7).get()
    assert stored == event
    assert (stored.actor_label, stored.ip_address, stored.before, stored.after) == (
        "canbo",
        "10.1.2.3",
        {"status": "received"},
        {"status": "accepted"},
    )


def test_updating_or_deleting_an_event_is_refused(audit_append_only):
    event = audit_record(action="test.append", object_type="x", object_id=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.append"


def test_a_citizens_action_is_recorded_without_their_address(rf):
    from django.contrib.auth.models import AnonymousUser

    # given a citizen's (anonymous) request from their address
    request = rf.post("/intake/gui/", REMOTE_ADDR="113.160.9.27")
    request.user = AnonymousUser()
    # when their action is recorded
    event = audit_record(action="surveys.response_submit", object_type="surveys.response", request=request)
    # then no address is kept (the audit log is kept for good)
    assert event.ip_address is None
