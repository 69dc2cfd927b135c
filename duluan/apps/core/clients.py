"""Who sent a request: the client's address, also behind the site's own reverse proxies.

In production a proxy terminates TLS in front of the site (``SECURE_PROXY_SSL_HEADER``), so
``REMOTE_ADDR`` is the proxy's address for every request. Read so, every citizen shared one
rate limit (the sixth report of the province in ten minutes was refused), every login one
lockout address, and the audit log named the proxy. Each proxy appends the address it received
the request from to ``X-Forwarded-For``; the client chooses what comes before, so only the
entries the site's own proxies wrote can be believed. With ``TRUSTED_PROXIES`` = *n* (the number
of proxies in front of the site, from ``DULUAN_TRUSTED_PROXIES``), the client is the *n*-th
entry from the right: the address the outermost proxy saw.

Written here rather than taken from django-ipware (8.0.0, tried 2026-12-06): by default it reads
``X-Forwarded-For`` whoever wrote it (a client names any address it wants and escapes every
limit), and its ``proxy_count`` counts each proxy's own address in the header, which proxies
such as nginx do not write: behind one nginx, a request forwarded as ``X-Forwarded-For:
<client>`` had no address at all.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address of the client that sent ``request`` (see the module's doc), ``None`` when
    the server gives none.

    A request whose ``X-Forwarded-For`` is shorter than the chain of trusted proxies, or whose
    entry there is no address, did not come through them as configured: its ``REMOTE_ADDR`` is
    taken, which never lets a client choose its own address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if not proxies:
        return remote
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(chain) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-proxies].strip("[]")))
    except ValueError:
        return remote
