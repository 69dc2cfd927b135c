"""Stored signals are read again by the models built since, keeping what officials decided."""

import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from duluan.apps.audit.models import AuditEvent
from duluan.apps.core.text import search_key
from duluan.apps.intake import model_builds, services
from duluan.apps.intake.analysis import MODE_FALLBACK, MODE_MODEL, analyse_rows
from duluan.apps.intake.models import BuildStatus, Channel, ModelBuild, Reanalysis, Signal
from duluan.apps.intake.reanalysis import FALLBACK_REFUSED, signals_reanalyse
from duluan.apps.intake.services import IntakeError
from duluan.apps.issues.models import Correction, CorrectionKind, Issue
from duluan.apps.issues.services import issues_after_reanalysis

from .tiny_models import WORD, build_tiny_models


def _ingest(text, **kwargs):
    signal, _ = services.signal_ingest(channel=kwargs.pop("channel", Channel.HOTLINE), text=text, **kwargs)
    return signal


READING = ("topic", "topic_score", "topic_terms", "sentiment", "sentiment_score", "intensity")


def test_stored_signals_are_read_by_the_new_models_and_officials_decisions_stay(db, tmp_path, monkeypatch):
    # given four signals read by the taxonomy's keywords (no model built yet): a plain one, one
    # whose topic an official confirmed, one whose sentiment an official confirmed, and one whose
    # topic its sender chose
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    plain = _ingest(f"Thôn 3 mất điện cả ngày, {WORD}")
    topic_set = _ingest(f"Trạm y tế xã đóng cửa sớm, {WORD}")
    services.signal_topic_confirm(signal=topic_set, topic="health", actor=None)
    mood_set = _ingest(f"Đường làng đã được sửa xong, {WORD}")
    services.signal_sentiment_confirm(signal=mood_set, sentiment="positive", actor=None)
    chosen = _ingest(f"Ổ gà trên quốc lộ, {WORD}", channel=Channel.OPEN311, topic="transport")
    before = {s.pk: s for s in Signal.objects.all()}
    assert {s.extra["analysis"] for s in before.values()} == {MODE_FALLBACK}
    assert before[plain.pk].topic == "utilities"  # the keywords read "mất điện"
    opened = Issue.objects.get(pk=before[plain.pk].issue_id)
    assert opened.topic == "utilities"
    # when models are built, and the stored signals are read again
    build_tiny_models(tmp_path)
    result = signals_reanalyse()
    # then each signal reads as a new one with the same text would, where the engine owns the field
    after = {s.pk: s for s in Signal.objects.all()}
    fresh = {
        pk: analyse_rows([{"key": str(pk), "text": s.text, "title": s.title}])[0] for pk, s in after.items()
    }
    assert {s.extra["analysis"] for s in after.values()} == {MODE_MODEL}
    assert result.mode == MODE_MODEL and result.signals == 4 and result.failed == 0
    reread = after[plain.pk]
    assert reread.topic == fresh[plain.pk].topic["label"] == "culture_religion"
    assert reread.topic_score == fresh[plain.pk].topic["score"]
    assert reread.topic_terms == fresh[plain.pk].topic["terms"][:10]
    assert reread.sentiment == fresh[plain.pk].sentiment["label"]
    assert reread.intensity == fresh[plain.pk].sentiment["intensity"]
    assert reread.intensity != before[plain.pk].intensity
    # an official's topic and sentiment stay, and the rest of those signals is read again
    assert after[topic_set.pk].topic == "health"
    assert after[topic_set.pk].sentiment == fresh[topic_set.pk].sentiment["label"]
    assert after[mood_set.pk].sentiment == "positive"
    assert after[mood_set.pk].topic == fresh[mood_set.pk].topic["label"]
    assert after[mood_set.pk].intensity == fresh[mood_set.pk].sentiment["intensity"]
    # the sender's topic stays, and what the engine thought is noted beside it, as at intake
    assert after[chosen.pk].topic == "transport" and after[chosen.pk].topic_score is None
    assert after[chosen.pk].extra["engine_topic"] == fresh[chosen.pk].topic["label"]
    # the counts say what changed
    changed_topics = sum(after[pk].topic != before[pk].topic for pk in after)
    assert result.changed["topic"] == changed_topics > 0
    assert result.changed["intensity"] == sum(after[pk].intensity != before[pk].intensity for pk in after)
    # the issue the plain signal opened takes its new topic, and every issue its signals' intensity
    assert Issue.objects.get(pk=opened.pk).topic == "culture_religion"
    assert result.issue_topics >= 1
    for issue in Issue.objects.filter(signals__isnull=False).distinct():
        mine = [s.intensity for s in after.values() if s.issue_id == issue.pk]
        assert issue.intensity == pytest.approx(sum(mine) / len(mine))
    # and the run is audited once, with its counts
    event = AuditEvent.objects.get(action="intake.signals_reanalyse")
    assert event.after["signals"] == 4 and event.after["changed"]["topic"] == changed_topics
    # when it runs again, nothing is read differently
    again = signals_reanalyse()
    assert again.updated == 0 and sum(again.changed.values()) == 0 and again.refresh is None
    assert [{name: getattr(s, name) for name in READING} for s in Signal.objects.order_by("pk")] == [
        {name: getattr(after[pk], name) for name in READING} for pk in sorted(after)
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_reading_again_reads_the_texts_without_the_clusterers_features(db, tmp_path, monkeypatch, workers):
    from duluan.analysis.pipeline import DedupeFeaturesStep
    from duluan.apps.intake import analysis

    # given signals read by the keywords, then models built
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signals = [_ingest(f"Thôn {n} mất điện cả ngày, {WORD}") for n in (7, 8, 9)]
    build_tiny_models(tmp_path)
    expected = {
        s.pk: analyse_rows([{"key": "k", "text": s.text, "created_at": s.created_at}])[0].sentiment
        for s in signals
    }

    # when they are read again, in this process or by forked workers, where the duplicate
    # features and an issue's parts (which only clustering uses) would fail if computed
    def fail(*args, **kwargs):
        raise AssertionError("computed for the clusterer")

    monkeypatch.setattr(DedupeFeaturesStep, "__call__", fail)
    monkeypatch.setattr(analysis, "_issue_parts", fail)
    result = signals_reanalyse(workers=workers)
    # then every signal is read, none fails, and each reads as a fresh analysis does
    assert (result.signals, result.failed, result.updated) == (3, 0, 3)
    for stored in Signal.objects.filter(pk__in=expected):
        assert stored.extra["analysis"] == MODE_MODEL
        assert (stored.sentiment, stored.intensity) == (
            expected[stored.pk]["label"],
            expected[stored.pk]["intensity"],
        )


def test_an_officials_confirmation_made_while_its_batch_is_read_wins(db, tmp_path, monkeypatch):
    from duluan.apps.intake import reanalysis

    # given a signal read by the keywords, then models built
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal = _ingest(f"Thôn 4 mất điện cả ngày, {WORD}")
    build_tiny_models(tmp_path)
    # when an official confirms its topic and sentiment after its batch was read, before it is written
    write = reanalysis._write

    def confirm_then_write(signals):
        services.signal_topic_confirm(signal=Signal.objects.get(pk=signal.pk), topic="health", actor=None)
        services.signal_sentiment_confirm(
            signal=Signal.objects.get(pk=signal.pk), sentiment="positive", actor=None
        )
        write(signals)

    monkeypatch.setattr(reanalysis, "_write", confirm_then_write)
    signals_reanalyse()
    # then the official's topic and sentiment stay, and the engine's own fields are written
    stored = Signal.objects.get(pk=signal.pk)
    (fresh,) = analyse_rows([{"key": "k", "text": stored.text, "created_at": stored.created_at}])
    assert (stored.topic, stored.sentiment) == ("health", "positive")
    assert stored.topic_confirmed and stored.sentiment_confirmed
    assert stored.intensity == fresh.sentiment["intensity"] and stored.extra["analysis"] == MODE_MODEL


def test_personal_data_a_newer_normaliser_masks_is_masked_in_the_stored_signals(db, tmp_path, monkeypatch):
    # given a signal stored by an older normaliser that left a phone number in its masked text
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal = _ingest("Gọi 0912 345 678 báo mất điện cả ngày ở thôn 6")
    assert "0912" not in signal.text_masked and "0912" not in signal.search_key
    Signal.objects.filter(pk=signal.pk).update(text_masked=signal.text, search_key=search_key(signal.text))
    # when the stored signals are read again (here by the keywords)
    result = signals_reanalyse(allow_fallback=True)
    # then its masked text and search key are the ones intake gives now, and the count says so
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.text_masked, stored.search_key) == (signal.text_masked, signal.search_key)
    assert result.changed["text_masked"] == 1 and "1 đổi nội dung đã che" in result.summary()


def test_a_run_stopped_midway_leaves_issues_counting_what_their_signals_say(db, tmp_path, monkeypatch):
    # given three signals read by the keywords, then models built
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signals = [_ingest(f"Thôn {n} mất điện cả ngày, {WORD}") for n in range(3)]
    build_tiny_models(tmp_path)

    # when a run reading one signal a batch stops after the first batch
    class Stopped(Exception):
        pass

    def stop(done, total):
        raise Stopped

    with pytest.raises(Stopped):
        signals_reanalyse(batch_size=1, progress=stop)
    # then the first signal has its new reading, the others their old one, and every issue counts
    # the intensities its signals have now
    stored = {s.pk: s for s in Signal.objects.all()}
    assert [stored[s.pk].extra["analysis"] for s in signals] == [MODE_MODEL, MODE_FALLBACK, MODE_FALLBACK]
    for issue in Issue.objects.filter(signals__isnull=False).distinct():
        mine = [s.intensity for s in stored.values() if s.issue_id == issue.pk]
        assert issue.intensity == pytest.approx(sum(mine) / len(mine))
    assert Issue.objects.get(pk=stored[signals[0].pk].issue_id).topic == stored[signals[0].pk].topic
    # and a run again reads the rest
    again = signals_reanalyse()
    assert again.updated == 2 and set(Signal.objects.values_list("extra__analysis", flat=True)) == {
        MODE_MODEL
    }


def test_without_models_reading_again_is_refused_unless_asked(db, tmp_path, monkeypatch):
    # given a signal and no model
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal = _ingest("Mất điện cả ngày ở thôn 2")
    # when it is read again: refused, nothing written, nothing audited
    with pytest.raises(CommandError, match="Chưa có mô hình"):
        call_command("reanalyse_signals", "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert FALLBACK_REFUSED.startswith("Chưa có mô hình")
    assert not AuditEvent.objects.filter(action="intake.signals_reanalyse").exists()
    # unless asked: the keywords read it as before
    out = StringIO()
    call_command("reanalyse_signals", "--no-progress", "--allow-fallback", stdout=out, stderr=StringIO())
    assert "Đã đọc lại 1 tín hiệu" in out.getvalue()
    assert Signal.objects.get(pk=signal.pk).topic == signal.topic


def test_the_command_reads_only_the_signals_selected(db, tmp_path, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # given signals of two channels and two years, read by the keywords
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    old = _ingest(f"Mất điện ở thôn 1, {WORD}", created_at=datetime(2024, 5, 1, 9, tzinfo=hanoi))
    new = _ingest(f"Mất điện ở thôn 2, {WORD}", created_at=datetime(2025, 8, 1, 9, tzinfo=hanoi))
    web = _ingest(
        f"Mất điện ở thôn 3, {WORD}", channel=Channel.WEB, created_at=datetime(2025, 8, 2, tzinfo=hanoi)
    )
    build_tiny_models(tmp_path)
    # when the hotline's signals since 1/7/2025 are read again
    out = StringIO()
    call_command(
        "reanalyse_signals", "--since", "01/07/2025", "--channel", "hotline", "--no-progress", stdout=out
    )
    # then only that one is
    modes = dict(Signal.objects.values_list("pk", "extra__analysis"))
    assert modes == {old.pk: MODE_FALLBACK, new.pk: MODE_MODEL, web.pk: MODE_FALLBACK}
    assert "Đã đọc lại 1 tín hiệu" in out.getvalue()
    # and those the keywords read, the rest of them, by --fallback-only
    call_command("reanalyse_signals", "--fallback-only", "--no-progress", stdout=out)
    assert set(Signal.objects.values_list("extra__analysis", flat=True)) == {MODE_MODEL}
    # none left: a clear message; a bad date too
    with pytest.raises(CommandError, match="Không có tín hiệu nào"):
        call_command("reanalyse_signals", "--fallback-only", "--no-progress", stdout=out)
    with pytest.raises(CommandError, match="Thời điểm không hợp lệ"):
        call_command("reanalyse_signals", "--since", "2025-02-30", "--no-progress", stdout=out)


def test_an_issue_whose_topic_an_official_confirmed_keeps_it(db, tmp_path, monkeypatch):
    # given two issues opened by signals the engine now reads as another topic, the second's
    # topic confirmed by an official
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    first = _ingest("Mất điện cả ngày ở thôn 5")
    second = _ingest("Xã Tân Yên mất nước sạch ba hôm liền")
    assert first.issue_id != second.issue_id
    Correction.objects.create(
        kind=CorrectionKind.TOPIC, issue_id=second.issue_id, after={"topic": "utilities"}
    )
    old = {s.pk: Issue.objects.get(pk=s.issue_id).topic for s in (first, second)}
    # when the issues follow their signals' new topics
    _, followed = issues_after_reanalysis(
        recount=(), topics={first.pk: (old[first.pk], "health"), second.pk: (old[second.pk], "health")}
    )
    # then only the first does
    assert followed == 1
    assert Issue.objects.get(pk=first.issue_id).topic == "health"
    assert Issue.objects.get(pk=second.issue_id).topic == old[second.pk]


# -- from the models page -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["canbo.bacgiang", "lanhdao.nnmt", "phantich"])
def test_only_coordinators_and_administrators_may_ask_for_a_reading_again(client, demo, username, kept_tasks):
    client.force_login(demo[username])
    assert client.post(reverse("intake:reanalyse")).status_code == 404
    assert not Reanalysis.objects.exists() and not kept_tasks.results


def test_a_coordinator_has_the_signals_read_again_and_sees_it_go(
    client, demo, kept_tasks, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # given signals read by the keywords, then models built: the page says their readings are old
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    for n in range(3):
        _ingest(f"Thôn {n} mất điện cả ngày, {WORD}")
    build_tiny_models(tmp_path)
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("intake:models")).content.decode()
    assert 'data-testid="stale-readings"' in page and 'data-testid="reanalyse"' in page
    # when the coordinator asks for them to be read again
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("intake:reanalyse"), follow=True).content.decode()
    # then one run waits for the worker, which has its task; the page polls and asking again is refused
    run = Reanalysis.objects.get()
    assert (run.status, run.requested_by, run.active) == (BuildStatus.QUEUED, demo["dieuphoi"], True)
    assert [r.args for r in kept_tasks.results] == [[run.pk]]
    assert "Đã đưa vào hàng đợi" in page and 'data-testid="active-reanalysis"' in page
    assert 'hx-trigger="every 2s"' in page
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("intake:reanalyse"), follow=True).content.decode()
    assert "đang được đọc lại" in page and Reanalysis.objects.count() == 1
    # when the worker runs it, in batches of two
    model_builds.reanalysis_run(run.pk, batch_size=2)
    # then its progress was written after each batch, and it ended done with what changed
    run.refresh_from_db()
    assert (run.status, run.active, run.done, run.total) == (BuildStatus.DONE, None, 3, 3)
    assert run.started_at <= run.heartbeat_at <= run.finished_at
    assert run.result["signals"] == 3 and run.result["changed"]["topic"] == 3
    assert set(Signal.objects.values_list("extra__analysis", flat=True)) == {MODE_MODEL}
    # and each state it went through is audited, beside the reading's own event
    actions = list(
        AuditEvent.objects.filter(object_type="intake.reanalysis", object_id=str(run.pk))
        .order_by("pk")
        .values_list("action", "after__status")
    )
    assert actions == [
        ("intake.reanalysis_request", "queued"),
        ("intake.reanalysis_start", "running"),
        ("intake.reanalysis_finish", "done"),
    ]
    assert AuditEvent.objects.get(action="intake.signals_reanalyse").actor == demo["dieuphoi"]
    # and the page shows the result, no longer polls or warns, and offers the button again
    page = client.get(reverse("intake:models")).content.decode()
    assert "3 tín hiệu: 3 đổi chủ đề" in page and 'data-testid="reanalyse"' in page
    assert 'hx-trigger="every 2s"' not in page and 'data-testid="stale-readings"' not in page
    # and a task delivered twice does not read them again
    assert model_builds.reanalysis_run(run.pk).finished_at == run.finished_at


def test_signals_that_arrived_after_the_models_were_built_are_not_called_old(
    client, demo, tmp_path, monkeypatch
):
    # given models built, then a signal read by them
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    build_tiny_models(tmp_path)
    _ingest(f"Thôn 8 mất điện, {WORD}")
    # then the page does not ask for the stored signals to be read again
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("intake:models")).content.decode()
    assert 'data-testid="reanalyse"' in page and 'data-testid="stale-readings"' not in page


def test_reading_again_is_refused_without_models_or_while_one_is_built(
    demo, kept_tasks, tmp_path, monkeypatch
):
    # given no model file: refused, with the reason
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    with pytest.raises(IntakeError, match="Chưa có tệp mô hình"):
        model_builds.reanalysis_request(actor=demo["quantri"])
    # given the models, and the topic model being built again: refused too
    build_tiny_models(tmp_path)
    build = ModelBuild.objects.create(task="topic", status=BuildStatus.RUNNING, started_at=timezone.now())
    with pytest.raises(IntakeError, match="đang được xây lại"):
        model_builds.reanalysis_request(actor=demo["quantri"])
    assert not Reanalysis.objects.exists() and not kept_tasks.results
    # once it is built, it may be asked for
    build.status = BuildStatus.DONE
    build.save()
    assert model_builds.reanalysis_request(actor=demo["quantri"]).status == BuildStatus.QUEUED


def test_a_run_the_reader_refuses_fails_with_the_reason(demo, kept_tasks, tmp_path, monkeypatch):
    # given a queued run, and the models gone before the worker runs it
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    _ingest("Mất điện cả ngày ở thôn 2")
    build_tiny_models(tmp_path)
    run = model_builds.reanalysis_request(actor=demo["quantri"])
    for path in tmp_path.glob("*.model"):
        path.unlink()
    # when it runs: it failed, says why, and another may be asked for
    model_builds.reanalysis_run(run.pk)
    run.refresh_from_db()
    assert run.status == BuildStatus.FAILED and run.error == FALLBACK_REFUSED[:500] and run.active is None


def test_a_run_left_running_by_a_dead_worker_is_closed_when_another_is_asked(
    demo, kept_tasks, tmp_path, monkeypatch
):
    # given a run silent for 11 minutes
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    build_tiny_models(tmp_path)
    now = timezone.now()
    stale = Reanalysis.objects.create(
        status=BuildStatus.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(minutes=11),
    )
    # when another is asked for: the stale one is closed as interrupted, and the new one waits
    fresh = model_builds.reanalysis_request(actor=demo["dieuphoi"])
    stale.refresh_from_db()
    assert stale.status == BuildStatus.FAILED and "gián đoạn" in stale.error and stale.active is None
    assert fresh.status == BuildStatus.QUEUED
    # and one that wrote its progress a minute ago is not: the next is refused
    Reanalysis.objects.filter(pk=fresh.pk).update(
        status=BuildStatus.RUNNING, started_at=now, heartbeat_at=now - timedelta(minutes=1)
    )
    with pytest.raises(IntakeError, match="đang được đọc lại"):
        model_builds.reanalysis_request(actor=demo["dieuphoi"])


def test_progress_counts_the_signals_read():
    run = Reanalysis(status=BuildStatus.RUNNING, done=250, total=1000)
    assert model_builds.ReanalysisPanel(runs=[run], active=run, stale_readings=False).progress == 25.0
    waiting = Reanalysis(status=BuildStatus.QUEUED)
    assert model_builds.ReanalysisPanel(runs=[waiting], active=waiting, stale_readings=False).progress is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two independent connections (PostgreSQL); SQLite serialises writers",
)
def test_reading_again_waits_for_a_clustering_writer_before_taking_any_signals_row(tmp_path, monkeypatch):
    from duluan.apps.intake.imports import _someone_waits
    from duluan.apps.issues.models import ClustererState

    # given signals read by the keywords, then models built
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal = _ingest(f"Thôn 9 mất điện cả ngày, {WORD}")
    build_tiny_models(tmp_path)
    locked, outcome = threading.Event(), {}

    def writer():
        # a writer that, as a clustering session does, holds the clusterer's state and then
        # changes a signal's row: once the reading waits for it
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
            with transaction.atomic():
                list(ClustererState.objects.select_for_update())
                locked.set()
                deadline = time.monotonic() + 20
                while not _someone_waits() and time.monotonic() < deadline:
                    time.sleep(0.05)
                outcome["waited"] = _someone_waits()
                Signal.objects.filter(pk=signal.pk).update(place_text="thôn 9")
        except Exception as error:  # asserted on below
            outcome["error"] = error
        finally:
            locked.set()
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    locked.wait(20)
    # when the stored signals are read again meanwhile
    result = signals_reanalyse()
    thread.join()
    # then the reading waited for the writer, which changed the row it wanted, and neither failed
    assert "error" not in outcome, outcome.get("error")
    assert outcome["waited"] and result.updated == 1
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.place_text == "thôn 9" and stored.extra["analysis"] == MODE_MODEL
