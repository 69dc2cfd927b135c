"""Vietnam's administrative units in both schemes, read from the ``vietnamadminunits`` package.

Plain data only (no Django): the ``geo`` app loads it into the database and the analysis engine
builds its gazetteer from the same records, so both always agree.

Schemes:
- ``pre2025``: 63 provinces → ~700 districts → ~10,000 communes (valid until 30/06/2025);
- ``2025``: 34 provinces → ~3,300 communes, no districts (valid from 01/07/2025).

Succession links each pre-2025 unit to the 2025 unit(s) it became part of, with a ``share``:
1.0 where the old unit went whole into one new unit; where an old commune was divided the package
does not say in which proportion, so the share is split equally (1/n) — stated in the record's
``basis`` so every roll-up can explain itself.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

__all__ = [
    "DEFAULT_HOME_PROVINCE",
    "PRE2025",
    "PRE2025_END",
    "SCHEMES",
    "SCHEME_2025",
    "SCHEME_2025_DECIDED",
    "SCHEME_2025_START",
    "AdminData",
    "Succession",
    "Unit",
    "fold_key",
    "load_admin_data",
    "map_counts_to_2025",
    "package_data_dir",
]

PRE2025 = "pre2025"
SCHEME_2025 = "2025"
SCHEMES = (PRE2025, SCHEME_2025)
SCHEME_2025_START = date(2025, 7, 1)
PRE2025_END = date(2025, 6, 30)
# The merger decided (Resolution 60-NQ/TW, 12/4/2025): the 2025 units were named after this, so
# no text written before it names one of them.
SCHEME_2025_DECIDED = date(2025, 4, 12)

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
# The province whose units a name others share is read as, unless told otherwise (2025 code):
# Bắc Ninh, which Bắc Giang joined. The platform's setting DULUAN_HOME_PROVINCE defaults to it.
DEFAULT_HOME_PROVINCE = "24"

BASIS_WHOLE = "whole"
BASIS_EQUAL_SPLIT = "equal_split"
BASIS_PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class Unit:
    """One administrative unit of one scheme. ``code`` is unique only within its scheme."""

    code: str
    scheme: str
    level: str
    name: str
    short_name: str
    unit_type: str
    parent_code: str | None
    province_code: str
    lat: float | None = None
    lon: float | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[str, ...] = ()
    area_km2: float | None = None


@dataclass(frozen=True, slots=True)
class Succession:
    """``old`` (pre-2025 scheme) became part of ``new`` (2025 scheme) with this share of it."""

    old_code: str
    old_level: str
    new_code: str
    new_level: str
    share: float
    basis: str


@dataclass(slots=True)
class AdminData:
    units: list[Unit]
    successions: list[Succession]
    _by_key: dict[tuple[str, str], Unit] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {(u.scheme, u.code): u for u in self.units}

    def get(self, scheme: str, code: str) -> Unit | None:
        return self._by_key.get((scheme, code))

    def units_of(self, scheme: str, level: str | None = None) -> list[Unit]:
        return [u for u in self.units if u.scheme == scheme and (level is None or u.level == level)]


def fold_key(text: str) -> str:
    """Accent-free, lower-case, letters-and-digits-only key (the package's own key convention)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).lower()


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _aliases(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    try:
        values = json.loads(raw)
    except ValueError:
        return ()
    return tuple(sorted({_nfc(v) for v in values if v}))


def package_data_dir() -> Path:
    """The folder of the installed ``vietnamadminunits`` data (``dataset.db``, ``converter_2025.json``).

    Raises:
        ModuleNotFoundError: The package is not installed.
    """
    # Found, not imported: importing the package runs its address parsers (and geopy), a third
    # of a second that every start of `duluan analyze` paid for a folder name.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed", name="vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@lru_cache(maxsize=1)
def load_admin_data(data_dir: str | None = None) -> AdminData:
    """Read every unit of both schemes and the succession between them.

    Args:
        data_dir: folder holding the package's ``dataset.db`` and ``converter_2025.json``
            (defaults to the installed ``vietnamadminunits``).

    Returns:
        :class:`AdminData` with ~14,000 units and ~10,600 succession links.
    """
    folder = Path(data_dir) if data_dir else package_data_dir()
    with _dataset(folder) as conn:
        conn.row_factory = sqlite3.Row
        legacy = conn.execute("SELECT * FROM admin_units_legacy").fetchall()
        current = conn.execute("SELECT * FROM admin_units").fetchall()
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))

    units: list[Unit] = []
    old_keys: dict[str, str] = {}  # "province_district_ward" key → old code
    old_province_by_key: dict[str, str] = {}
    old_district_by_key: dict[str, tuple[str, str]] = {}  # "province_district" → (code, province)
    seen: set[tuple[str, str]] = set()

    def add(unit: Unit) -> None:
        if (unit.scheme, unit.code) not in seen:
            seen.add((unit.scheme, unit.code))
            units.append(unit)

    # A district's former names are listed on the rows of the communes that came from them
    # (TP Bắc Giang's communes from huyện Yên Dũng carry "huyenyendung"): the union of its rows.
    district_aliases: dict[str, set[str]] = {}
    for row in legacy:
        district_aliases.setdefault(row["districtCode"], set()).update(_aliases(row["districtAlias"]))
    for row in legacy:
        pcode, dcode, wcode = row["provinceCode"], row["districtCode"], row["wardCode"]
        old_province_by_key[row["provinceKey"]] = pcode
        add(
            Unit(
                code=pcode,
                scheme=PRE2025,
                level=PROVINCE,
                name=_nfc(row["province"]),
                short_name=_nfc(row["provinceShort"]),
                unit_type=_type_of(row["province"]),
                parent_code=None,
                province_code=pcode,
                lat=row["provinceLat"],
                lon=row["provinceLon"],
                valid_to=PRE2025_END,
                aliases=_aliases(row["provinceAlias"]),
            )
        )
        old_district_by_key[f"{row['provinceKey']}_{row['districtKey']}"] = (dcode, pcode)
        add(
            Unit(
                code=dcode,
                scheme=PRE2025,
                level=DISTRICT,
                name=_nfc(row["district"]),
                short_name=_nfc(row["districtShort"]),
                unit_type=_nfc(row["districtType"]),
                parent_code=pcode,
                province_code=pcode,
                lat=row["districtLat"],
                lon=row["districtLon"],
                valid_to=PRE2025_END,
                aliases=tuple(sorted(district_aliases[dcode])),
            )
        )
        if wcode:
            old_keys[f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"] = wcode
            add(
                Unit(
                    code=wcode,
                    scheme=PRE2025,
                    level=COMMUNE,
                    name=_nfc(row["ward"]),
                    short_name=_nfc(row["wardShort"]),
                    unit_type=_nfc(row["wardType"]),
                    parent_code=dcode,
                    province_code=pcode,
                    lat=row["wardLat"],
                    lon=row["wardLon"],
                    valid_to=PRE2025_END,
                    aliases=_aliases(row["wardAlias"]),
                )
            )

    new_province_by_key: dict[str, str] = {}
    new_ward_by_key: dict[tuple[str, str], str] = {}
    for row in current:
        pcode = row["provinceCode"]
        new_province_by_key[row["provinceKey"]] = pcode
        new_ward_by_key[(row["provinceKey"], fold_key(row["wardKey"]))] = row["wardCode"]
        add(
            Unit(
                code=pcode,
                scheme=SCHEME_2025,
                level=PROVINCE,
                name=_nfc(row["province"]),
                short_name=_nfc(row["provinceShort"]),
                unit_type=_type_of(row["province"]),
                parent_code=None,
                province_code=pcode,
                lat=row["provinceLat"],
                lon=row["provinceLon"],
                valid_from=SCHEME_2025_START,
                aliases=_aliases(row["provinceAlias"]),
            )
        )
        add(
            Unit(
                code=row["wardCode"],
                scheme=SCHEME_2025,
                level=COMMUNE,
                name=_nfc(row["ward"]),
                short_name=_nfc(row["wardShort"]),
                unit_type=_nfc(row["wardType"]),
                parent_code=pcode,
                province_code=pcode,
                lat=row["wardLat"],
                lon=row["wardLon"],
                valid_from=SCHEME_2025_START,
                aliases=_aliases(row["wardAlias"]),
                area_km2=row["wardAreaKm2"],
            )
        )

    successions = _successions(
        converter, old_keys, old_province_by_key, old_district_by_key, new_province_by_key, new_ward_by_key
    )
    return AdminData(units=units, successions=successions)


@lru_cache(maxsize=1)
def provinces_2025(data_dir: str | None = None) -> tuple[tuple[str, str, str], ...]:
    """The provinces of the 2025 scheme as ``(code, name, short name)``, by code: those of
    :func:`load_admin_data`, read alone.

    What ``duluan analyze --home-province`` checks its value against. Reading every unit and the
    successions for it took 0.41 of the 0.96 s a one-row ``analyze`` took (cProfile, 2026-12-06);
    this query takes milliseconds.
    """
    with _dataset(Path(data_dir) if data_dir else package_data_dir()) as conn:
        rows = conn.execute(
            "SELECT DISTINCT provinceCode, province, provinceShort FROM admin_units ORDER BY provinceCode"
        ).fetchall()
    return tuple((code, _nfc(name), _nfc(short)) for code, name, short in rows)


def _dataset(folder: Path) -> closing[sqlite3.Connection]:
    """The package's ``dataset.db`` in ``folder``, read-only, closed when the ``with`` ends (a
    connection's own ``with`` only ends a transaction, and leaves the file open)."""
    return closing(sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True))


def _type_of(province_name: str) -> str:
    return "Thành phố" if _nfc(province_name).startswith("Thành phố") else "Tỉnh"


def _successions(
    converter: Mapping,
    old_keys: Mapping[str, str],
    old_province_by_key: Mapping[str, str],
    old_district_by_key: Mapping[str, tuple[str, str]],
    new_province_by_key: Mapping[str, str],
    new_ward_by_key: Mapping[tuple[str, str], str],
) -> list[Succession]:
    links: dict[tuple[str, str, str, str], Succession] = {}

    def link(old: str, old_level: str, new: str, new_level: str, share: float, basis: str) -> None:
        links[(old, old_level, new, new_level)] = Succession(old, old_level, new, new_level, share, basis)

    old_to_new_province: dict[str, str] = {}
    for new_key, old_list in converter["DICT_PROVINCE"].items():
        new_code = new_province_by_key[new_key]
        for old_key in old_list:
            old_code = old_province_by_key[old_key]
            old_to_new_province[old_code] = new_code
            link(old_code, PROVINCE, new_code, PROVINCE, 1.0, BASIS_WHOLE)

    def old_unit(old_key: str) -> tuple[str, str] | None:
        if old_key in old_keys:
            return old_keys[old_key], COMMUNE
        district_key = old_key.rstrip("_")
        if old_key.endswith("_") and district_key in old_district_by_key:
            # Island districts with no communes (Bạch Long Vĩ, Cồn Cỏ, Lý Sơn, Côn Đảo, Hoàng Sa)
            # became special zones (đặc khu) as a whole.
            return old_district_by_key[district_key][0], DISTRICT
        return None

    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_list in wards.items():
            new_code = new_ward_by_key.get((new_pkey, fold_key(new_wkey)))
            if new_code is None:
                continue
            for old_key in old_list:
                found = old_unit(old_key)
                if found:
                    link(found[0], found[1], new_code, COMMUNE, 1.0, BASIS_WHOLE)
    for new_pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_wards in olds.items():
            found = old_unit(old_key)
            codes = [new_ward_by_key.get((new_pkey, fold_key(w["newWardKey"]))) for w in new_wards]
            codes = [c for c in codes if c]
            if not found or not codes:
                continue
            for new_code in codes:
                link(found[0], found[1], new_code, COMMUNE, 1.0 / len(codes), BASIS_EQUAL_SPLIT)

    # A district has no single successor commune; it lies whole inside one new province.
    for district_code, province_code in old_district_by_key.values():
        if province_code in old_to_new_province:
            link(district_code, DISTRICT, old_to_new_province[province_code], PROVINCE, 1.0, BASIS_PROVINCE)
    return list(links.values())


def map_counts_to_2025(
    counts: Mapping[str, float] | Iterable[tuple[str, float]],
    successions: Iterable[Succession],
    *,
    level: str = COMMUNE,
) -> dict[str, float]:
    """Spread counts keyed by pre-2025 unit codes onto the 2025 units of ``level``.

    A count on an old unit that went whole into a new one moves whole; one on a divided unit is
    split by the succession shares. Codes with no successor at that level are kept under the key
    ``"?"`` so nothing is silently lost.

    Example:
        >>> data = load_admin_data()
        >>> map_counts_to_2025({"07210": 3}, data.successions)  # doctest: +SKIP
    """
    items = counts.items() if isinstance(counts, Mapping) else counts
    by_old: dict[str, list[Succession]] = {}
    for s in successions:
        if s.new_level == level:
            by_old.setdefault(s.old_code, []).append(s)
    result: dict[str, float] = {}
    for old_code, value in items:
        targets = by_old.get(old_code)
        if not targets:
            result["?"] = result.get("?", 0.0) + value
            continue
        for s in targets:
            result[s.new_code] = result.get(s.new_code, 0.0) + value * s.share
    return result
