"""The single way to write to the audit log, and the single way to redact it.

The log is append-only in the database (migration 0002) with one narrow exception (0003), for
the confidentiality of complainants: :func:`audit_values_redact` replaces, inside the events'
``before`` and ``after``, words a newer masker found to hold a private person's name (an issue's
former title, lent by a citizen's signal, in the event of an official's rename) by their masked
form, and records that it did, with the events' ids, never the words. Nothing else of an event
can change, and no event can be deleted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast

from duluan.apps.core.clients import client_address

from .models import AuditEvent


def _client_ip(request, *, by_official: bool) -> str | None:
    """The address of an official's request; none for a citizen's (no official acted, nobody
    logged in): a citizen who sends a report, a denunciation or a survey answer is not to be
    traced by their address, and the audit log is kept for good."""
    if request is None:
        return None
    if not (by_official or getattr(getattr(request, "user", None), "is_authenticated", False)):
        return None
    return client_address(request)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    request=None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    Args:
        action: dotted verb, e.g. ``"geo.units_load"`` or ``"case.accept"``.
        actor: the user who acted (``None`` for the system).
        obj: the changed row; fills ``object_type`` and ``object_id``.
        before / after: JSON-able snapshots of the fields that changed.
        request: the HTTP request, for the client address (an official's only).
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=action,
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system"),
        object_type=object_type,
        object_id=str(object_id),
        ip_address=_client_ip(request, by_official=is_user),
        before=before,
        after=after,
        reason=reason,
    )


REDACTION_REASON = "Che tên người gửi mà bộ che cũ để lộ trong các bản sao đã lưu."
_REDACTED = ("before", "after")
_STRINGS_A_QUERY = 100


def audit_values_redact(
    replacements: Mapping[str, str], *, object_types: Collection[str] | None = None
) -> int:
    """Replace each key of ``replacements`` by its value wherever it occurs in the strings (keys
    and values, nested anywhere) of the events' ``before`` and ``after``; then record one
    ``audit.redact`` event with how many events changed and their ids.

    Call it inside the transaction of the masking it follows. The longest key wins where keys
    overlap, and a replacement is not itself replaced again.

    Args:
        replacements: Words as the events copied them -> their masked form.
        object_types: Only the events of objects of these types (``"issues.issue"``): those that
            may have copied the words, found by the log's index on them; the others, most of the
            log, are not read. ``None``: every event, the whole log read for each call.

    Returns:
        How many events changed (no ``audit.redact`` event when none did).
    """
    wanted = {old: new for old, new in replacements.items() if old and old != new}
    if not wanted or (object_types is not None and not object_types):
        return 0
    pattern = re.compile("|".join(re.escape(old) for old in sorted(wanted, key=len, reverse=True)))
    with transaction.atomic():
        changed = []
        for event in _events_holding(sorted(wanted), object_types):
            values = {
                field: redacted
                for field in _REDACTED
                if (redacted := _replaced(getattr(event, field), pattern, wanted)) != getattr(event, field)
            }
            if values:
                changed.append((event.pk, values))
        if not changed:
            return 0
        with _redaction():
            for pk, values in changed:
                AuditEvent.objects.filter(pk=pk).update(**values)
        audit_record(
            action="audit.redact",
            object_type="audit.auditevent",
            after={"events": len(changed), "ids": [pk for pk, _ in changed]},
            reason=REDACTION_REASON,
        )
    return len(changed)


def _events_holding(strings: list[str], object_types: Collection[str] | None) -> list[AuditEvent]:
    """The events (of ``object_types`` when given) whose ``before`` or ``after`` JSON text holds
    one of ``strings``, in order (SQLite's LIKE ignores the case of ASCII letters: a few more,
    which the caller leaves).

    A string's characters as they are stored: escaped by Django's ``json.dumps`` (``\\u…``) or
    not (orjson's writes, PostgreSQL's jsonb). A query per 100 strings (up to 400 LIKEs): SQLite
    refuses an expression deeper than 1,000 (``SQLITE_MAX_EXPR_DEPTH``), as it did the 500
    titles of a batch of signals read again in one query (tests/test_redaction.py, 2026-12-07).
    """
    texts = {f"{field}_text": Cast(field, models.TextField()) for field in _REDACTED}
    events = AuditEvent.objects.alias(**texts).order_by()
    if object_types is not None:
        events = events.filter(object_type__in=sorted(object_types))
    found: dict[int, AuditEvent] = {}
    for at in range(0, len(strings), _STRINGS_A_QUERY):
        holds = Q()
        for string in strings[at : at + _STRINGS_A_QUERY]:
            for stored in {json.dumps(string)[1:-1], json.dumps(string, ensure_ascii=False)[1:-1]}:
                holds |= Q(before_text__contains=stored) | Q(after_text__contains=stored)
        for event in events.filter(holds).only("pk", *_REDACTED):
            found[event.pk] = event
    return [found[pk] for pk in sorted(found)]


def _replaced(value: Any, pattern: re.Pattern, wanted: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda match: wanted[match.group()], value)
    if isinstance(value, list):
        return [_replaced(item, pattern, wanted) for item in value]
    if isinstance(value, dict):
        return {_replaced(k, pattern, wanted): _replaced(v, pattern, wanted) for k, v in value.items()}
    return value


@contextmanager
def _redaction():
    """Within this block the database lets an audit row's ``before`` and ``after``, and nothing
    else, change (migration 0003). The flag's row is set and cleared inside one transaction (or
    savepoint), so no other transaction ever sees it; an error rolls it back with the rest."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_redaction_flag (id) VALUES (1)")
        yield
        cursor.execute("DELETE FROM audit_redaction_flag")
