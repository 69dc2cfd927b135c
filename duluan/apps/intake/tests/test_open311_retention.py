"""An Open311 request keeps no raw text, address or device ids once filed, and whoever holds its
id reads it without the sender's name or house."""

import pytest

from duluan.apps.intake import open311_queue, services
from duluan.apps.intake.models import PendingRequest, Signal
from duluan.apps.intake.retention import open311_processed_rows_purge

pytestmark = pytest.mark.django_db

DESCRIPTION = "Tôi tên là Lê Văn Tố, trú tại số 12 đường Lê Lợi, phường Bắc Giang. Ổ gà lớn trước cửa."


@pytest.fixture
def filed(client):
    _api, key = services.api_client_create(name="Ứng dụng", key="test-key-123456789")
    posted = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "transport",
            "address_string": "số 12 đường Lê Lợi, phường Bắc Giang",
            "description": DESCRIPTION,
            "device_id": "imei-356938035643809",
            "account_id": "zalo-84912345678",
        },
    )
    assert posted.status_code == 201
    open311_queue.open311_pending_drain()
    return PendingRequest.objects.get(), Signal.objects.get()


def test_a_filed_request_keeps_no_raw_text_address_nor_device_ids(filed):
    row, signal = filed
    # then the pending row keeps only its service, and the signal no device or account id
    assert row.status == "done" and row.fields == {"service_code": "transport"}
    assert "device_id" not in signal.extra and "account_id" not in signal.extra
    assert "imei" not in str(signal.extra) and "zalo" not in str(signal.extra)


def test_the_request_is_read_without_its_senders_name_or_house(client, filed):
    _row, signal = filed
    # when anyone holding the id reads it
    (answer,) = client.get(f"/open311/v2/requests/{signal.tracking_code}.json").json()
    # then neither the writer's name nor their house is in the description or the address
    for field in ("description", "address"):
        assert "Lê Văn Tố" not in answer[field] and "số 12" not in answer[field], field
    assert "Ổ gà lớn trước cửa" in answer["description"]
    assert answer["address"] == signal.unit.name


def test_rows_and_signals_kept_before_are_emptied_by_the_purge(filed):
    row, signal = filed
    # given a row and a signal stored as they were before (raw fields, device and account ids)
    PendingRequest.objects.filter(pk=row.pk).update(
        fields={"service_code": "transport", "description": DESCRIPTION}
    )
    Signal.objects.filter(pk=signal.pk).update(
        extra={**signal.extra, "device_id": "imei-1", "account_id": "a-1"}
    )
    # when the purge runs, then both are emptied, and a second run finds nothing
    assert open311_processed_rows_purge() == 2
    row.refresh_from_db()
    signal.refresh_from_db()
    assert row.fields == {"service_code": "transport"} and "device_id" not in signal.extra
    assert open311_processed_rows_purge() == 0
