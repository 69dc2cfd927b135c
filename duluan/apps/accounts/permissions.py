"""The gatekeeper: the one module that decides what a user may see and do.

Every query of an agency-owned object goes through :func:`visible_agency_ids` (or a
``<resource>_get_for_user`` built on it), and refusals look exactly like "not found", so an
official cannot learn that another agency's case exists.

Rules:
- citizens (anonymous) see only public pages and their own submission by tracking code;
- an officer sees what belongs to their own agency;
- a head sees their agency and every agency under it in the tree;
- coordinators, analysts and administrators see across agencies; analysts only read;
- only administrators enter the Django admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from .models import Agency, Role

CROSS_AGENCY_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR})
WRITE_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.COORDINATOR, Role.ADMINISTRATOR})
NOT_FOUND = "Không tìm thấy."


def role_of(user) -> Role:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.CITIZEN
    if user.is_superuser:
        return Role.ADMINISTRATOR
    return Role(user.role)


def can_use_admin(user) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def can_write(user) -> bool:
    return role_of(user) in WRITE_ROLES


def is_official(user) -> bool:
    return role_of(user) != Role.CITIZEN


def sees_all_agencies(user) -> bool:
    return role_of(user) in CROSS_AGENCY_ROLES


def _descendants(root_ids: Iterable[int]) -> set[int]:
    seen = set(root_ids)
    frontier = set(seen)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - seen
        seen |= frontier
    return seen


def visible_agency_ids(user) -> set[int] | None:
    """Agencies whose objects the user may see: ``None`` means all, an empty set means none."""
    role = role_of(user)
    if role in CROSS_AGENCY_ROLES:
        return None
    if role == Role.CITIZEN or user.agency_id is None:
        return set()
    if role == Role.HEAD:
        return _descendants([user.agency_id])
    return {user.agency_id}


def filter_by_agency(queryset: QuerySet, user, *, field: str = "agency") -> QuerySet:
    """Restrict ``queryset`` to rows whose ``field`` (an Agency FK or M2M) the user may see."""
    ids = visible_agency_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids}).distinct()


def agency_get_for_user(user, *, pk: int) -> Agency:
    """The agency if the user may see it; otherwise 404, exactly as if it did not exist."""
    try:
        return filter_by_agency(Agency.objects.all(), user, field="pk").get(pk=pk)
    except Agency.DoesNotExist:
        raise Http404(NOT_FOUND) from None
