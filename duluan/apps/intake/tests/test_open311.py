import json

import pytest
from lxml import etree

from duluan.apps.audit.models import AuditEvent
from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake import open311, open311_queue, services
from duluan.apps.intake.models import ApiClient, PendingRequest, Reporter, Signal

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(db):
    _client, key = services.api_client_create(name="Ứng dụng thử", key="test-key-123456789")
    return key


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_discovery_and_services_in_both_formats(client):
    # when a client discovers the endpoint and lists services
    discovery = client.get(f"{BASE}/discovery.json").json()
    services_json = client.get(f"{BASE}/services.json", {"jurisdiction_id": "24"}).json()
    services_xml = etree.fromstring(client.get(f"{BASE}/services.xml").content)
    # then the services are the topic taxonomy, in JSON and XML alike
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert "land" in {s["service_code"] for s in services_json}
    assert services_xml.tag == "services"
    assert [e.text for e in services_xml.iter("service_code")] == [s["service_code"] for s in services_json]
    definition = client.get(f"{BASE}/services/land.xml")
    assert etree.fromstring(definition.content).findtext("service_code") == "land"


def test_a_request_is_answered_with_a_token_and_processed_by_the_worker(client, api_key):
    # given a request with a position in Vũ Ninh and the reporter's name, e-mail and phone
    created = post(
        client,
        api_key=api_key,
        service_code="transport",
        lat="21.1935",
        long="106.0772",
        description="Ổ gà lớn giữa đường, rất nguy hiểm cho xe máy",
        first_name="Nguyễn",
        last_name="Văn Dân",
        email="dan@example.vn",
        phone="0912345678",
    )
    # then the answer is a token (no id yet), and one pending row holds the request
    assert created.status_code == 201
    row = created.json()[0]
    assert row["token"].startswith("tk-") and "service_request_id" not in row
    assert row["service_notice"] == open311.NOTICE
    pending = PendingRequest.objects.get()
    assert pending.token == row["token"] and pending.status == "pending"
    assert pending.reporter["email"] == "dan@example.vn"
    assert not Signal.objects.exists()
    # and the token says, as the spec does, that the id is not there yet
    waiting = client.get(f"{BASE}/tokens/{row['token']}.json").json()
    assert waiting == [{"service_request_id": "", "token": row["token"]}]

    # when the task worker runs
    report = open311_queue.open311_pending_drain()
    # then the request is an Open311 signal with the chosen service, placed and trackable
    assert (report.done, report.batches) == (1, 1)
    token = client.get(f"{BASE}/tokens/{row['token']}.xml")
    request_id = etree.fromstring(token.content).findtext("request/service_request_id")
    signal = Signal.objects.get(tracking_code=request_id)
    assert signal.channel == "open311" and signal.topic == "transport" and signal.unit is not None
    assert signal.created_at == pending.created_at  # when the citizen sent it
    # and the personal data is in the reporter row only, gone from the pending row
    reporter = Reporter.objects.get(signal=signal)
    assert (reporter.name, reporter.email, reporter.phone) == (
        "Nguyễn Văn Dân",
        "dan@example.vn",
        "0912345678",
    )
    pending.refresh_from_db()
    assert pending.reporter == {} and pending.status == "done" and pending.signal == signal
    detail = client.get(f"{BASE}/requests/{request_id}.json").json()[0]
    assert detail["status"] == "open" and detail["service_code"] == "transport"
    assert detail["requested_datetime"].endswith("+07:00")
    assert "dan@example.vn" not in json.dumps(detail)
    events = AuditEvent.objects.filter(action__startswith="intake.").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == [
        "intake.api_client_create",
        "intake.open311_request_accept",
        "intake.signals_ingest",
        "intake.open311_requests_process",
    ]


def test_a_description_that_shows_nothing_is_missing(client, api_key):
    # when a request whose description is zero-width spaces alone is posted
    response = post(
        client, api_key=api_key, service_code="land", lat="21.19", long="106.07", description="\u200b\u200b"
    )
    # then it is refused as a request without a description, and nothing waits
    assert response.status_code == 400 and "Thiếu description" in response.json()[0]["description"]
    assert PendingRequest.objects.count() == 0


def test_a_retried_post_gets_the_same_token_and_stores_nothing_new(client, api_key):
    # given a request posted once
    data = {
        "api_key": api_key,
        "service_code": "environment",
        "address_string": "phường Vũ Ninh",
        "description": "Khói bụi từ lò gạch",
        "email": "dan@example.vn",
    }
    first = post(client, **data).json()[0]
    # when the client posts it again before the worker ran
    again = post(client, **data)
    # then it gets the same token, with 200, and one row waits
    assert again.status_code == 200 and again.json()[0]["token"] == first["token"]
    assert PendingRequest.objects.count() == 1

    # when the worker ran and the client posts it a third time
    open311_queue.open311_pending_drain()
    third = post(client, **data)
    # then it gets the same token and, now known, the request's id; one signal was stored
    signal = Signal.objects.get()
    assert third.status_code == 200
    assert third.json()[0] == {
        "service_request_id": signal.tracking_code,
        "token": first["token"],
        "service_notice": open311.NOTICE,
        "account_id": "",
    }
    assert PendingRequest.objects.count() == 1 and signal.unit.name == "Phường Vũ Ninh"


def test_an_accepted_post_enqueues_the_worker_once_committed(
    client, api_key, django_capture_on_commit_callbacks
):
    # when a request is posted (the tests' immediate task backend runs the task at once)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = post(
            client,
            "xml",
            api_key=api_key,
            service_code="utilities",
            lat="21.19",
            long="106.07",
            description="Mất nước sinh hoạt ba ngày",
        )
    # then the answer still carries only the token, and the token now gives the id
    token = etree.fromstring(created.content).findtext("request/token")
    assert created.status_code == 201 and len(callbacks) >= 1
    request_id = client.get(f"{BASE}/tokens/{token}.json").json()[0]["service_request_id"]
    assert request_id == Signal.objects.get().tracking_code != ""


def test_unknown_and_rejected_tokens_get_the_specs_errors(client, api_key):
    # given a stored request whose text the write path refuses (undecodable bytes: a row from
    # before the POST checked for them)
    post(
        client, api_key=api_key, service_code="land", lat="21.19", long="106.07", description="Lấn chiếm đất"
    )
    PendingRequest.objects.update(
        fields={**PendingRequest.objects.get().fields, "description": "Lấn chiếm \ufffd"}
    )
    token = PendingRequest.objects.get().token
    # when the worker runs
    report = open311_queue.open311_pending_drain()
    # then the request is rejected with the write path's reason, personal data gone, no signal
    pending = PendingRequest.objects.get()
    assert report.rejected == 1 and pending.status == "rejected" and pending.reporter == {}
    assert not Signal.objects.exists()
    rejected = client.get(f"{BASE}/tokens/{token}.json")
    assert rejected.status_code == 400
    assert rejected.json() == [{"code": 400, "description": services.BAD_ENCODING}]
    # and an unknown token is a 404 in both formats
    missing = client.get(f"{BASE}/tokens/tk-000.json")
    assert missing.status_code == 404
    assert missing.json()[0]["description"] == open311.ERR_TOKEN.format(value="tk-000")
    as_xml = client.get(f"{BASE}/tokens/tk-000.xml")
    assert etree.fromstring(as_xml.content).findtext("error/code") == "404"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"service_code": "land", "description": "x", "lat": "21", "long": "106"}, 403, open311.ERR_API_KEY),
        ({"service_code": "nope", "description": "x", "lat": "21", "long": "106"}, 400, None),
        ({"service_code": "land", "description": "Lấn chiếm đất"}, 400, open311.ERR_LOCATION),
        (
            {"service_code": "land", "description": "", "lat": "21", "long": "106"},
            400,
            open311.ERR_DESCRIPTION,
        ),
        (
            {"service_code": "land", "description": "x", "lat": "abc", "long": "106"},
            400,
            open311.ERR_BAD_COORDS,
        ),
        (
            {"service_code": "land", "description": "x" * 4001, "lat": "21", "long": "106"},
            400,
            open311.ERR_DESCRIPTION_LONG,
        ),
        (
            {"service_code": "land", "description": "Lấn chiếm \ufffd", "lat": "21", "long": "106"},
            400,
            services.BAD_ENCODING,
        ),
        *(
            (
                {"service_code": "land", "description": "x", "lat": "21", "long": "106", "media_url": url},
                400,
                open311.ERR_MEDIA_URL,
            )
            for url in (
                "javascript:alert(1)",
                "data:text/html,<b>x</b>",
                "ảnh.jpg",
                "https://a.vn/" + "x" * 500,
            )
        ),
        *(
            (
                {"service_code": "land", "description": "x", "lat": "21", "long": "106", "email": email},
                400,
                open311.ERR_EMAIL,
            )
            for email in ("dan", "dan@", "dan@example.vn<script>", "d" * 250 + "@example.vn")
        ),
        *(
            (
                {"service_code": "land", "description": "x", "lat": "21", "long": "106", "phone": phone},
                400,
                open311.ERR_PHONE,
            )
            for phone in ("abc", "0912abc678", "113")
        ),
    ],
)
def test_bad_requests_get_the_specs_errors(client, api_key, data, status, message):
    # given a bad request (no key, unknown service, no place, no text, bad coordinates, a link
    # that is no web address, an e-mail that is none)
    if status != 403:
        data = {**data, "api_key": api_key}
    # when posted as XML and JSON
    as_json = post(client, "json", **data)
    as_xml = post(client, "xml", **data)
    # then both formats say the same in the spec's error shape, and nothing is stored
    assert as_json.status_code == as_xml.status_code == status
    error = as_json.json()[0]
    assert error["code"] == status
    assert message is None or error["description"] == message
    assert etree.fromstring(as_xml.content).findtext("error/description") == error["description"]
    assert not PendingRequest.objects.exists() and not Signal.objects.exists()


def test_a_media_url_is_kept_as_sent_and_one_stored_unchecked_is_not_given_out(client, api_key):
    # given a request with a photo's address, and an older one whose stored link is a script
    created = post(
        client,
        api_key=api_key,
        service_code="environment",
        lat="21.1935",
        long="106.0772",
        description="Rác đổ trộm ven đường",
        media_url=" https://anh.example.vn/rac.jpg ",
        email=" dan@example.vn ",
        phone=" 0912 345 678 ",
    )
    assert created.status_code == 201
    open311_queue.open311_pending_drain()
    signal = Signal.objects.get()
    reporter = Reporter.objects.get(signal=signal)
    assert (reporter.email, reporter.phone) == ("dan@example.vn", "0912 345 678")
    detail = client.get(f"{BASE}/requests/{signal.tracking_code}.json").json()[0]
    assert detail["media_url"] == "https://anh.example.vn/rac.jpg"
    signal.extra = {**signal.extra, "media_url": "javascript:alert(1)"}
    signal.save(update_fields=["extra"])
    # then the stored script is not given out, in either format
    assert client.get(f"{BASE}/requests/{signal.tracking_code}.json").json()[0]["media_url"] == ""
    xml = etree.fromstring(client.get(f"{BASE}/requests/{signal.tracking_code}.xml").content)
    assert xml.findtext("request/media_url") == ""


def test_unknown_jurisdiction_service_and_request_are_404(client):
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "01"}).status_code == 404
    assert client.get(f"{BASE}/services/nope.json").status_code == 404
    assert client.get(f"{BASE}/requests/DL-ZZZZ-ZZZZ.json").status_code == 404


def test_search_lists_only_the_clients_own_requests(client, api_key):
    # given one request by this client and a web submission by a citizen
    post(
        client,
        api_key=api_key,
        service_code="environment",
        address_string="phường Vũ Ninh",
        description="Khói bụi",
    )
    open311_queue.open311_pending_drain()
    services.signal_ingest(
        channel="web",
        text="Rác thải",
        unit=AdminUnit.objects.get(scheme="2025", code="09169"),
        tracking=True,
        external_id="web:x",
    )
    # when searching without ids
    anonymous = client.get(f"{BASE}/requests.json")
    mine = client.get(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "environment"}).json()
    # then an anonymous search is refused and the client sees only its own request
    assert anonymous.status_code == 403
    assert [r["description"] for r in mine] == ["Khói bụi"]


def test_a_search_by_a_date_that_is_none_is_a_bad_request_not_an_error(client, api_key):
    # given dates of the form of a time that name none, or lie where no zone can move them
    for value in ("2026-13-45T00:00:00", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"):
        # when requests are searched from them, then each is refused as a bad date (it was a 500)
        got = client.get(f"{BASE}/requests.json", {"api_key": api_key, "start_date": value})
        assert got.status_code == 400, value


def test_a_post_is_cheap_and_a_deactivated_key_stops_working_within_the_cache_time(
    client, api_key, monkeypatch, django_assert_num_queries
):
    # given a client whose key was just checked, and a clock we can move
    clock = {"now": 1000.0}
    monkeypatch.setattr(services.time, "monotonic", lambda: clock["now"])
    data = {"api_key": api_key, "service_code": "land", "lat": "21.19", "long": "106.07"}
    assert post(client, **data, description="Lấn chiếm đất công").status_code == 201
    # when it posts again: the key is remembered, so the request is one pending row and its
    # audit event, in one transaction (no analysis, no signal, no clustering)
    with django_assert_num_queries(4):  # savepoint, pending row, audit event, release
        assert post(client, **data, description="Lấn chiếm vỉa hè").status_code == 201
    # when an official deactivates the key
    ApiClient.objects.update(is_active=False)
    clock["now"] += services.KEY_CACHE_SECONDS / 2
    within = post(client, **data, description="Xây dựng trái phép")
    clock["now"] += services.KEY_CACHE_SECONDS
    after = post(client, **data, description="Đổ rác trái phép")
    # then it works until the cache time has passed, and is refused after
    assert within.status_code == 201
    assert after.status_code == 403 and after.json()[0]["description"] == open311.ERR_API_KEY
    assert PendingRequest.objects.count() == 3


def test_a_client_that_asks_for_english_gets_its_answers_in_english(client, api_key):
    # given the services listed as a client asks by default and with locale=en
    default = {s["service_code"]: s for s in client.get(f"{BASE}/services.json").json()}
    english = {s["service_code"]: s for s in client.get(f"{BASE}/services.json", {"locale": "en"}).json()}
    # then names and groups are Vietnamese unless English is asked for, in XML too
    assert (default["land"]["service_name"], default["land"]["group"]) == (
        "Đất đai, bồi thường, giải phóng mặt bằng",
        "Dư luận xã hội",
    )
    assert (english["land"]["service_name"], english["land"]["group"]) == (
        "Land, compensation and site clearance",
        "Public opinion",
    )
    as_xml = etree.fromstring(client.get(f"{BASE}/services.xml", {"locale": "en_US"}).content)
    assert "Land, compensation and site clearance" in [e.text for e in as_xml.iter("service_name")]
    # and so are the descriptions of every service, while the keywords stay the words reports
    # are written in
    assert default["land"]["description"].startswith("Giao đất, thu hồi đất")
    assert english["land"]["description"].startswith("Land allocation and recovery")
    assert all(s["description"] != default[code]["description"] for code, s in english.items())
    assert english["land"]["keywords"] == default["land"]["keywords"]
    # and so are the errors, and the notice of a request posted
    refused = post(client, api_key=api_key, service_code="land", description="x", locale="en")
    assert refused.json() == [
        {"code": 400, "description": "A location is needed: lat and long, or address_string, or address_id."}
    ]
    assert post(client, api_key=api_key, service_code="land", description="x").json()[0]["description"] == (
        "Cần vị trí: lat và long, hoặc address_string, hoặc address_id."
    )
    # (asked in the query of a POST, as api_key may be, too)
    queried = client.post(f"{BASE}/requests.json?locale=en", {"api_key": api_key, "service_code": "nope"})
    assert queried.json()[0]["description"] == "service_code 'nope' does not exist."
    posted = post(
        client,
        api_key=api_key,
        service_code="land",
        description="Lấn chiếm đất công",
        lat="21.19",
        long="106.07",
        locale="en",
    )
    assert posted.json()[0]["service_notice"].startswith("Received. The request is being processed")
    # and the request itself, once processed
    open311_queue.open311_pending_drain()
    request_id = Signal.objects.get().tracking_code
    row = client.get(f"{BASE}/requests/{request_id}.json", {"locale": "en"}).json()[0]
    assert (row["service_name"], row["status_notes"]) == ("Land, compensation and site clearance", "Received")
    row = client.get(f"{BASE}/requests/{request_id}.json").json()[0]
    assert (row["service_name"], row["status_notes"]) == (
        "Đất đai, bồi thường, giải phóng mặt bằng",
        "Đã tiếp nhận",
    )
