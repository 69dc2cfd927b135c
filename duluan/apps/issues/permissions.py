"""The gatekeeper of issues: who sees which issue, and who may correct them.

An issue is seen by whoever may see one of its signals' places
(:func:`duluan.apps.intake.permissions.signal_scope` decides for signals):

- coordinators, analysts and administrators see every issue;
- an officer or head sees the issues with a signal in the units of the agencies they may see —
  the agency's unit and every unit below it, plus the pre-2025 units that became part of them
  (succession); an agency of the whole province sees the whole province, i.e. every issue;
- citizens see none.

Merged-away issues are not listed (their signals live in the issue they were merged into), but
their page still opens and points there. Not-found and forbidden look the same (404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from duluan.apps.accounts.models import Agency, Role
from duluan.apps.accounts.permissions import NOT_FOUND, role_of, visible_agency_ids
from duluan.apps.geo.models import AdminUnit, Level, Succession

from .models import Issue

CORRECTING_ROLES = frozenset({Role.OFFICER, Role.HEAD, Role.COORDINATOR, Role.ADMINISTRATOR})
ALL = None


def unit_ids_below(root_ids: set[int]) -> set[int]:
    """The units and every unit under them in the tree."""
    ids = set(root_ids)
    frontier = set(ids)
    while frontier:
        frontier = set(AdminUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def visible_unit_ids(user) -> set[int] | None:
    """Units whose signals (and issues) ``user`` may see; ``None`` means all, empty means none."""
    role = role_of(user)
    if role == Role.CITIZEN:
        return set()
    ids = visible_agency_ids(user)
    if ids is None:
        return ALL
    units = list(
        AdminUnit.objects.filter(
            pk__in=Agency.objects.filter(pk__in=ids, unit__isnull=False).values("unit_id")
        )
    )
    if any(u.level == Level.PROVINCE for u in units):
        return ALL  # a province-level agency sees the province, which is everything stored here
    roots = {u.pk for u in units}
    below = unit_ids_below(roots)
    return below | set(Succession.objects.filter(new_id__in=below).values_list("old_id", flat=True))


def issue_list_for_user(user, queryset: QuerySet[Issue] | None = None) -> QuerySet[Issue]:
    """The issues ``user`` may see (optionally narrowing ``queryset``)."""
    qs = Issue.objects.all() if queryset is None else queryset
    units = visible_unit_ids(user)
    if units is ALL:
        return qs
    if not units:
        return qs.none()
    through = Issue.units.through
    return qs.filter(Exists(through.objects.filter(issue_id=OuterRef("pk"), adminunit_id__in=units)))


def issue_get_for_user(user, *, pk) -> Issue:
    """The issue if ``user`` may see it; otherwise 404, exactly as if it did not exist."""
    try:
        pk = int(pk)
        return issue_list_for_user(user).get(pk=pk)
    except (Issue.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def can_correct(user) -> bool:
    """Officials who handle issues may merge, split, rename and confirm topics; analysts only read."""
    return role_of(user) in CORRECTING_ROLES


def can_see_issues(user) -> bool:
    return role_of(user) != Role.CITIZEN
