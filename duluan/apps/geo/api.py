"""JSON API of administrative units: ``/api/geo/units`` and ``/api/geo/units/<code>``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from duluan.adminunits import SCHEME_2025

from . import selectors
from .models import AdminUnit

router = Router(tags=["geo"])

SchemeParam = Literal["pre2025", "2025"]
LevelParam = Literal["province", "district", "commune"]


class UnitRef(Schema):
    code: str
    name: str
    level: str
    scheme: str


class LinkOut(UnitRef):
    share: float
    basis: str


class UnitOut(UnitRef):
    short_name: str
    unit_type: str
    valid_from: date | None
    valid_to: date | None
    parent: UnitRef | None
    lat: float | None
    lon: float | None


class UnitDetail(UnitOut):
    successors: list[LinkOut]
    predecessors: list[LinkOut]
    children_count: int


class UnitList(Schema):
    count: int
    results: list[UnitOut]


class SearchParams(Schema):
    q: str = Field("", max_length=200)
    scheme: SchemeParam | None = None
    level: LevelParam | None = None
    limit: int = Field(50, ge=1, le=500)


class DetailParams(Schema):
    scheme: SchemeParam = SCHEME_2025


def _ref(unit: AdminUnit | None) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name, "level": unit.level, "scheme": unit.scheme}


def _unit(unit: AdminUnit) -> dict:
    return {
        **_ref(unit),
        "short_name": unit.short_name,
        "unit_type": unit.unit_type,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "parent": _ref(unit.parent),
        "lat": unit.lat,
        "lon": unit.lon,
    }


def _links(links) -> list[dict]:
    return [{**_ref(link.unit), "share": link.share, "basis": link.basis} for link in links]


@router.get("/units", response=UnitList, summary="Tìm đơn vị hành chính (không phân biệt dấu)")
def units_search(request, params: Query[SearchParams]):
    units = selectors.unit_search(q=params.q, scheme=params.scheme, level=params.level, limit=params.limit)
    return {"count": len(units), "results": [_unit(u) for u in units]}


@router.get("/units/{code}", response=UnitDetail, summary="Một đơn vị, với đơn vị kế thừa và tiền thân")
def units_get(request, code: str, params: Query[DetailParams]):
    try:
        unit = selectors.unit_get(code=code, scheme=params.scheme)
    except AdminUnit.DoesNotExist:
        raise Http404(selectors.UNIT_NOT_FOUND.format(code=code, scheme=params.scheme)) from None
    return {
        **_unit(unit),
        "successors": _links(selectors.unit_successors(unit)),
        "predecessors": _links(selectors.unit_predecessors(unit)),
        "children_count": selectors.unit_children(unit).count(),
    }
