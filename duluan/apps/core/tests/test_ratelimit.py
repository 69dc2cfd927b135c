"""Public pages looked up by a code refuse a client that keeps guessing, and only that client."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(RATE_LIMITS={"code_miss": (3, 600)})
@pytest.mark.parametrize(
    "url",
    [
        "/intake/track/{code}/",
        "/cases/track/{code}/",
        "/surveys/tra-loi/{code}/",
        # and every other lookup by a code: they share the count
        "/api/cases/track/{code}",
        "/surveys/tra-loi/{code}/cam-on/",
        "/open311/v2/requests/{code}.json",
    ],
)
def test_guessing_codes_is_refused_after_a_few_misses(client, url):
    # given a client that tries codes that do not exist
    for n in range(3):
        assert client.get(url.format(code=f"NOPE{n}"), REMOTE_ADDR="10.0.0.7").status_code == 404
    # when it tries again
    response = client.get(url.format(code="NOPE9"), REMOTE_ADDR="10.0.0.7")
    # then it is refused with a clear message, while another client is not
    assert response.status_code == 429
    assert "nhập sai mã quá nhiều lần" in response.content.decode()
    assert client.get(url.format(code="NOPE9"), REMOTE_ADDR="10.0.0.8").status_code == 404


@override_settings(RATE_LIMITS={"code_miss": (2, 600)})
def test_the_invitation_code_form_counts_misses_too(client):
    client.get("/surveys/tra-loi/")  # (where the browser is given its number)
    for _ in range(2):
        response = client.post("/surveys/tra-loi/", {"code": "ZZZZZZZZ"})
        assert response.status_code == 200
    assert client.post("/surveys/tra-loi/", {"code": "ZZZZZZZZ"}).status_code == 429


@override_settings(RATE_LIMITS={"code_miss": (3, 600)})
def test_looking_up_many_open311_ids_at_once_counts_each_that_names_nothing(client):
    # given a client that asks for five ids at once, none of which names a request
    ids = ",".join(f"DL-NOPE-{n:04d}" for n in range(5))
    first = client.get("/open311/v2/requests.json", {"service_request_id": ids}, REMOTE_ADDR="10.0.0.7")
    assert first.status_code == 200 and first.json() == []
    # then it has used up its misses: the next lookup, of any kind, is refused
    again = client.get(
        "/open311/v2/requests.json", {"service_request_id": "DL-NOPE-9999"}, REMOTE_ADDR="10.0.0.7"
    )
    assert again.status_code == 429
    assert client.get("/intake/track/DL-NOPE-9999/", REMOTE_ADDR="10.0.0.7").status_code == 429


def _browser(client, number: str):
    from duluan.apps.core.ratelimit import BROWSER_COOKIE

    client.cookies[BROWSER_COOKIE] = number * 32
    return client


@override_settings(RATE_LIMITS={"code_miss": (3, 600), "code_miss_address": (7, 600)})
def test_one_guesser_behind_a_carriers_address_does_not_lock_out_the_others(client):
    from django.test import Client

    guesser, citizen, cookieless = _browser(client, "a"), _browser(Client(), "b"), Client()
    # given one browser behind a shared address that has guessed codes until it is refused
    for n in range(3):
        assert guesser.get(f"/intake/track/NOPE{n}/", REMOTE_ADDR="10.0.0.7").status_code == 404
    assert guesser.get("/cases/track/NOPE9/", REMOTE_ADDR="10.0.0.7").status_code == 429
    # then another browser behind that address, and a client without a cookie, may still look codes up
    assert citizen.get("/intake/track/NOPE9/", REMOTE_ADDR="10.0.0.7").status_code == 404
    assert cookieless.get("/open311/v2/requests/NOPE9.json", REMOTE_ADDR="10.0.0.7").status_code == 404
    # but a guesser that makes up a new browser number for each try is held by the address's ceiling
    # (7 misses in all: 3 + 1 + 1 above, then these 2), and then everyone behind it is refused
    for n in range(2):
        assert (
            _browser(Client(), str(n)).get("/intake/track/NOPE8/", REMOTE_ADDR="10.0.0.7").status_code == 404
        )
    assert _browser(Client(), "c").get("/intake/track/NOPE8/", REMOTE_ADDR="10.0.0.7").status_code == 429
    assert citizen.get("/intake/track/NOPE8/", REMOTE_ADDR="10.0.0.7").status_code == 429
    # while another address is not
    assert citizen.get("/intake/track/NOPE8/", REMOTE_ADDR="10.0.0.8").status_code == 404


def test_the_pages_where_a_code_is_typed_give_the_browser_its_number(client):
    from duluan.apps.core.ratelimit import BROWSER_COOKIE

    for url in ("/intake/track/", "/cases/track/", "/surveys/tra-loi/"):
        response = client.get(url)
        assert response.status_code == 200 and BROWSER_COOKIE in response.cookies, url
        client.cookies.pop(BROWSER_COOKIE)
