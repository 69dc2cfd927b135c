"""Reads of the geo app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, When

from duluan.adminunits import COMMUNE, SCHEME_2025, map_counts_to_2025
from duluan.adminunits import Succession as SuccessionRecord
from duluan.apps.core.text import search_key

from .models import AdminUnit, Level, Scheme, Succession

UNIT_NOT_FOUND = "Không tìm thấy đơn vị hành chính có mã {code} (hệ thống {scheme})."


@dataclass(frozen=True)
class Link:
    unit: AdminUnit
    share: float
    basis: str


def unit_search(
    *, q: str = "", scheme: str | None = None, level: str | None = None, limit: int = 50
) -> list[AdminUnit]:
    """Accent-insensitive search by name, short name or alias.

    Units whose short name is exactly the query come first (provinces before districts before
    communes), then the other units containing it.
    """
    qs = AdminUnit.objects.select_related("parent", "parent__parent")
    if scheme:
        qs = qs.filter(scheme=scheme)
    if level:
        qs = qs.filter(level=level)
    key = search_key(q)
    if not key:
        return list(qs.filter(level=Level.PROVINCE).order_by("-scheme", "name")[:limit])
    level_rank = Case(
        When(level=Level.PROVINCE, then=0),
        When(level=Level.DISTRICT, then=1),
        default=2,
        output_field=IntegerField(),
    )
    exact = list(qs.filter(name_key=key).order_by(level_rank, "scheme", "code")[:limit])
    rest = (
        qs.filter(search_key__contains=key)
        .exclude(name_key=key)
        .order_by(level_rank, "scheme", "code")[: max(limit - len(exact), 0)]
    )
    return exact + list(rest)


def unit_get(*, code: str, scheme: str = SCHEME_2025) -> AdminUnit:
    """The unit with this code in this scheme; raises ``AdminUnit.DoesNotExist``."""
    return AdminUnit.objects.select_related("parent", "parent__parent").get(scheme=scheme, code=code)


def unit_ancestors(unit: AdminUnit) -> list[AdminUnit]:
    chain, node = [], unit.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def unit_children(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return unit.children.order_by("code")


def unit_successors(unit: AdminUnit) -> list[Link]:
    links = (
        Succession.objects.filter(old=unit)
        .select_related("new", "new__parent")
        .order_by("new__level", "new__code")
    )
    return [Link(unit=s.new, share=s.share, basis=s.basis) for s in links]


def unit_predecessors(unit: AdminUnit) -> list[Link]:
    """The pre-2025 units that became (part of) ``unit``.

    A 2025 province lists the old provinces it absorbed, not their ~700 districts (whose links
    exist only so that district-keyed counts can roll up).
    """
    links = Succession.objects.filter(new=unit)
    if unit.level == Level.PROVINCE:
        links = links.filter(old__level=Level.PROVINCE)
    links = links.select_related("old", "old__parent").order_by("old__level", "old__code")
    return [Link(unit=s.old, share=s.share, basis=s.basis) for s in links]


def unit_counts() -> list[dict]:
    rows = (
        AdminUnit.objects.values("scheme", "level").annotate(count=Count("id")).order_by("-scheme", "level")
    )
    level_order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    result = [
        {**row, "scheme_label": Scheme(row["scheme"]).label, "level_label": Level(row["level"]).label}
        for row in rows
    ]
    result.sort(key=lambda r: (r["scheme"] != SCHEME_2025, level_order[r["level"]]))
    return result


def successions_as_records() -> list[SuccessionRecord]:
    """The succession table as the plain records the engines take."""
    rows = Succession.objects.values_list(
        "old__code", "old__level", "new__code", "new__level", "share", "basis"
    )
    return [SuccessionRecord(*row) for row in rows]


def counts_to_2025_units(
    counts: Mapping[str, float] | Iterable[tuple[str, float]], *, level: str = COMMUNE
) -> dict[str, float]:
    """Roll counts keyed by pre-2025 unit codes up onto 2025 units (splits use the stored shares).

    Codes without a successor at ``level`` are gathered under ``"?"`` rather than dropped.
    """
    return map_counts_to_2025(counts, successions_as_records(), level=level)
