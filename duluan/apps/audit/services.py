"""The single way to write to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

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
