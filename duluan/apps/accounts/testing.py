"""Test helpers: seed just the officials a test needs (the full demo tree is slow), and run an app's
authorisation matrix (every URL × every role)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from django.http import HttpResponse
from django.test import Client

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


# -- authorisation matrices ------------------------------------------------------------------------
LOGIN = 302  # a visitor is sent to the login page


def authorization_matrix_check(
    *,
    user: User | None,
    matrix: Mapping[str, Sequence[int]],
    column: int,
    request: Callable[[Client, str], HttpResponse],
) -> tuple[dict[str, HttpResponse], dict[str, tuple[int, int]]]:
    """Request every key of an app's ``matrix`` as ``user`` (``None``: a visitor) and compare each
    status with ``matrix[key][column]`` (the user's role column).

    ``request(client, key)`` performs the request for ``key`` on fresh data. Returns the responses
    by key and the mismatches ``{key: (got, expected)}``, all of them, so one failing run shows the
    whole row of a role.
    """
    client = Client()
    if user is not None:
        client.force_login(user)
    got = {key: request(client, key) for key in matrix}
    wrong = {
        key: (response.status_code, matrix[key][column])
        for key, response in got.items()
        if response.status_code != matrix[key][column]
    }
    return got, wrong
