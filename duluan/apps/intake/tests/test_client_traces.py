"""A citizen who writes in cannot be traced by their address: the audit log keeps no address of
theirs, the marks kept against double submits are keyed hashes, and they go once their window
has passed."""

import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from duluan.apps.audit.models import AuditEvent
from duluan.apps.core.ratelimit import client_id
from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake import tasks
from duluan.apps.intake.models import Signal
from duluan.apps.intake.retention import signal_client_marks_purge

pytestmark = pytest.mark.django_db

CITIZEN_IP = "113.160.9.27"


def denunciation():
    return {
        "token": "t-1",
        "kind": "denunciation",
        "text": "Cán bộ địa chính phường nhận tiền ngoài quy định khi làm sổ đỏ.",
        "unit": str(AdminUnit.objects.get(scheme="2025", code="07210").pk),
        "anonymous": "on",
        "consent": "on",
    }


def test_an_anonymous_denunciation_leaves_no_address_in_the_audit_log(client, demo):
    # given a citizen who sends an anonymous denunciation from their address
    response = client.post(reverse("intake:submit"), denunciation(), REMOTE_ADDR=CITIZEN_IP)
    assert response.status_code == 302
    # then no audit event holds an address
    events = AuditEvent.objects.all()
    assert events.exists()
    assert not events.filter(ip_address__isnull=False).exists()
    # and the signal's client mark is not the bare hash of the address
    signal = Signal.objects.get()
    assert hashlib.sha256(CITIZEN_IP.encode()).hexdigest()[:24] not in signal.extra["client"]
    assert hashlib.sha256(CITIZEN_IP.encode()).hexdigest()[:24] not in signal.external_id
    # while an official's own action keeps their address
    client.force_login(demo["dieuphoi"])
    client.post(
        reverse("intake:signal_confirm_topic", args=[signal.pk]),
        {"topic": "corruption"},
        REMOTE_ADDR="10.0.0.5",
    )
    assert AuditEvent.objects.get(action="intake.signal_topic_confirm").ip_address == "10.0.0.5"


def test_a_client_id_is_keyed_with_the_servers_secret(rf):
    # given a request from a known address
    request = rf.get("/", REMOTE_ADDR=CITIZEN_IP)
    # then its id is no bare hash of the address, and another secret gives another id
    mark = client_id(request)
    assert mark != hashlib.sha256(CITIZEN_IP.encode()).hexdigest()[:24]
    with override_settings(SECRET_KEY="another-secret-" + "x" * 40):
        assert client_id(request) != mark


def test_a_client_mark_is_dropped_once_the_double_submit_window_has_passed(client):
    # given two web reports, one sent now and one sent an hour ago
    client.post(reverse("intake:submit"), denunciation(), REMOTE_ADDR=CITIZEN_IP)
    client.post(
        reverse("intake:submit"),
        {**denunciation(), "token": "t-2", "text": "Xin cấp phép chậm."},
        REMOTE_ADDR=CITIZEN_IP,
    )
    old, new = Signal.objects.order_by("pk")
    Signal.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(hours=1))
    # when the periodic drain runs
    tasks.open311_pending_drain_task.call()
    # then the old one's mark is gone, the new one's (still within the window) is kept
    old.refresh_from_db()
    new.refresh_from_db()
    assert "client" not in old.extra and old.extra["kind"] == "denunciation"
    assert "client" in new.extra
    assert AuditEvent.objects.get(action="intake.signal_client_marks_purge").after == {"signals": 1}
    # and once it has passed too, nothing is left
    assert signal_client_marks_purge(now=timezone.now() + timedelta(minutes=11)) == 1
    assert not Signal.objects.filter(extra__has_key="client").exists()
