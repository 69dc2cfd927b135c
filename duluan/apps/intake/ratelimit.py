"""A fixed-window rate limit per client on the shared cache (the database cache in production)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_id(request) -> str:
    """The client's address (hashed: the cache never holds an IP address in clear)."""
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    return hashlib.sha256(ip.encode()).hexdigest()[:24]


def rate_limited(request, *, scope: str) -> bool:
    """Count one hit for this client in ``scope``; ``True`` when it is over the limit.

    The limit is ``settings.INTAKE_RATE_LIMIT`` (hits, seconds), ``(5, 600)`` by default.
    """
    limit, window = getattr(settings, "INTAKE_RATE_LIMIT", (5, 600))
    key = f"intake:rl:{scope}:{client_id(request)}"
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > limit
