"""A real Open311 client library (``georeport``) against the served platform.

``georeport`` 0.3.1 only reads (services, service definitions, requests); creating a request is
a plain form POST as the GeoReport v2 specification defines it, with the demo API key. The POST
is answered with a token; ``tokens/<token>`` gives the ``service_request_id`` once the task
worker has processed the request.
"""

from __future__ import annotations

import time

import pytest
import requests

from duluan.apps.intake.demo import DEMO_API_KEY

pytestmark = pytest.mark.browser
georeport = pytest.importorskip("georeport")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_and_a_posted_request(platform_url, fmt):
    # given the library pointed at the endpoint, in the province's jurisdiction
    root = platform_url + "/open311/v2"
    client = georeport.GeoReport(root, jurisdiction="24", api_key=DEMO_API_KEY, output_format=fmt)

    # when it lists services and reads one service definition
    services = client.get_service_list()
    definition = client.get_service_definition("transport")

    # then the services are the topic taxonomy
    assert "transport" in [s["service_code"] for s in services]
    assert definition["service_code"] == "transport"

    # when a request is posted (as the spec's form POST) and read back by the library
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": DEMO_API_KEY,
            "jurisdiction_id": "24",
            "service_code": "environment",
            "description": f"Khói bụi từ lò gạch gần phường Vũ Ninh ({fmt})",
            "address_string": "phường Vũ Ninh",
        },
        timeout=30,
    )
    assert posted.status_code == 201
    token = posted.json()[0]["token"]
    request_id = ""
    for _ in range(300):  # the worker processes it in a second or two
        request_id = requests.get(f"{root}/tokens/{token}.json", timeout=30).json()[0]["service_request_id"]
        if request_id:
            break
        time.sleep(0.1)
    one = client.get_service_request(request_id)
    many = client.get_service_requests(service_request_id=request_id)

    # then the library reads the same request, open, in the chosen service
    assert one["service_request_id"] == request_id and one["status"] == "open"
    assert one["service_code"] == "environment"
    many = many if isinstance(many, list) else [many]
    assert [r["service_request_id"] for r in many] == [request_id]
