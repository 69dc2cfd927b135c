"""Signals that share an issue beyond their similarity: a copy and its original, a unit and the
units it lies within."""

import csv
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duluan.apps.intake import imports, services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.issues import clustering
from duluan.apps.issues.clustering import signal_stream_id, signals_assign_to_issues
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


def _assigned_again_from_rows() -> None:
    """Forget the stored signals' issues and clusters, and assign the signals again from their rows."""
    Signal.objects.update(issue=None)
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    signals_assign_to_issues(list(Signal.objects.order_by("created_at")))


def test_saved_signals_assigned_again_join_a_ward_to_its_city_by_their_stored_places():
    # given a ward's and its city's signals stored without an issue
    services.signals_ingest_batch(items=_sent(CITY, WARD))
    # when they are assigned again from their rows
    _assigned_again_from_rows()
    # then they are in one issue
    city, ward = _issues_of(CITY, WARD)
    assert city == ward is not None


def test_saved_signals_assigned_again_join_a_former_ward_to_the_ward_it_became():
    # given the flood reported in June 2025 by phường Trần Phú, and in July by phường Bắc Giang,
    # the 2025 ward it became, stored without an issue
    before, after = "Phường Trần Phú", "Phường Bắc Giang"
    switch = datetime(2025, 7, 1, tzinfo=VN)
    services.signals_ingest_batch(
        items=[
            services.SignalInput(channel=Channel.WEB, text=f"{place} {FLOOD}", created_at=when)
            for place, when in ((before, switch - timedelta(days=2)), (after, switch + timedelta(days=1)))
        ]
    )
    assert len(set(_issues_of(before, after))) == 1  # as the analysis reads them
    # when they are assigned again from their rows
    _assigned_again_from_rows()
    # then they are in one issue: a stored place counts with its counterpart in the other scheme
    one, other = _issues_of(before, after)
    assert one == other is not None


FIRST = "Ngập úng kéo dài ở phường Vũ Ninh"
# Reports that join its issue and draw the issue's centroid away from it: the drain behind the
# flood, then what the blocked drain brings.
AFTERMATH = [
    "muỗi sinh sôi",
    "trẻ em ốm",
    "chợ đóng cửa",
    "đường trơn trượt",
    "xe rác không đến",
    "người già khó thở",
    "hàng quán vắng khách",
    "nước giếng đục",
    "học sinh nghỉ học",
    "cây đổ chắn lối",
    "điện chập chờn",
    "lúa bị hỏng",
    "cá chết nổi",
    "tường nhà nứt",
    "bếp không nấu được",
    "mùi hôi nồng nặc",
]
DRIFT = [f"{FIRST}, cống thoát nước bị tắc", *(f"Cống thoát nước bị tắc, {x}" for x in AFTERMATH)]
EXACT = FIRST
NEAR = "Ngap ung keo dai o phuong Vu Ninh"  # typed without diacritics, as on a phone


def _items(texts: list[str], start: int = 0) -> list[services.SignalInput]:
    return [
        services.SignalInput(channel=Channel.WEB, text=t, created_at=T0 + timedelta(minutes=start + i))
        for i, t in enumerate(texts)
    ]


def _ingest(items: list[services.SignalInput], delivery: str) -> None:
    if delivery == "one batch":
        services.signals_ingest_batch(items=items)
        return
    for item in items:
        if delivery == "one at a time, state read back":
            clustering._CACHE.clear()
        services.signals_ingest_batch(items=[item])


@pytest.mark.parametrize("copy", [EXACT, NEAR], ids=["exact", "near"])
@pytest.mark.parametrize("delivery", ["one batch", "one at a time", "one at a time, state read back"])
def test_a_copy_joins_its_original_s_issue_after_the_issue_drifted_away_from_it(copy, delivery):
    # given a citizen's report, reports that join its issue and draw it away from the report,
    # then a copy of the report (the same text, or the same typed without diacritics)
    items = _items([FIRST, *DRIFT, copy])
    # when they come, in one batch or each on its own
    _ingest(items, delivery)
    # then the copy is in its original's issue
    first, *_, later = Signal.objects.order_by("created_at")
    assert later.issue_id == first.issue_id
    if copy == EXACT:
        assert later.duplicate_of_id == first.pk
    else:
        assert later.near_duplicate_group and later.duplicate_of_id is None


def test_the_same_input_order_gives_the_same_issues_with_copies_in_one_batch_or_resumed():
    # given the stream with its copies, in one batch
    texts = [FIRST, *DRIFT, EXACT, NEAR]
    _ingest(_items(texts), "one batch")
    one_batch = _partition()
    # when the database is emptied and the same stream comes one signal at a time
    Signal.objects.all().delete()
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    clustering._CACHE.clear()
    _ingest(_items(texts), "one at a time, state read back")
    # then the issues are the same, the copies with their original
    assert _partition() == one_batch
    assert any({0, len(texts) - 2, len(texts) - 1} <= set(issue) for issue in one_batch)


def _partition() -> list[list[int]]:
    """The positions of the signals in the stream, grouped by issue."""
    by_issue: dict[int, list[int]] = {}
    for k, s in enumerate(Signal.objects.order_by("created_at")):
        by_issue.setdefault(s.issue_id, []).append(k)
    return sorted(by_issue.values())


OUTAGE = "mất điện từ sáng đến tối, tủ lạnh hỏng, đèn tắt"  # (no word of the stream's)


def test_a_state_saved_before_signals_joined_by_copy_or_place_loads_and_goes_on_with_both():
    # given a power cut reported by the city a week before the stream, and the state saved as it was
    # before signals joined by copy or place: without its joinable signals, nor the units its
    # clusters' places lie within
    week_before = T0 - timedelta(days=8)
    city, ward = (
        services.SignalInput(
            channel=Channel.WEB, text=f"{p} {OUTAGE}", created_at=week_before + timedelta(hours=i)
        )
        for i, p in enumerate((CITY, WARD))
    )
    services.signals_ingest_batch(items=[city])
    row = ClustererState.objects.get(scope="default")
    state = row.state
    assert state.pop("joinable")["ids"] and state["clusters"].pop("within")
    ClustererState.objects.filter(pk=row.pk).update(state=state)
    clustering._CACHE.clear()
    # when the ward's report comes, then the stream with a copy, each on its own
    services.signals_ingest_batch(items=[ward])
    _ingest(_items([FIRST, *DRIFT, EXACT]), "one at a time, state read back")
    # then the ward joins the city's issue, the copy its original's, and the state keeps both again
    assert len(set(Signal.objects.filter(created_at__lt=T0).values_list("issue", flat=True))) == 1
    first, *_, later = Signal.objects.filter(created_at__gte=T0).order_by("created_at")
    assert later.issue_id == first.issue_id
    saved = ClustererState.objects.get(scope="default").state
    assert signal_stream_id(first.channel, first.external_id) in saved["joinable"]["ids"]
    assert "within" in saved["clusters"]


def test_saved_signals_assigned_again_put_copies_in_their_original_s_issue():
    # given the stream with an exact and a near copy, stored without an issue
    _ingest(_items([FIRST, *DRIFT, EXACT, NEAR]), "one batch")
    Signal.objects.update(issue=None)
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    clustering._CACHE.clear()
    # when they are assigned again from their rows
    signals_assign_to_issues(list(Signal.objects.order_by("created_at")))
    # then both copies are in their original's issue
    first, *_, exact, near = Signal.objects.order_by("created_at")
    assert exact.duplicate_of_id == first.pk and near.near_duplicate_group
    assert first.issue_id == exact.issue_id == near.issue_id is not None
