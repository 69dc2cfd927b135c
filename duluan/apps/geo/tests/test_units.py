"""The national administrative units, in both schemes, and the succession between them."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from duluan.adminunits import PRE2025, SCHEME_2025, Succession, load_admin_data
from duluan.apps.audit.models import AuditEvent
from duluan.apps.geo import selectors
from duluan.apps.geo.models import AdminUnit
from duluan.apps.geo.models import Succession as SuccessionRow
from duluan.apps.geo.services import units_load

pytestmark = pytest.mark.django_db


def count(scheme: str, level: str) -> int:
    return AdminUnit.objects.filter(scheme=scheme, level=level).count()


def test_both_schemes_are_loaded_in_full():
    # given the units loaded from vietnamadminunits (by the session fixture)
    # then the pre-2025 scheme has 63 provinces, their districts and ~10,000 communes
    assert count(PRE2025, "province") == 63
    assert 690 <= count(PRE2025, "district") <= 710
    assert 10_000 <= count(PRE2025, "commune") <= 10_700
    # and the 2025 scheme has 34 provinces, ~3,300 communes and no districts
    assert count(SCHEME_2025, "province") == 34
    assert 3_250 <= count(SCHEME_2025, "commune") <= 3_350
    assert count(SCHEME_2025, "district") == 0
    # and validity dates say when each scheme applied
    assert not AdminUnit.objects.filter(scheme=SCHEME_2025).exclude(valid_from="2025-07-01").exists()
    assert not AdminUnit.objects.filter(scheme=PRE2025).exclude(valid_to="2025-06-30").exists()


def test_every_pre2025_commune_of_bac_giang_has_a_successor():
    # given the communes of the pre-2025 province of Bắc Giang
    communes = AdminUnit.objects.filter(scheme=PRE2025, level="commune", province_code="24")
    assert communes.count() > 150
    # then each became part of at least one 2025 commune of Bắc Ninh
    orphans = communes.exclude(successor_links__new__level="commune")
    assert list(orphans.values_list("name", flat=True)) == []
    new_provinces = set(
        SuccessionRow.objects.filter(old__in=communes).values_list("new__parent__name", flat=True)
    )
    assert new_provinces == {"Tỉnh Bắc Ninh"}


def test_every_2025_province_has_predecessors():
    for province in AdminUnit.objects.filter(scheme=SCHEME_2025, level="province"):
        predecessors = selectors.unit_predecessors(province)
        assert predecessors, province.name
        assert all(link.unit.scheme == PRE2025 and link.unit.level == "province" for link in predecessors)
    # and Bắc Ninh (2025) is Bắc Giang + Bắc Ninh (pre-2025)
    bac_ninh = selectors.unit_get(code="24", scheme=SCHEME_2025)
    assert {link.unit.name for link in selectors.unit_predecessors(bac_ninh)} == {
        "Tỉnh Bắc Giang",
        "Tỉnh Bắc Ninh",
    }


def test_divided_communes_split_their_share():
    # given an old commune that was divided between several new communes
    link = SuccessionRow.objects.filter(basis="equal_split").select_related("old").first()
    assert link is not None
    shares = SuccessionRow.objects.filter(old=link.old).values_list("share", flat=True)
    # then the shares of its successors add up to one
    assert len(shares) >= 2
    assert sum(shares) == pytest.approx(1.0)


def test_reloading_keeps_rows_and_ids():
    # given the loaded units
    before = dict(AdminUnit.objects.values_list("pk", "code"))
    links_before = SuccessionRow.objects.count()
    # when they are loaded again
    report = units_load()
    # then nothing is duplicated and every unit keeps its primary key
    assert report.created_units == 0
    assert dict(AdminUnit.objects.values_list("pk", "code")) == before
    assert SuccessionRow.objects.count() == links_before


def test_a_failed_load_leaves_the_database_as_it_was():
    # given data whose last succession points at a unit that does not exist
    data = load_admin_data()
    broken = replace(
        data, successions=[*data.successions, Succession("00001", "commune", "nope", "commune", 1, "whole")]
    )
    units_before = AdminUnit.objects.count()
    events_before = AuditEvent.objects.count()
    names_before = dict(AdminUnit.objects.filter(province_code="24").values_list("pk", "name"))
    # when loading it fails half-way
    with pytest.raises(KeyError):
        units_load(data=broken)
    # then nothing of it was written
    assert AdminUnit.objects.count() == units_before
    assert AuditEvent.objects.count() == events_before
    assert dict(AdminUnit.objects.filter(province_code="24").values_list("pk", "name")) == names_before


def test_loading_writes_an_audit_event():
    units_load()
    event = AuditEvent.objects.filter(action="geo.units_load").first()
    assert event is not None and event.after["units"] == AdminUnit.objects.count()


def test_counts_keyed_by_old_units_roll_up_onto_new_units():
    # given counts on pre-2025 communes of Bắc Giang, one of them divided
    bg_communes = list(
        AdminUnit.objects.filter(scheme=PRE2025, level="commune", province_code="24").values_list(
            "code", flat=True
        )
    )
    divided = SuccessionRow.objects.filter(basis="equal_split").values_list("old__code", flat=True).first()
    counts = {code: 1.0 for code in bg_communes[:20]}
    counts[divided] = 10.0
    counts["99999"] = 3.0  # no such unit
    # when they are mapped onto 2025 communes
    rolled = selectors.counts_to_2025_units(counts)
    # then the total is kept, nothing silently dropped, unknown codes gathered under "?"
    assert sum(rolled.values()) == pytest.approx(sum(counts.values()))
    assert rolled["?"] == 3.0
    new_codes = set(AdminUnit.objects.filter(scheme=SCHEME_2025).values_list("code", flat=True))
    assert set(rolled) - {"?"} <= new_codes


@pytest.mark.parametrize("query", ["bac giang", "Bắc Giang", "BẮC GIANG", "bắc giang", "Bắc Giang"])
def test_search_is_accent_and_case_insensitive(query):
    # the last query is in decomposed (NFD) form, as some phones type it
    results = selectors.unit_search(q=query)
    found = {(u.scheme, u.level, u.name) for u in results}
    assert (PRE2025, "province", "Tỉnh Bắc Giang") in found
    assert (PRE2025, "district", "Thành phố Bắc Giang") in found
    assert (SCHEME_2025, "commune", "Phường Bắc Giang") in found
    # exact short-name matches come first, provinces before communes
    assert results[0].name == "Tỉnh Bắc Giang"


def test_the_units_are_read_without_importing_the_address_parsers():
    # given a fresh interpreter (the package's parsers pull in geopy: a third of a second a start)
    code = (
        "import sys; from duluan.adminunits import load_admin_data; "
        "print(len(load_admin_data().units), 'vietnamadminunits' in sys.modules)"
    )
    # when it reads every unit
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # then it found the package's data without importing the package
    units, imported = out.stdout.split()
    assert int(units) > 14000 and imported == "False"
