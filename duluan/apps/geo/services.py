"""Writes of the geo app: loading the national administrative units."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from duluan.adminunits import PRE2025, SCHEME_2025, AdminData, load_admin_data
from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import search_key

from .models import AdminUnit, Succession

_UNIT_FIELDS = [
    "level",
    "name",
    "short_name",
    "unit_type",
    "province_code",
    "lat",
    "lon",
    "valid_from",
    "valid_to",
    "aliases",
    "name_key",
    "search_key",
]


@dataclass(frozen=True)
class LoadReport:
    units: int
    successions: int
    created_units: int


def _key(name: str, short_name: str, aliases) -> str:
    return " | ".join(dict.fromkeys(search_key(v) for v in (name, short_name, *aliases) if v))


@transaction.atomic
def units_load(*, data: AdminData | None = None, actor=None) -> LoadReport:
    """Load (or refresh) every unit and succession link; idempotent and all-or-nothing.

    Existing rows are updated in place (same primary keys), so anything that references a unit
    keeps pointing at it after a reload. A failure rolls the whole load back.
    """
    data = data or load_admin_data()
    before = AdminUnit.objects.count()
    rows = [
        AdminUnit(
            scheme=u.scheme,
            code=u.code,
            level=u.level,
            name=u.name,
            short_name=u.short_name,
            unit_type=u.unit_type,
            province_code=u.province_code,
            lat=u.lat,
            lon=u.lon,
            valid_from=u.valid_from,
            valid_to=u.valid_to,
            aliases=list(u.aliases),
            name_key=search_key(u.short_name),
            search_key=_key(u.name, u.short_name, u.aliases),
        )
        for u in data.units
    ]
    AdminUnit.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["scheme", "code"],
        update_fields=_UNIT_FIELDS,
    )
    ids = {(s, c): pk for pk, s, c in AdminUnit.objects.values_list("pk", "scheme", "code")}
    parents: dict[int, int | None] = {}
    for u in data.units:
        parents[ids[(u.scheme, u.code)]] = ids.get((u.scheme, u.parent_code)) if u.parent_code else None
    current = dict(AdminUnit.objects.values_list("pk", "parent_id"))
    stale = [
        AdminUnit(pk=pk, parent_id=parent) for pk, parent in parents.items() if current.get(pk) != parent
    ]
    AdminUnit.objects.bulk_update(stale, ["parent"], batch_size=2000)

    links = [
        Succession(
            old_id=ids[(PRE2025, s.old_code)],
            new_id=ids[(SCHEME_2025, s.new_code)],
            share=s.share,
            basis=s.basis,
        )
        for s in data.successions
    ]
    Succession.objects.bulk_create(
        links,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["old", "new"],
        update_fields=["share", "basis"],
    )
    created = AdminUnit.objects.count() - before
    report = LoadReport(units=len(rows), successions=len(links), created_units=created)
    audit_record(
        action="geo.units_load",
        actor=actor,
        object_type="geo.adminunit",
        after={"units": report.units, "successions": report.successions, "created_units": created},
    )
    return report
