"""Which signals may share an issue by their places: a unit and the units it lies within."""

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duluan.apps.intake import imports, services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.issues.clustering import signals_assign_to_issues
from duluan.apps.issues.models import ClustererState, Issue

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 8, tzinfo=VN)
FLOOD = "ngập sâu sau mưa lớn, xe máy chết máy hàng loạt, cống thoát nước bị tắc"
# One flood named by its ward (2025 scheme), its former city (a pre-2025 district), its province,
# and by another ward of that city.
WARD, CITY, PROVINCE, OTHER_WARD = "Phường Vũ Ninh", "Thành phố Bắc Ninh", "Tỉnh Bắc Ninh", "Phường Kinh Bắc"


def _sent(*places: str) -> list[services.SignalInput]:
    return [
        services.SignalInput(channel=Channel.WEB, text=f"{place} {FLOOD}", created_at=T0 + timedelta(hours=i))
        for i, place in enumerate(places)
    ]


def _issues_of(*places: str) -> list[int]:
    return [Signal.objects.get(text=f"{place} {FLOOD}").issue_id for place in places]


@pytest.mark.parametrize(
    "first,second",
    [(WARD, CITY), (CITY, WARD), (WARD, PROVINCE), (PROVINCE, WARD)],
    ids=["ward-city", "city-ward", "ward-province", "province-ward"],
)
def test_a_signal_naming_a_ward_joins_the_issue_of_its_city_or_province(first, second):
    # given a signal naming a unit, filed through the web form
    earlier, later = _sent(first, second)
    services.signals_ingest_batch(items=[earlier])
    # when another reports the same flood by a unit it lies within, or one lying within it
    services.signals_ingest_batch(items=[later])
    # then both are in one issue
    one, other = _issues_of(first, second)
    assert one == other and Issue.objects.get(pk=one).signal_count == 2


def test_signals_naming_two_wards_of_one_city_stay_in_two_issues():
    # given the flood reported by a ward, then by another ward of the same city
    for item in _sent(WARD, OTHER_WARD):
        services.signals_ingest_batch(items=[item])
    # then they are two issues: lying within one unit makes no place of the other
    one, other = _issues_of(WARD, OTHER_WARD)
    assert one != other


@pytest.mark.parametrize("workers", [1, 2])
def test_an_import_puts_a_ward_in_its_city_s_issue_by_the_workers_reading(tmp_path, workers):
    # given a file of the flood reported by a ward, then by its city
    path = tmp_path / "ngap.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        rows = [[f"{p} {FLOOD}", f"2026-03-02T{8 + i:02d}:00:00+07:00"] for i, p in enumerate((WARD, CITY))]
        csv.writer(handle).writerows([["text", "created_at"], *rows])
    # when it is imported, analysed in this process or by forked workers
    report = imports.signals_import_file(path=path, channel="hotline", workers=workers)
    # then both are in one issue
    ward, city = _issues_of(WARD, CITY)
    assert report.created == 2 and ward == city


def test_saved_signals_assigned_again_join_a_ward_to_its_city_by_their_stored_places():
    # given a ward's and its city's signals stored without an issue
    services.signals_ingest_batch(items=_sent(CITY, WARD))
    Signal.objects.update(issue=None)
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    # when they are assigned again from their rows
    signals_assign_to_issues(list(Signal.objects.order_by("created_at")))
    # then they are in one issue
    city, ward = _issues_of(CITY, WARD)
    assert city == ward is not None
