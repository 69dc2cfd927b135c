"""Fixed-window rate limits per client on the shared cache (the database cache in production).

One module for every public endpoint: the web form, whose accepted submissions count in ``"web"``
(a citizen mending the form's errors is never blocked) and every post in ``"web_attempts"`` (its
files are read and checked, so that is bounded too), and the lookups of tracking and invitation
codes (``"code_miss"``), where only failed lookups count, so a citizen re-opening their own page
is never blocked while someone guessing codes is. Limits are ``settings.RATE_LIMITS``
``{scope: (hits, seconds)}``.

The form's two scopes count per browser, with a wider ceiling per address (``"web_address"``,
``"web_attempts_address"``): Vietnamese mobile carriers put thousands of subscribers behind one
public address (carrier-grade NAT), and counted per address alone the sixth report of a flooded
ward in ten minutes was refused whoever sent it. A browser is a random number in a cookie of its
own (:data:`BROWSER_COOKIE`, set by :func:`remember_browser`), nothing else: a client that sends
none, or makes up new ones, is still held by its address's ceiling.

Code misses count the same way (``"code_miss"`` per browser, ``"code_miss_address"`` per
address; :func:`code_misses_over`, :func:`count_code_miss`): counted per address alone, one
guesser behind a carrier's address locked everyone behind it out of their tracking pages for ten
minutes. Clients that send no cookie (API clients, a browser's first visit) share one count per
address; the pages looked up by a code give a browser its number (:func:`limit_code_misses`).
"""

from __future__ import annotations

import functools
import math
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from duluan.apps.core.clients import client_address

DEFAULT_LIMITS = {
    "web": (5, 600),
    "web_address": (60, 600),
    "web_attempts": (30, 600),
    "web_attempts_address": (300, 600),
    "code_miss": (20, 600),
    # A tracking code has 32^8 values: 300 guesses in ten minutes from one address find none.
    "code_miss_address": (300, 600),
}
BROWSER_COOKIE = "duluan_client"
_BROWSER_ID = re.compile(r"[0-9a-f]{32}")
TOO_MANY_CODE_MISSES = "Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau ít phút."


CLIENT_ID_SALT = "duluan.core.ratelimit.client_id"


def client_id(request) -> str:
    """The client's address (:func:`~duluan.apps.core.clients.client_address`) under an HMAC keyed
    with the server's secret (``SECRET_KEY``): the cache never holds an IP address in clear, and
    one who reads a stored id cannot find the address by hashing the 2^32 of them."""
    ip = client_address(request) or "unknown"
    return salted_hmac(CLIENT_ID_SALT, ip, algorithm="sha256").hexdigest()[:24]


def _limit(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "RATE_LIMITS", {})}
    if scope == "web" and hasattr(settings, "INTAKE_RATE_LIMIT"):
        return settings.INTAKE_RATE_LIMIT
    return limits[scope]


def window_minutes(scope: str) -> int:
    """The length of ``scope``'s window in whole minutes (at most this long until it opens again)."""
    return max(1, math.ceil(_limit(scope)[1] / 60))


def browser_id(request) -> str:
    """The browser's number from its :data:`BROWSER_COOKIE` (empty when it sends none, or one
    that is not such a number)."""
    value = request.COOKIES.get(BROWSER_COOKIE, "")
    return value if _BROWSER_ID.fullmatch(value) else ""


def remember_browser(request, response):
    """``response``, giving the browser a number of its own when it has none (see the module's doc);
    what is not an HTTP response (an API view's data, rendered later) is given back as it is."""
    if isinstance(response, HttpResponseBase) and not browser_id(request):
        # Kept until the browser closes (the limits' windows are minutes long): no longer-lived
        # mark of a citizen's browser than the limits need.
        response.set_cookie(
            BROWSER_COOKIE,
            secrets.token_hex(16),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def gives_browser_number(view):
    """Give the browser that opens ``view`` its number (:func:`remember_browser`): the forms where a
    code is typed, so that the page the code opens counts the browser's misses apart."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return remember_browser(request, view(request, *args, **kwargs))

    return wrapped


def _key(scope: str, request, per_browser: bool = False) -> str:
    key = f"rl:{scope}:{client_id(request)}"
    return f"{key}:{browser_id(request)}" if per_browser else key


def browser_limited(request, *, scope: str) -> bool:
    """Count one hit for this browser in ``scope`` and, unless that is over its limit, one for its
    address in ``scope`` + ``"_address"``; ``True`` when either is over."""
    if hit(request, scope=scope, per_browser=True) > _limit(scope)[0]:
        return True  # (not counted against the others behind its address)
    address = scope + "_address"
    return hit(request, scope=address) > _limit(address)[0]


def hit(request, *, scope: str, per_browser: bool = False) -> int:
    """Count one hit for this client (or this browser of it) in ``scope``; return the count in the
    current window."""
    _, window = _limit(scope)
    key = _key(scope, request, per_browser)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def over_limit(request, *, scope: str, per_browser: bool = False) -> bool:
    """Whether the client (or this browser of it) is already over the limit, without counting a hit."""
    return (cache.get(_key(scope, request, per_browser)) or 0) >= _limit(scope)[0]


def code_misses_over(request) -> bool:
    """Whether this browser, or its address, has missed too many codes (nothing counted)."""
    return over_limit(request, scope="code_miss", per_browser=True) or over_limit(
        request, scope="code_miss_address"
    )


def count_code_miss(request) -> None:
    """Count one lookup of a code that names nothing, for the browser and its address
    (:func:`browser_limited`'s counts)."""
    browser_limited(request, scope="code_miss")


def too_many(request, message: str = TOO_MANY_CODE_MISSES) -> HttpResponse:
    html = render_to_string("core/rate_limited.html", {"message": _(message)}, request=request)
    return HttpResponse(html, status=429)


def limit_code_misses(view):
    """Guard a public page looked up by a code: count each miss (404); refuse guessers with 429;
    give the browser its number (:func:`gives_browser_number`)."""

    @gives_browser_number
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if code_misses_over(request):
            return too_many(request)
        try:
            return view(request, *args, **kwargs)
        except Http404:
            count_code_miss(request)
            raise

    return wrapped
