from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duluan.apps.intake import services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.issues.clustering import signals_assign_to_issues
from duluan.apps.issues.models import ClustererState, Issue, IssueDay

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 2, 8, tzinfo=VN)
TEXTS = [
    "Ngập úng kéo dài ở phường Vũ Ninh sau mưa lớn, nước tràn vào nhà dân",
    "Phường Vũ Ninh ngập úng kéo dài, nước tràn vào nhà dân sau mưa lớn",
    "Giá điện tăng cao bất thường trong tháng này, người dân bức xúc",
    "Hóa đơn giá điện tăng cao bất thường, người dân bức xúc phản ánh",
    "Ngập úng ở phường Vũ Ninh chưa được xử lý, nước tràn vào nhà dân",
]


def items():
    return [
        services.SignalInput(
            channel=Channel.SOCIAL, text=t, created_at=T0 + timedelta(hours=i), source=f"s{i % 2}"
        )
        for i, t in enumerate(TEXTS)
    ]


def partition():
    by_issue = {}
    for s in Signal.objects.order_by("created_at"):
        by_issue.setdefault(s.issue_id, []).append(TEXTS.index(s.text))
    return sorted(by_issue.values())


def test_the_same_input_order_gives_the_same_issues_whether_in_one_batch_or_resumed():
    # given the stream ingested in one batch
    services.signals_ingest_batch(items=items())
    one_batch = partition()
    counts = sorted(Issue.objects.values_list("signal_count", flat=True))
    # when the database is emptied and the same stream comes one signal at a time (state saved between)
    Signal.objects.all().delete()
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    for item in items():
        services.signals_ingest_batch(items=[item])
    # then the issues are the same
    assert partition() == one_batch == [[0, 1, 4], [2, 3]]
    assert sorted(Issue.objects.values_list("signal_count", flat=True)) == counts


def test_the_saved_state_is_compact_and_read_back_from_the_database():
    from duluan.apps.issues import clustering

    # when the stream comes one signal at a time, the process's clusterer forgotten each time
    for item in items():
        clustering._CACHE.clear()
        services.signals_ingest_batch(items=[item])
    # then every batch read the state the previous one saved, in the compact format
    state = ClustererState.objects.get(scope="default").state
    assert state["version"] == 2 and state["n_docs"] == len(TEXTS)
    assert partition() == [[0, 1, 4], [2, 3]]


def test_issue_aggregates_count_days_sources_and_places():
    services.signals_ingest_batch(items=items())
    flood = Issue.objects.get(signals__text=TEXTS[0])
    assert flood.signal_count == 3 and flood.source_count == 2
    assert flood.first_seen == T0 and flood.last_seen == T0 + timedelta(hours=4)
    assert flood.place_count == 1 and flood.units.get().name == "Phường Vũ Ninh"
    day = IssueDay.objects.get(issue=flood)
    assert (day.count, day.sources, day.places) == (3, 2, 1)
    assert flood.summary_terms and flood.search_key


def test_signals_assign_to_issues_clusters_saved_signals():
    # given signals saved without an issue (e.g. loaded by another path)
    result = services.signals_ingest_batch(items=items())
    Signal.objects.update(issue=None)
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    signals = list(Signal.objects.order_by("created_at"))
    # when assigned
    issues = signals_assign_to_issues(signals)
    # then every signal has exactly one issue and the same grouping comes out
    assert len(issues) == len(result.created) and not Signal.objects.filter(issue__isnull=True).exists()
    assert partition() == [[0, 1, 4], [2, 3]]
