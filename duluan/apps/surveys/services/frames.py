"""Import a sampling frame from CSV: ``unit_code,scheme,population[,households,stratum]``.

Optional village columns ``village_code,village_name,village_adults`` give one row per village
(thôn / tổ dân phố); without them the administrative-unit data has no villages, so a seeded
synthetic list is generated per commune and the frame says so.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from duluan.analysis.tabular import read_csv_text
from duluan.apps.audit.services import audit_record
from duluan.apps.geo.models import AdminUnit, Level

from ..models import Frame, FrameUnit, FrameVillage

REQUIRED_COLUMNS = ("unit_code", "scheme", "population")
OPTIONAL_COLUMNS = ("households", "stratum", "village_code", "village_name", "village_adults")
VILLAGE_COLUMNS = ("village_code", "village_name", "village_adults")

MISSING_COLUMNS = "Tệp khung mẫu thiếu cột: {columns}. Cột bắt buộc: unit_code,scheme,population."
UNKNOWN_COLUMNS = "Tệp khung mẫu có cột không xác định: {columns}. Cột được phép: {allowed}."
PARTIAL_VILLAGE_COLUMNS = "Cột thôn phải đủ cả ba: village_code, village_name, village_adults."
UNKNOWN_UNIT = "Dòng {line}: không có đơn vị mã {code} trong hệ thống {scheme}."
NOT_IN_PROVINCE = "Dòng {line}: {name} ({code}) không phải xã/phường của {province}."
BAD_NUMBER = "Dòng {line}, cột {column}: “{value}” không phải số nguyên dương."
DUPLICATE_UNIT = "Dòng {line}: đơn vị {code} đã có ở dòng {first}."
DUPLICATE_VILLAGE = "Dòng {line}: thôn {village} của {code} đã có ở dòng {first}."
POPULATION_VARIES = "Dòng {line}: dân số của {code} khác với dòng {first} ({a} ≠ {b})."
MISSING_UNITS = "Khung mẫu thiếu {count} xã/phường của {province}: {names}."
EMPTY_FILE = "Tệp khung mẫu không có dòng dữ liệu nào."
NOT_UTF8 = "Tệp khung mẫu phải là CSV mã hóa UTF-8."

ADULT_SHARE = 0.72  # share of the population aged 18+, for synthetic village sizes


class FrameImportError(ValueError):
    """The frame CSV cannot be used; ``errors`` lists every problem (nothing was imported)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class _Row:
    line: int
    unit: AdminUnit
    population: int
    households: int | None
    stratum: str
    village: tuple[str, str, int] | None


def _positive_int(
    value: str, line: int, column: str, errors: list[str], *, optional: bool = False
) -> int | None:
    text = (value or "").strip().replace(" ", "")
    if not text and optional:
        return None
    try:
        number = float(text)
    except ValueError:
        number = -1
    if number <= 0 or not float(number).is_integer():
        errors.append(BAD_NUMBER.format(line=line, column=column, value=value))
        return None
    return int(number)


def default_stratum(unit: AdminUnit) -> str:
    """Urban wards and rural communes are the natural strata of a provincial survey."""
    return "phuong" if unit.unit_type.lower().startswith("phường") else "xa"


def _read(content: bytes, province: AdminUnit, allow_missing: bool) -> tuple[list[_Row], bool]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameImportError([NOT_UTF8]) from None
    fieldnames, read = read_csv_text(text)  # semicolons too, as Excel saves "CSV" in Vietnamese
    header = [h.strip() for h in fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FrameImportError([MISSING_COLUMNS.format(columns=", ".join(missing))])
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        raise FrameImportError([UNKNOWN_COLUMNS.format(columns=", ".join(unknown), allowed=allowed)])
    has_villages = any(c in header for c in VILLAGE_COLUMNS)
    if has_villages and not all(c in header for c in VILLAGE_COLUMNS):
        raise FrameImportError([PARTIAL_VILLAGE_COLUMNS])
    records = [(line, {k.strip(): (v or "").strip() for k, v in r.items() if k}) for line, r in read]
    if not records:
        raise FrameImportError([EMPTY_FILE])
    keys = {(r["scheme"], r["unit_code"]) for _, r in records}
    units = {
        (u.scheme, u.code): u
        for u in AdminUnit.objects.filter(code__in={c for _, c in keys}).select_related("parent")
    }
    errors: list[str] = []
    rows: list[_Row] = []
    first_line: dict[str, tuple[int, int]] = {}
    village_lines: dict[tuple[str, str], int] = {}
    for line, rec in records:
        unit = units.get((rec["scheme"], rec["unit_code"]))
        if unit is None:
            errors.append(UNKNOWN_UNIT.format(line=line, code=rec["unit_code"], scheme=rec["scheme"]))
            continue
        if unit.level != Level.COMMUNE or unit.parent_id != province.pk:
            errors.append(
                NOT_IN_PROVINCE.format(line=line, name=unit.name, code=unit.code, province=province.name)
            )
            continue
        population = _positive_int(rec["population"], line, "population", errors)
        households = _positive_int(rec.get("households", ""), line, "households", errors, optional=True)
        village = None
        if has_villages:
            adults = _positive_int(rec["village_adults"], line, "village_adults", errors)
            vcode = rec["village_code"]
            if (unit.code, vcode) in village_lines:
                errors.append(
                    DUPLICATE_VILLAGE.format(
                        line=line, village=vcode, code=unit.code, first=village_lines[(unit.code, vcode)]
                    )
                )
                continue
            village_lines[(unit.code, vcode)] = line
            village = (vcode, rec["village_name"] or vcode, adults or 0)
        if population is None:
            continue
        if unit.code in first_line:
            first, pop = first_line[unit.code]
            if not has_villages:
                errors.append(DUPLICATE_UNIT.format(line=line, code=unit.code, first=first))
                continue
            if pop != population:
                errors.append(
                    POPULATION_VARIES.format(line=line, code=unit.code, first=first, a=population, b=pop)
                )
                continue
        else:
            first_line[unit.code] = (line, population)
        rows.append(
            _Row(line, unit, population, households, rec.get("stratum") or default_stratum(unit), village)
        )
    if not allow_missing:
        mentioned = {rec["unit_code"] for _, rec in records}
        absent = (
            AdminUnit.objects.filter(parent=province, level=Level.COMMUNE)
            .exclude(code__in=mentioned)
            .order_by("code")
        )
        if absent.exists():
            names = ", ".join(f"{u.name} ({u.code})" for u in absent[:20])
            more = absent.count() - 20
            errors.append(
                MISSING_UNITS.format(
                    count=absent.count(),
                    province=province.name,
                    names=names + (f" … và {more} đơn vị khác" if more > 0 else ""),
                )
            )
    if errors:
        raise FrameImportError(errors)
    return rows, has_villages


def synthetic_villages(unit_code: str, population: int, *, urban: bool) -> list[tuple[str, str, int]]:
    """A plausible, seeded list of villages for a commune with no village data (demo frames)."""
    rng = np.random.default_rng(zlib.crc32(unit_code.encode()))
    adults = max(round(population * ADULT_SHARE), 60)
    count = int(np.clip(round(population / 3000), 8, 30))  # more than any stage-2 sample
    shares = rng.dirichlet(np.full(count, 6.0))
    sizes = np.maximum((shares * adults).round().astype(int), 40)
    prefix = "Tổ dân phố" if urban else "Thôn"
    return [(f"{unit_code}-{i + 1:02d}", f"{prefix} {i + 1}", int(s)) for i, s in enumerate(sizes)]


@transaction.atomic
def frame_import(
    *,
    name: str,
    year: int,
    province: AdminUnit,
    content: bytes,
    is_synthetic: bool = False,
    allow_missing: bool = False,
    note: str = "",
    actor=None,
    request=None,
) -> tuple[Frame, bool]:
    """Import a frame CSV; returns ``(frame, created)``. The same file again changes nothing.

    Raises:
        FrameImportError: every problem of the file (unknown or missing units, bad numbers …);
            nothing is written.
    """
    digest = hashlib.sha256(content).hexdigest()
    existing = Frame.objects.filter(sha256=digest, province=province).first()
    if existing is not None:
        return existing, False
    rows, has_villages = _read(content, province, allow_missing)
    frame = Frame.objects.create(
        name=name,
        year=year,
        province=province,
        scheme=province.scheme,
        is_synthetic=is_synthetic,
        villages_synthetic=not has_villages,
        note=note,
        sha256=digest,
    )
    units: dict[str, FrameUnit] = {}
    for row in rows:
        if row.unit.code not in units:
            units[row.unit.code] = FrameUnit(
                frame=frame,
                unit=row.unit,
                stratum=row.stratum,
                population=row.population,
                households=row.households,
            )
    FrameUnit.objects.bulk_create(units.values())
    villages = []
    if has_villages:
        for row in rows:
            code, vname, size = row.village
            villages.append(FrameVillage(frame_unit=units[row.unit.code], code=code, name=vname, size=size))
    else:
        for fu in units.values():
            urban = default_stratum(fu.unit) == "phuong"
            for code, vname, size in synthetic_villages(fu.unit.code, fu.population, urban=urban):
                villages.append(FrameVillage(frame_unit=fu, code=code, name=vname, size=size))
    FrameVillage.objects.bulk_create(villages)
    audit_record(
        action="surveys.frame_import",
        actor=actor,
        obj=frame,
        after={
            "units": len(units),
            "villages": len(villages),
            "synthetic_villages": not has_villages,
            "sha256": digest,
        },
        request=request,
    )
    return frame, True
