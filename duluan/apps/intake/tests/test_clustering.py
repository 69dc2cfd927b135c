from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from duluan.analysis.cluster import DEFAULT_SIMILARITY_THRESHOLD, term_spellings
from duluan.analysis.normalise import fold
from duluan.analysis.pipeline import tokenise
from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.issues import clustering
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
    assert state["version"] == 4 and state["n_docs"] == len(TEXTS)
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


BARE = "Phuong Vu Ninh ngap ung keo dai, nuoc tran vao nha dan sau mua lon"


def test_a_signal_typed_without_diacritics_joins_the_issue_and_its_terms_keep_their_diacritics():
    # given the stream, then the flood report typed again without diacritics, as on a phone
    services.signals_ingest_batch(items=items())
    late = services.SignalInput(channel=Channel.HOTLINE, text=BARE, created_at=T0 + timedelta(hours=6))
    # when it is ingested
    services.signals_ingest_batch(items=[late])
    # then it joins the flood issue, whose summary terms read with diacritics, as the phrases
    # its representative writes them in ("phường vũ", "vũ ninh" as "phường vũ ninh")
    flood = Issue.objects.get(signals__text=TEXTS[0])
    assert flood.signals.filter(text=BARE).exists() and flood.signal_count == 4
    assert "ngập úng" in flood.summary_terms and "phường vũ ninh" in flood.summary_terms
    assert not {"phường vũ", "vũ ninh", "ninh ngập"} & set(flood.summary_terms)
    assert [term for term, spelled in _pairs(flood) if term != spelled] == []


def test_key_words_take_in_the_syllable_their_edge_cuts_as_the_topic_model_says(tmp_path, monkeypatch):
    from duluan.analysis.topic import TopicClassifier

    from .tiny_models import build_tiny_models

    # given the stream ingested without models: the power bill issue reads "cao bất thường"
    services.signals_ingest_batch(items=items())
    power = Issue.objects.get(signals__text=TEXTS[2])
    assert "cao bất thường" in power.summary_terms, power.summary_terms
    # and models built, by whose topic model "tăng cao" is a word and "cao bất" none
    Signal.objects.all().delete()
    Issue.objects.all().delete()
    ClustererState.objects.all().delete()
    clustering._CACHE.clear()
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    build_tiny_models(tmp_path)
    texts = ["giá xăng tăng cao", "học phí tăng cao", "thời tiết bất thường", "cao ốc mới xây"]
    labels = ["economy", "education", "environment", "construction"]
    TopicClassifier(calibration_fraction=0).fit(texts, labels).save(tmp_path / "topic.model")
    # when the stream is ingested again
    services.signals_ingest_batch(items=items())
    # then that key word takes in the syllable its edge cut
    power = Issue.objects.get(signals__text=TEXTS[2])
    assert "tăng cao bất thường" in power.summary_terms, power.summary_terms
    assert "cao bất thường" not in power.summary_terms


def test_issues_whose_cluster_closes_within_the_batch_still_get_their_key_words():
    # given a year of reports imported in one batch: the flood reports in March, the power bill
    # reports months later, past the clusterer's window (seven days), so the flood's cluster
    # closes before the batch is counted
    late = [
        services.SignalInput(
            channel=Channel.HOTLINE,
            text=TEXTS[i],
            created_at=T0 + timedelta(hours=i, days=60 if i in (2, 3) else 0),
        )
        for i in (0, 1, 4, 2, 3)
    ]
    # when the batch is ingested
    services.signals_ingest_batch(items=late)
    # then every issue is named by its key words, the closed one too
    flood = Issue.objects.get(signals__text=TEXTS[0])
    assert flood.signal_count == 3 and "phường vũ ninh" in flood.summary_terms, flood.summary_terms
    assert all(issue.summary_terms for issue in Issue.objects.all())


FLOOD = [
    "Ngập úng ở phường Vũ Ninh, nước tràn vào nhà dân",
    "Phường Vũ Ninh ngập úng, nước tràn vào nhà dân",
    "Ngập úng kéo dài ở phường Vũ Ninh",
    "Vũ Ninh ngập úng kéo dài, nước tràn vào nhà",
    "Ngập úng kéo dài, khổ quá",
]


def test_key_words_the_representative_does_not_write_are_read_along_the_issue_s_other_signals():
    # given flood reports in one batch, whose representative writes "Vũ Ninh" without "phường"
    # (ward), as others write it
    services.signals_ingest_batch(
        items=[
            services.SignalInput(channel=Channel.HOTLINE, text=t, created_at=T0 + timedelta(hours=i))
            for i, t in enumerate(FLOOD)
        ]
    )
    issue = Issue.objects.get()
    assert issue.signal_count == 5 and issue.title.startswith("Vũ Ninh ngập úng kéo dài")
    # then its key words read "phường vũ ninh" as the others write it, not the piece "phường vũ"
    assert "phường vũ ninh" in issue.summary_terms and "phường vũ" not in issue.summary_terms
    assert issue.summary_terms[0] == "ngập úng kéo dài", issue.summary_terms


DRAIN = [
    "Ngập úng kéo dài ở phường Vũ Ninh sau mưa lớn, nước tràn vào nhà dân",
    "Phường Vũ Ninh ngập úng kéo dài, nước tràn vào nhà dân sau mưa lớn",
    "pho vu ninh ngap ung vi cong thoat nuoc bi tac, de nghi nao vet cong thoat",
    "Ngập úng ở phường Vũ Ninh vì cống thoát nước bị tắc",
    "vu ninh ngap ung keo dai, cong thoat nuoc tac, nuoc tran vao nha",
]


def test_key_words_are_spelt_by_another_signal_when_the_representative_has_no_diacritics():
    # given reports of a blocked drain, the first typed without diacritics (and staying the
    # issue's representative), the next written with them, in one batch
    late = [
        services.SignalInput(channel=Channel.HOTLINE, text=t, created_at=T0 + timedelta(hours=i))
        for i, t in enumerate(DRAIN)
    ]
    services.signals_ingest_batch(items=late)
    issue = Issue.objects.get(signals__text=DRAIN[2])
    assert issue.signals.filter(text=DRAIN[3]).exists() and issue.title.startswith("Pho vu ninh")
    # then its key words are read as the representative's phrases, spelt as the other writes them
    assert "vì cống thoát nước" in issue.summary_terms and "vũ ninh" in issue.summary_terms
    assert not any(term == fold(term) for term in issue.summary_terms), issue.summary_terms


def _pairs(issue):
    """Each summary term and what the issue's texts spell it as (the term when none has marks)."""
    spellings = {}
    for text in issue.signals.values_list("text_masked", flat=True):
        term_spellings(tokenise(text), spellings)
    return [(term, spellings.get(fold(term), term)) for term in issue.summary_terms]


def test_a_state_and_profiles_saved_before_terms_were_folded_go_on_with_the_same_issues():
    # given the stream clustered and saved as it was before terms were folded: the compact state
    # of format 2 and the issues' title profiles with the terms as the texts write them
    services.signals_ingest_batch(items=items())
    spellings = {}
    for text in Signal.objects.values_list("text_masked", flat=True):
        term_spellings(tokenise(text), spellings)
    row = ClustererState.objects.get(scope="default")
    state = row.state
    state["version"] = 2
    state["clusters"]["terms"] = [spellings.get(t, t) for t in state["clusters"]["terms"]]
    state["clusters"]["posted"] = [[spellings.get(t, t) for t in p] for p in state["clusters"]["posted"]]
    ClustererState.objects.filter(pk=row.pk).update(state=state)
    for issue in Issue.objects.all():
        issue.title_vector = {spellings.get(t, t): w for t, w in issue.title_vector.items()}
        issue.save(update_fields=["title_vector"])
    from duluan.apps.issues import clustering

    clustering._CACHE.clear()
    titles = dict(Issue.objects.values_list("pk", "title"))
    # when a report typed without diacritics comes
    late = services.SignalInput(channel=Channel.HOTLINE, text=BARE, created_at=T0 + timedelta(hours=6))
    services.signals_ingest_batch(items=[late])
    # then it joins the flood issue, whose title stays (its representative compares as before)
    flood = Issue.objects.get(signals__text=TEXTS[0])
    assert flood.signals.filter(text=BARE).exists()
    assert dict(Issue.objects.values_list("pk", "title")) == titles
    assert ClustererState.objects.get(scope="default").state["version"] == 4


def _saved_threshold() -> float:
    return ClustererState.objects.get(scope="default").state["params"]["similarity_threshold"]


def _restate_threshold(threshold: float) -> None:
    row = ClustererState.objects.get(scope="default")
    state = row.state
    state["params"]["similarity_threshold"] = threshold
    ClustererState.objects.filter(pk=row.pk).update(state=state)
    clustering._CACHE.clear()


def test_a_state_saved_with_an_older_threshold_goes_on_with_the_configured_one(settings):
    # given the stream clustered by an installation whose engine had the threshold 0.35
    services.signals_ingest_batch(items=items()[:2])
    assert _saved_threshold() == DEFAULT_SIMILARITY_THRESHOLD
    _restate_threshold(0.35)
    # when the next signal comes after an upgrade, nothing configured
    services.signals_ingest_batch(items=items()[2:3])
    # then the state goes on with the engine's default, the change audited once
    assert _saved_threshold() == DEFAULT_SIMILARITY_THRESHOLD
    events = AuditEvent.objects.filter(action="issues.clustering_threshold").order_by("pk")
    assert [(e.before, e.after, e.reason, e.actor_label) for e in events.all()] == [
        (
            {"similarity_threshold": 0.35},
            {"similarity_threshold": DEFAULT_SIMILARITY_THRESHOLD},
            "engine default",
            "system",
        )
    ]
    services.signals_ingest_batch(items=items()[3:4])
    assert events.all().count() == 1
    # and an installation that names its own threshold gets it, on the saved state as on a fresh one
    settings.DULUAN_CLUSTER_THRESHOLD = 0.3
    services.signals_ingest_batch(items=items()[4:])
    assert _saved_threshold() == 0.3
    assert events.all().count() == 2 and events.last().reason == "DULUAN_CLUSTER_THRESHOLD"
    ClustererState.objects.all().delete()
    clustering._CACHE.clear()
    new = services.SignalInput(channel=Channel.SOCIAL, text="Đèn đường hỏng nhiều ngày", created_at=T0)
    services.signals_ingest_batch(items=[new])
    assert _saved_threshold() == 0.3


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2", "cao", "nan"])
def test_a_threshold_setting_outside_0_to_1_stops_start_up_with_its_name(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from duluan.config.settings.base import env_fraction

    monkeypatch.setenv("DULUAN_CLUSTER_THRESHOLD", value)
    with pytest.raises(ImproperlyConfigured, match="DULUAN_CLUSTER_THRESHOLD"):
        env_fraction("DULUAN_CLUSTER_THRESHOLD")
    monkeypatch.setenv("DULUAN_CLUSTER_THRESHOLD", " 0.25 ")
    assert env_fraction("DULUAN_CLUSTER_THRESHOLD") == 0.25
    monkeypatch.delenv("DULUAN_CLUSTER_THRESHOLD")
    assert env_fraction("DULUAN_CLUSTER_THRESHOLD") is None


def test_the_clusterer_may_also_look_in_the_issues_of_the_models_other_guess():
    from types import SimpleNamespace

    from duluan.apps.intake.analysis import Analysis
    from duluan.apps.issues.clustering import _cluster_doc

    analysis = Analysis(
        key="k", topic={"label": "land", "score": 0.6, "runner_up": "environment"}, terms={"a b": 1}
    )
    # a signal of the model's topic may also join issues of its runner-up
    signal = SimpleNamespace(channel="web", external_id="k", pk=None, topic="land", created_at=T0)
    assert _cluster_doc(signal, analysis).other_topic == "environment"
    # one whose sender chose another topic may also join issues of the model's first choice
    signal.topic = "health"
    assert _cluster_doc(signal, analysis).other_topic == "land"
    # and the seed-term fallback, which names no runner-up, leaves nothing else when it agrees
    analysis.topic = {"label": "health", "score": 0.5, "terms": []}
    assert _cluster_doc(signal, analysis).other_topic is None


def test_copies_of_a_signal_without_words_join_its_issue_in_a_batch_and_in_later_ones():
    # given signals of emoji alone and of marks alone, sent again and again: in one batch, then in
    # later batches (each a session of its own, as the web form's)
    def sent(text, n, start):
        return [
            services.SignalInput(
                channel=Channel.SOCIAL, text=text, created_at=T0 + timedelta(minutes=start + i)
            )
            for i in range(n)
        ]

    services.signals_ingest_batch(items=sent("😀😀😀", 4, 0) + sent("!!!", 3, 10))
    services.signals_ingest_batch(items=sent("😀😀😀", 2, 20))
    services.signals_ingest_batch(items=sent("😡", 1, 30))
    # then each text's copies are in one issue, not one issue each, and different texts apart
    by_text = {}
    for s in Signal.objects.all():
        by_text.setdefault(s.text, set()).add(s.issue_id)
    assert {text: len(issues) for text, issues in by_text.items()} == {"😀😀😀": 1, "!!!": 1, "😡": 1}
    assert len(set().union(*by_text.values())) == 3
    assert Issue.objects.get(pk=next(iter(by_text["😀😀😀"]))).signal_count == 6
