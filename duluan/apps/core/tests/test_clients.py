"""A client's address behind the site's reverse proxies: believed only where they wrote it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from duluan.apps.accounts.demo import DEMO_PASSWORD, demo_agencies_seed, demo_users_seed
from duluan.apps.audit.models import AuditEvent
from duluan.apps.audit.services import audit_record
from duluan.apps.core.clients import client_address
from duluan.apps.intake.tests.test_web import form_data

PROXY = "10.0.0.2"  # the TLS terminator in front of the site


def address(forwarded: str | None = None, **settings) -> str | None:
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    with override_settings(**settings):
        return client_address(RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra))


def test_the_client_is_whom_the_outermost_trusted_proxy_saw_and_never_whom_the_client_names():
    # with no proxy configured, the header is the client's own words: not believed
    assert address("203.0.113.5") == PROXY
    # behind one proxy, the entry it appended, whatever the client wrote before it
    assert address("203.0.113.5", TRUSTED_PROXIES=1) == "203.0.113.5"
    assert address("6.6.6.6, 203.0.113.5", TRUSTED_PROXIES=1) == "203.0.113.5"
    assert address("[2001:db8::7]", TRUSTED_PROXIES=1) == "2001:db8::7"
    # behind two, the address the outer one saw (the inner one appended the outer's)
    assert address("6.6.6.6, 203.0.113.5, 10.0.0.3", TRUSTED_PROXIES=2) == "203.0.113.5"
    # a request that did not come through the chain, or whose entry is no address, keeps the
    # address the server saw
    assert address(None, TRUSTED_PROXIES=1) == PROXY
    assert address("203.0.113.5", TRUSTED_PROXIES=2) == PROXY
    assert address("unknown", TRUSTED_PROXIES=1) == PROXY


@pytest.mark.django_db
def test_citizens_behind_the_sites_proxy_each_have_their_own_limit_and_none_can_name_another():
    cache.clear()
    phone = Client(REMOTE_ADDR=PROXY)  # one browser, whose address the proxy writes

    def send(forwarded: str, token: str) -> int:
        data = form_data(token=token, text=f"Phản ánh {token} về rác")
        return phone.post(reverse("intake:submit"), data, HTTP_X_FORWARDED_FOR=forwarded).status_code

    with override_settings(TRUSTED_PROXIES=1, RATE_LIMITS={"web_address": (1, 600)}):
        # given a citizen who sent a report through the proxy, at her address's limit
        assert send("203.0.113.5", "a") == 302 and send("203.0.113.5", "b") == 429
        # then another address behind the same proxy is not refused
        assert send("198.51.100.9", "c") == 302
        # nor can the first escape by naming an address before the proxy's entry
        assert send("192.0.2.1, 203.0.113.5", "d") == 429
    cache.clear()
    with override_settings(RATE_LIMITS={"web_address": (1, 600)}):
        # and with no proxy configured, naming another address changes nothing
        assert send("203.0.113.77", "e") == 302 and send("203.0.113.78", "f") == 429
    cache.clear()


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=1)
def test_the_audit_log_and_the_login_lockout_name_the_client_not_the_proxy():
    demo_agencies_seed()
    demo_users_seed()
    # given an official's event recorded for a request that came through the proxy (a citizen's
    # address is never recorded)
    from duluan.apps.accounts.models import User

    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    official = User.objects.get(username="dieuphoi")
    audit_record(action="test.event", actor=official, object_type="test", object_id="1", request=request)
    # then the client's address is recorded
    assert AuditEvent.objects.get(action="test.event").ip_address == "203.0.113.5"
    # and wrong passwords from one client lock that client's attempts, not the whole proxy's
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for _ in range(5):
        guesser.post("/accounts/login/", {"username": "dieuphoi", "password": "sai"})
    right = {"username": "dieuphoi", "password": DEMO_PASSWORD}
    assert guesser.post("/accounts/login/", right).status_code == 429
    official = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert official.post("/accounts/login/", right).status_code == 302
