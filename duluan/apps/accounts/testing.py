"""Test helpers: seed just the agencies and officials a test needs (the full demo tree is slow)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Agency, User
from .services import agency_upsert, user_upsert


def seed_officials(
    agencies: Iterable[tuple[str, str, str, str, str | None]],
    users: Iterable[tuple[str, str, str | None]],
) -> dict[str, User]:
    """Create ``(code, name, short_name, kind, parent_code)`` agencies, parents first, and
    ``(username, role, agency_code)`` officials; return the users by username."""
    for code, name, short, kind, parent in agencies:
        agency_upsert(
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            parent=Agency.objects.get(code=parent) if parent else None,
        )
    for username, role, code in users:
        user_upsert(
            username=username,
            password="x",  # noqa: S106 - test officials
            role=role,
            agency=Agency.objects.get(code=code) if code else None,
            first_name=username,
        )
    return {u.username: u for u in User.objects.select_related("agency")}
