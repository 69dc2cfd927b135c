"""A writer's name an older masker left is masked, when the signals are read again, in every
stored copy of their words: the signal's title, masked text and search key, its issue's title,
key words, profile and search key, the clusterer's saved terms, officials' corrections, and the
audit log's events (the one rewrite the append-only log allows)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from duluan.analysis import frames
from duluan.analysis.normalise import fold
from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import services
from duluan.apps.intake.models import Channel, Signal
from duluan.apps.intake.reanalysis import signals_reanalyse
from duluan.apps.issues.models import ClustererState, Correction, Issue
from duluan.apps.issues.services import issue_merge, issue_rename

NAME = "Lường Văn Quyết"
# What of the name a stored copy may hold: whole, or as the clusterer's terms (folded bigrams).
TRACES = re.compile(r"(?<![a-z])(?:luong van|van quyet)(?![a-z])")
TITLE = f"Đơn kiến nghị của ông {NAME}"
FLOOD = (
    f"Tôi tên là {NAME}, trú tại thôn Đông. Đường làng ngập sâu, nước cống tràn vào nhà dân cả "
    "tuần nay, xin các cấp xem xét."
)
POWER = f"Tôi tên là {NAME}. Thôn Đông mất điện cả ngày, trạm biến áp cháy mà chưa ai sửa."
# Where the name stays by design: the text as received (read only by those the identity gate
# lets in) and the reporter's form.
KEPT = {("intake.Signal", "text"), ("intake.Reporter", "name")}


def _stored_texts():
    """(model, column, pk, value) of every text and JSON column of every model but the
    administrative units (names of places, some of which a person's name shares)."""
    for model in apps.get_models():
        if model._meta.app_label == "geo":
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            or "JSON" in type(f).__name__
        ]
        if columns:
            for row in model.objects.values("pk", *columns):
                for column in columns:
                    yield model._meta.label, column, row["pk"], str(row[column])


def _leaks(traces: re.Pattern[str] = TRACES) -> list[tuple[str, str, int]]:
    """Where a stored copy names the writer (accents and case aside), but where it is kept."""
    return [
        (label, column, pk)
        for label, column, pk, value in _stored_texts()
        if (label, column) not in KEPT and traces.search(fold(value))
    ]


@pytest.fixture
def stored_by_an_older_masker(db, monkeypatch):
    """Two signals stored by a masker that found no writer's name (as the masker of before a
    signature's shape was learnt), each opening an issue; an official renamed the first."""
    with monkeypatch.context() as older:
        older.setattr(frames, "_identity", lambda text, folded: [])
        flood, _ = services.signal_ingest(channel=Channel.WEB, title=TITLE, text=FLOOD)
        power, _ = services.signal_ingest(channel=Channel.WEB, title=TITLE, text=POWER)
    assert flood.issue_id != power.issue_id
    issue_rename(issue=Issue.objects.get(pk=flood.issue_id), title="Ngập ở thôn Đông", actor=None)
    return flood, power


def test_the_name_an_older_masker_left_is_masked_in_every_stored_copy(
    stored_by_an_older_masker, audit_append_only
):
    flood, power = stored_by_an_older_masker
    # given the name in the signals' titles, masked texts and search keys, their issue's title,
    # key words, profile and search key, the clusterer's terms and the rename's former title (in
    # its correction and its audit event), the audit log append-only as in production
    leaks = {(label, column) for label, column, _ in _leaks()}
    assert {
        ("intake.Signal", "title"),
        ("intake.Signal", "text_masked"),
        ("intake.Signal", "search_key"),
        ("issues.Issue", "title"),
        ("issues.Issue", "summary_terms"),
        ("issues.Issue", "title_vector"),
        ("issues.Issue", "search_key"),
        ("issues.ClustererState", "state"),
        ("issues.Correction", "before"),
        ("audit.AuditEvent", "before"),
    } <= leaks
    # when the signals are read again with the masker of now
    result = signals_reanalyse(allow_fallback=True)
    # then no stored copy names the writer
    assert _leaks() == []
    # the titles say where the name was, and the issue not renamed takes its signal's title
    assert set(Signal.objects.values_list("title", flat=True)) == {"Đơn kiến nghị của ông <name>"}
    assert Issue.objects.get(pk=power.issue_id).title == "Đơn kiến nghị của ông <name>"
    # what the official typed stays, and the former title in their correction is masked
    renamed = Issue.objects.get(pk=flood.issue_id)
    assert renamed.title == "Ngập ở thôn Đông" and renamed.title_confirmed
    correction = Correction.objects.get(issue=renamed)
    assert correction.before["title"] == "Đơn kiến nghị của ông <name>"
    assert correction.after == {"title": "Ngập ở thôn Đông"}
    # the issues keep the key words that were not the name, and are found by them
    for issue in Issue.objects.all():
        assert issue.summary_terms and "<name>" not in " ".join(issue.summary_terms)
        assert issue.search_key.endswith(" ".join(fold(t) for t in issue.summary_terms).replace("·", ""))
    # and so is the former title in the audit event of the rename, and nothing else of it changed
    rename = AuditEvent.objects.get(action="issues.issue_rename")
    assert rename.before == {"title": "Đơn kiến nghị của ông <name>", "title_confirmed": False}
    assert rename.after == {"title": "Ngập ở thôn Đông", "title_confirmed": True}
    assert AuditEvent.objects.get(action="audit.redact").after == {"events": 1, "ids": [rename.pk]}
    # the run's audit event counts what was masked again, and names no one
    assert result.changed["title"] == 2 and result.changed["text_masked"] == 2
    remasked = {"issues": 2, "corrections": 1, "clusters": 2, "audit_events": 1}
    assert result.remasked == remasked
    event = AuditEvent.objects.get(action="intake.signals_reanalyse")
    assert event.after["remasked"] == remasked
    assert not TRACES.search(fold(str(event.after)))
    # and a run again finds nothing more to mask
    again = signals_reanalyse(allow_fallback=True)
    assert again.updated == 0 and not again.remasked


def test_the_titles_a_merge_recorded_are_masked_in_its_correction(db, audit_append_only, monkeypatch):
    # given two issues titled by their signals, stored by the older masker, and merged by an
    # official: the merge's correction records both titles as they were, the name in them
    with monkeypatch.context() as older:
        older.setattr(frames, "_identity", lambda text, folded: [])
        flood, _ = services.signal_ingest(channel=Channel.WEB, title=TITLE, text=FLOOD)
        power, _ = services.signal_ingest(channel=Channel.WEB, title=TITLE, text=POWER)
    source, target = Issue.objects.get(pk=power.issue_id), Issue.objects.get(pk=flood.issue_id)
    issue_merge(source=source, target=target, actor=None)
    correction = Correction.objects.get()
    assert correction.before == {"source_title": TITLE, "target_title": TITLE}
    assert ("issues.Correction", "before") in {(label, column) for label, column, _ in _leaks()}
    # when the signals are read again with the masker of now
    result = signals_reanalyse(allow_fallback=True)
    # then no stored copy names the writer: the merge's correction holds both titles as masked,
    # the rest of it as it was
    assert _leaks() == []
    correction.refresh_from_db()
    masked = "Đơn kiến nghị của ông <name>"
    assert correction.before == {"source_title": masked, "target_title": masked}
    assert correction.after == {"merged_into": target.pk}
    assert result.remasked["corrections"] == 1
    # and a run again finds nothing more to mask
    assert not signals_reanalyse(allow_fallback=True).remasked


def test_the_audit_log_is_searched_for_the_titles_among_the_issues_events_only(
    stored_by_an_older_masker, audit_append_only
):
    # given an audit log whose events are mostly not an issue's (one per signal stored, here)
    assert AuditEvent.objects.exclude(object_type="issues.issue").count() > 1
    # when the signals are read again and their titles masked
    with CaptureQueriesContext(connection) as queries:
        result = signals_reanalyse(allow_fallback=True)
    # then the rename's event is masked, found among the issues' events: no other event is read
    assert result.remasked["audit_events"] == 1
    searches = [
        q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"] and "LIKE" in q["sql"]
    ]
    assert searches and all('"object_type" IN' in sql for sql in searches)


def test_the_clusterer_keeps_its_clusters_open_without_the_name(stored_by_an_older_masker):
    from duluan.analysis.cluster import OnlineClusterer

    flood, _ = stored_by_an_older_masker
    signals_reanalyse(allow_fallback=True)
    # then the flooding's cluster is still open, with its words but the name's
    state = ClustererState.objects.get()
    cluster = OnlineClusterer.from_state(state.state).get(
        Issue.objects.get(pk=flood.issue_id).cluster_key.split(":")[1]
    )
    assert cluster is not None and "ngap sau" in cluster.weights and cluster.posted
    assert not [term for term in (*cluster.weights, *cluster.posted) if TRACES.search(term)]
    # and the platform clusters on from it: a new signal is assigned, and the name comes back nowhere
    again, _ = services.signal_ingest(channel=Channel.WEB, title=TITLE, text=FLOOD + " Đã ba lần báo.")
    assert again.issue_id is not None
    assert ClustererState.objects.get().updated_at > state.updated_at
    assert _leaks() == []


HUNG = "Đào Văn Hùng"
HUNG_TRACES = re.compile(r"(?<![a-z])(?:dao van|van hung)(?![a-z])")


def test_a_title_naming_the_writer_its_text_introduces_is_masked_in_every_stored_copy(db, monkeypatch):
    # given a signal stored before a title was masked by what its text says of its writer: the
    # title names him in a shape no masker reads as a name alone, and so do its copies
    with monkeypatch.context() as older:
        older.setattr(services, "mask_text_values", lambda title, text: title, raising=False)
        signal, _ = services.signal_ingest(
            channel=Channel.WEB,
            title=f"{HUNG} phản ánh đường hỏng",
            text=f"Tôi là {HUNG}, trú tại thôn Đông. Đường làng hỏng nặng, ổ gà khắp nơi, xin xem xét.",
        )
    leaks = {(label, column) for label, column, _ in _leaks(HUNG_TRACES)}
    assert {
        ("intake.Signal", "title"),
        ("intake.Signal", "text_masked"),
        ("intake.Signal", "search_key"),
        ("issues.Issue", "title"),
    } <= leaks
    # when the signals are read again
    result = signals_reanalyse(allow_fallback=True)
    # then no stored copy names him, and the title says what it is about
    assert _leaks(HUNG_TRACES) == []
    signal.refresh_from_db()
    assert signal.title == "<name> phản ánh đường hỏng"
    assert signal.text_masked.startswith("<name> phản ánh đường hỏng\nTôi là <name>")
    assert Issue.objects.get(pk=signal.issue_id).title == "<name> phản ánh đường hỏng"
    assert result.changed["title"] == 1
    # and a run again finds nothing more to mask
    assert signals_reanalyse(allow_fallback=True).updated == 0
