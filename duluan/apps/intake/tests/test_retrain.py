"""Officials' confirmed topics retrain the topic model, which the platform then reads."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from duluan.analysis.model_io import read_model_info
from duluan.analysis.sentiment import SentimentClassifier
from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import services
from duluan.apps.intake.analysis import MODE_FALLBACK, MODE_MODEL, analyse_rows, intake_pipeline
from duluan.apps.intake.models import Channel, Signal
from duluan.shared_data import shared_data_dir

needs_data = pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")

# A word no corpus writes: only the officials' confirmations can teach its topic.
WORD = "zorblax"


@needs_data
def test_confirmed_topics_retrain_the_model_and_the_next_analysis_reads_it(db, tmp_path, monkeypatch):
    # given a model folder with a sentiment model and no topic model, where the platform
    # analyses with the taxonomy's keywords
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    texts = ["cán bộ nhiệt tình, hài lòng", "chờ cả tháng không ai giải quyết", "xin hỏi giờ làm việc"]
    SentimentClassifier(calibration_fraction=0).fit(texts, ["positive", "negative", "neutral"]).save(
        tmp_path / "sentiment.model"
    )
    assert intake_pipeline().mode == MODE_FALLBACK
    # and three signals naming that word, whose topic officials confirm (their phone numbers are
    # masked before anything is learnt)
    for n in range(3):
        signal, _ = services.signal_ingest(
            channel=Channel.HOTLINE, text=f"Gọi 091234567{n}: thôn {n} hỏi về {WORD}"
        )
        services.signal_topic_confirm(signal=signal, topic="culture_religion", actor=None)
    # when the topic model is built again by the command, asked to read the stored signals again
    out = StringIO()
    call_command(
        "retrain_models",
        "--task",
        "topic",
        "--per-topic",
        "100",
        "--reanalyse",
        "--no-progress",
        stdout=out,
        stderr=StringIO(),
    )
    # then the folder holds it, it says what it learnt, and the change is audited
    info = read_model_info(tmp_path / "topic.model")
    assert info.metadata["confirmations"] == 3
    assert "3 xác nhận" in out.getvalue()
    event = AuditEvent.objects.get(action="intake.topic_model_retrain")
    assert event.after["confirmations"] == 3 and event.object_id == "topic"
    # and the stored signals, read by the keywords until then, are read by the models
    assert "Đã đọc lại 3 tín hiệu (bằng mô hình" in out.getvalue()
    assert set(Signal.objects.values_list("extra__analysis", flat=True)) == {MODE_MODEL}
    assert AuditEvent.objects.filter(action="intake.signals_reanalyse").count() == 1
    # and the next analysis, in this same process, uses the model and knows the word
    assert intake_pipeline().mode == MODE_MODEL
    (analysis,) = analyse_rows([{"key": "k", "text": f"Xin hỏi chuyện {WORD}"}])
    assert analysis.mode == MODE_MODEL
    assert analysis.topic["label"] == "culture_religion"


@needs_data
def test_confirmed_sentiments_retrain_the_sentiment_model(db, tmp_path):
    # given three signals naming the word, which officials confirm positive
    for n in range(3):
        signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text=f"Thôn {n} nói về {WORD}")
        services.signal_sentiment_confirm(signal=signal, sentiment="positive", actor=None)
    # when the sentiment model is built again (without the news examples and accent-free
    # copies, to be quick)
    done = services.model_retrain("sentiment", model_dir=str(tmp_path), examples=[], accent_free_copies=False)
    # then it learnt them, and reads the word as they did
    assert done.confirmations == 3 and done.path == tmp_path / "sentiment.model"
    model = SentimentClassifier.load(done.path)
    assert model.predict([f"{WORD} {WORD}"])[0].label == "positive"
    assert AuditEvent.objects.get(action="intake.sentiment_model_retrain").after["confirmations"] == 3


def test_retraining_refuses_a_nonsense_sample_size(db):
    # when the command is asked for no bootstrap rows per topic
    # then it stops with a clear message before reading anything
    with pytest.raises(CommandError, match="--per-topic"):
        call_command("retrain_models", "--task", "topic", "--per-topic", "0")
    with pytest.raises(CommandError, match="--workers phải là số nguyên dương"):
        call_command("retrain_models", "--task", "topic", "--reanalyse", "--workers", "0")


def test_retraining_without_the_shared_corpora_says_so_and_writes_nothing(db, tmp_path, monkeypatch):
    # given a model folder and a shared-data folder that is empty
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    # when the topic model is built again
    # then the command fails with the reason, writes no model and records no change
    with pytest.raises(CommandError, match="Không xây được mô hình chủ đề"):
        call_command("retrain_models", "--task", "topic", "--no-progress", stderr=StringIO())
    assert not (tmp_path / "models" / "topic.model").exists()
    assert not AuditEvent.objects.filter(action="intake.topic_model_retrain").exists()


def test_a_run_of_batches_keeps_the_models_it_began_with_and_the_next_reads_the_new_ones(
    db, tmp_path, monkeypatch
):
    from duluan.analysis.topic import TopicClassifier
    from duluan.apps.intake.analysis import analyse_parallel

    # given a model folder without models (the keyword fallback) and two batches to analyse
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    batches = [[{"key": "a", "text": "Đường ngập sâu"}], [{"key": "b", "text": "Mất điện cả ngày"}]]
    run = analyse_parallel(iter(batches), workers=1)
    _, first = next(run)
    assert first[0].mode == MODE_FALLBACK
    # when models appear in the folder while the run is under way
    texts = ["cán bộ nhiệt tình, hài lòng", "chờ cả tháng không ai giải quyết", "xin hỏi giờ làm việc"]
    labels = ["positive", "negative", "neutral"]
    SentimentClassifier(calibration_fraction=0).fit(texts, labels).save(tmp_path / "sentiment.model")
    TopicClassifier(calibration_fraction=0).fit(texts, ["labour_social", "admin_procedures", "other"]).save(
        tmp_path / "topic.model"
    )
    # then the run's next batch is still read by the models it began with, and a new analysis
    # reads the new ones
    _, second = next(run)
    assert second[0].mode == MODE_FALLBACK
    (later,) = analyse_rows([{"key": "c", "text": "Mất điện cả ngày"}])
    assert later.mode == MODE_MODEL
