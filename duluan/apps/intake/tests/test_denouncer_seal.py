"""A denouncer's identity, and the text as they wrote it, reach only those designated to handle
the denunciation (Luật Tố cáo 2018), whatever the channel it came by."""

import pytest
from django.urls import reverse

from duluan.apps.audit.models import AuditEvent
from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake import open311_queue, permissions, services
from duluan.apps.intake.models import Channel, Signal

pytestmark = pytest.mark.django_db

BAC_GIANG = "07210"
TEXT = "Cán bộ phường Bắc Giang vòi tiền khi làm sổ đỏ. Tôi tên là Lê Văn Tố, gọi 0911222333."


@pytest.fixture
def staff(demo):
    from duluan.apps.cases.demo import users_seed

    users_seed()  # the inspectorate's officials; its chief holds cases.reveal_denouncer
    from duluan.apps.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def sees_sender(client, user, signal) -> bool:
    client.force_login(user)
    page = client.get(reverse("intake:signal_detail", args=[signal.pk]))
    assert page.status_code == 200, user.username  # each of them sees the signal itself
    html = page.content.decode()
    return "Lê Văn Tố" in html or "0911222333" in html or "to@mail.vn" in html


def test_an_open311_denunciation_is_sealed_from_the_accused_ward_and_routing_roles(client, staff):
    # given a corruption request sent by Open311 about the ward's officials, with its sender
    _api, key = services.api_client_create(name="Ứng dụng", key="test-key-123456789")
    posted = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "corruption",
            "address_string": "phường Bắc Giang, tỉnh Bắc Ninh",
            "description": TEXT,
            "first_name": "Lê Văn",
            "last_name": "Tố",
            "email": "to@mail.vn",
            "phone": "0911222333",
        },
    )
    assert posted.status_code == 201
    open311_queue.open311_pending_drain()
    signal = Signal.objects.get(channel=Channel.OPEN311)
    assert signal.unit.code == BAC_GIANG and permissions.is_sealed(signal)
    client.logout()
    # then the accused ward's officer and head, the coordinator, the administrator and the
    # inspectorate's officer without the designation see neither the sender nor the raw text
    for name in ("canbo.bacgiang", "lanhdao.bacgiang", "dieuphoi", "quantri", "canbo.thanhtra"):
        assert not sees_sender(client, staff[name], signal), name
    # and the designated handler (the chief inspector) does, and that showing is audited
    assert sees_sender(client, staff["lanhdao.thanhtra"], signal)
    shown = AuditEvent.objects.get(action="intake.signal_sender_show")
    assert shown.actor == staff["lanhdao.thanhtra"] and shown.object_id == str(signal.pk)


@pytest.mark.parametrize(
    "channel, extra, topic",
    [
        (Channel.HOTLINE, {}, "corruption"),
        (Channel.EMAIL, {"kind": "denunciation"}, ""),
    ],
)
def test_a_denunciation_by_hotline_or_email_is_sealed(client, staff, channel, extra, topic):
    # given a denunciation taken by phone or by e-mail, placed in the ward, which no case holds
    signal, _ = services.signal_ingest(
        channel=channel,
        text=TEXT,
        unit=AdminUnit.objects.get(scheme="2025", code=BAC_GIANG),
        topic=topic,
        extra=extra,
        reporter={"name": "Lê Văn Tố", "phone": "0911222333"},
    )
    # then the ward's government and the coordinator see only the masked text
    for name in ("canbo.bacgiang", "dieuphoi"):
        assert not sees_sender(client, staff[name], signal), name
    assert sees_sender(client, staff["lanhdao.thanhtra"], signal)


def test_a_new_topic_does_not_unseal_a_denunciation(client, staff):
    # given a corruption report in the ward
    signal, _ = services.signal_ingest(
        channel=Channel.HOTLINE,
        text=TEXT,
        unit=AdminUnit.objects.get(scheme="2025", code=BAC_GIANG),
        topic="corruption",
        reporter={"name": "Lê Văn Tố", "phone": "0911222333"},
    )
    # when the ward's officer relabels it as an administrative procedure
    client.force_login(staff["canbo.bacgiang"])
    client.post(reverse("intake:signal_confirm_topic", args=[signal.pk]), {"topic": "admin_procedures"})
    signal.refresh_from_db()
    assert signal.topic == "admin_procedures"
    # then its sender stays sealed from them
    assert not sees_sender(client, staff["canbo.bacgiang"], signal)


def test_an_ordinary_report_still_shows_its_sender_to_the_ward(client, staff):
    # given a pavement report (no misconduct) in the ward
    signal, _ = services.signal_ingest(
        channel=Channel.HOTLINE,
        text="Vỉa hè bị lấn chiếm ở phường Bắc Giang",
        unit=AdminUnit.objects.get(scheme="2025", code=BAC_GIANG),
        reporter={"name": "Lê Văn Tố", "phone": "0911222333"},
    )
    assert not permissions.is_sealed(signal)
    # then the ward's officer and the coordinator see its sender, as before
    assert sees_sender(client, staff["canbo.bacgiang"], signal)
    assert sees_sender(client, staff["dieuphoi"], signal)
