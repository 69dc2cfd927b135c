import json

import pytest
from lxml import etree

from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake import open311, services
from duluan.apps.intake.models import Reporter, Signal

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


def test_a_request_is_created_with_a_key_and_read_back(client, api_key):
    # given a request with a position in Vũ Ninh and the reporter's e-mail
    created = post(
        client,
        api_key=api_key,
        service_code="transport",
        lat="21.1935",
        long="106.0772",
        description="Ổ gà lớn giữa đường, rất nguy hiểm cho xe máy",
        email="dan@example.vn",
    )
    # then it is stored as an Open311 signal with the chosen service, placed and trackable
    assert created.status_code == 201
    row = created.json()[0]
    signal = Signal.objects.get(tracking_code=row["service_request_id"])
    assert signal.channel == "open311" and signal.topic == "transport" and signal.unit is not None
    assert Reporter.objects.get(signal=signal).email == "dan@example.vn"
    detail = client.get(f"{BASE}/requests/{row['service_request_id']}.json").json()[0]
    assert detail["status"] == "open" and detail["service_code"] == "transport"
    assert detail["requested_datetime"].endswith("+07:00")
    assert "dan@example.vn" not in json.dumps(detail)
    token = client.get(f"{BASE}/tokens/{row['token']}.xml")
    assert etree.fromstring(token.content).findtext("request/service_request_id") == row["service_request_id"]
    # and posting it again stores nothing new
    again = post(
        client,
        api_key=api_key,
        service_code="transport",
        lat="21.1935",
        long="106.0772",
        description="Ổ gà lớn giữa đường, rất nguy hiểm cho xe máy",
        email="dan@example.vn",
    )
    assert again.status_code == 200 and Signal.objects.count() == 1


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
    ],
)
def test_bad_requests_get_the_specs_errors(client, api_key, data, status, message):
    # given a bad request (no key, unknown service, no place, no text, bad coordinates)
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
    assert Signal.objects.count() == 0


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
