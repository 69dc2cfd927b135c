"""Officials rebuild the topic and sentiment models from the models page, and see how it went."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from duluan.analysis.model_io import read_model_info
from duluan.analysis.sentiment import SentimentClassifier
from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import model_builds, services
from duluan.apps.intake.models import BuildStatus, Channel, ModelBuild
from duluan.apps.intake.services import IntakeError
from duluan.shared_data import shared_data_dir

pytestmark = pytest.mark.django_db
needs_data = pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
WORD = "zorblax"  # no corpus writes it: only officials' confirmations can teach it


def confirm_positive(n: int, word: str = WORD) -> None:
    for i in range(n):
        signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text=f"Thôn {i} nói về {word}")
        services.signal_sentiment_confirm(signal=signal, sentiment="positive", actor=None)


@pytest.mark.parametrize("username", ["canbo.bacgiang", "lanhdao.nnmt", "phantich"])
def test_only_coordinators_and_administrators_see_the_page_or_build(client, demo, username, kept_tasks):
    # given an officer, a head or an analyst
    client.force_login(demo[username])
    # then the page and the button look not found, nothing is queued, and the menu has no link
    assert client.get(reverse("intake:models")).status_code == 404
    assert client.post(reverse("intake:model_build"), {"task": "topic"}).status_code == 404
    assert not ModelBuild.objects.exists() and not kept_tasks.results
    assert reverse("intake:models") not in client.get(reverse("intake:index")).content.decode()


def test_a_coordinator_queues_a_build_and_sees_it_waiting(
    client, demo, kept_tasks, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    # given a coordinator, no model file yet, and two confirmed sentiments
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    confirm_positive(2)
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("intake:models")).content.decode()
    assert reverse("intake:models") in page  # the menu links to it
    assert "Chưa có tệp mô hình" in page and "2 xác nhận của cán bộ hiện có" in page
    # when they ask for the sentiment model to be built again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:model_build"), {"task": "sentiment"}, follow=True)
    # then one build waits for the worker, which has its task, and the request is audited
    build = ModelBuild.objects.get()
    assert (build.task, build.status, build.requested_by) == (
        "sentiment",
        BuildStatus.QUEUED,
        demo["dieuphoi"],
    )
    assert [r.args for r in kept_tasks.results] == [[build.pk]]
    event = AuditEvent.objects.get(action="intake.model_build_request")
    assert event.actor == demo["dieuphoi"] and event.after == {"task": "sentiment", "status": "queued"}
    page = response.content.decode()
    assert "Đã đưa vào hàng đợi" in page and "chờ tiến trình nền" in page
    # and the page polls itself while the build is active
    assert 'hx-trigger="every 2s"' in page
    # and asking again, before it ran, queues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("intake:model_build"), {"task": "sentiment"}, follow=True).content.decode()
    assert "đang được xây lại" in page
    assert ModelBuild.objects.count() == 1 and len(kept_tasks.results) == 1


def test_an_unknown_model_is_refused_with_a_reason(client, demo, kept_tasks):
    client.force_login(demo["quantri"])
    page = client.post(reverse("intake:model_build"), {"task": "vntc"}, follow=True).content.decode()
    assert "Không có mô hình “vntc”" in page
    assert not ModelBuild.objects.exists() and not kept_tasks.results


@needs_data
def test_the_worker_builds_the_model_and_the_page_shows_what_it_learnt(
    client, demo, kept_tasks, tmp_path, monkeypatch
):
    # given three confirmed sentiments and a queued build
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    confirm_positive(3)
    build = model_builds.model_build_request(task="sentiment", actor=demo["dieuphoi"])
    # when the worker runs it (without the news examples and accent-free copies, to be quick)
    model_builds.model_build_run(build.pk, examples=[], accent_free_copies=False)
    # then the model file learnt the confirmations and reads the word as they did
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.confirmations == 3 and build.labels == 3
    assert build.started_at <= build.finished_at and build.seconds > 0
    assert read_model_info(tmp_path / "sentiment.model").metadata["confirmations"] == 3
    assert (
        SentimentClassifier.load(tmp_path / "sentiment.model").predict([f"{WORD} {WORD}"])[0].label
        == "positive"
    )
    # and each state it went through is audited
    actions = list(
        AuditEvent.objects.filter(object_id=str(build.pk), object_type="intake.modelbuild")
        .order_by("pk")
        .values_list("action", "after__status")
    )
    assert actions == [
        ("intake.model_build_request", "queued"),
        ("intake.model_build_start", "running"),
        ("intake.model_build_finish", "done"),
    ]
    assert AuditEvent.objects.filter(action="intake.sentiment_model_retrain").count() == 1
    # and the page shows the file, what it learnt, a new confirmation since, and the button again
    confirm_positive(1, word="khác")
    client.force_login(demo["dieuphoi"])
    page = client.get(reverse("intake:models")).content.decode()
    assert "4 hiện có" in page and "tệp đã học 3" in page and "1 mới" in page
    assert "học 3 xác nhận" in page and 'data-testid="build-sentiment"' in page
    assert 'hx-trigger="every 2s"' not in page
    # and a task delivered twice does not build again
    assert model_builds.model_build_run(build.pk).status == BuildStatus.DONE
    assert ModelBuild.objects.get().finished_at == build.finished_at


def test_a_build_without_the_shared_corpora_fails_with_the_reason(demo, tmp_path, monkeypatch, kept_tasks):
    # given no shared corpora
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path / "absent"))
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    build = model_builds.model_build_request(task="topic", actor=demo["quantri"])
    # when the worker runs the build
    model_builds.model_build_run(build.pk)
    # then it failed, says why, wrote no file, and a new one may be asked for
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED and "dữ liệu" in build.error.lower()
    assert not (tmp_path / "topic.model").exists()
    assert model_builds.model_build_request(task="topic", actor=demo["quantri"]).status == BuildStatus.QUEUED


def test_an_unexpected_error_fails_the_build_without_quoting_it(demo, monkeypatch, kept_tasks):
    # given a build whose model builder breaks on a message that names somebody
    def broken(task, **kw):
        raise RuntimeError("Nguyễn Văn A 0912345678")

    monkeypatch.setattr(model_builds, "model_retrain", broken)
    build = model_builds.model_build_request(task="topic", actor=demo["quantri"])
    # when the worker runs it, the error reaches the worker
    with pytest.raises(RuntimeError):
        model_builds.model_build_run(build.pk)
    # and the build failed, naming only the kind of error
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED
    assert "RuntimeError" in build.error and "0912345678" not in build.error
    finish = AuditEvent.objects.get(action="intake.model_build_finish")
    assert "0912345678" not in str(finish.after)


def test_a_build_left_running_by_a_dead_worker_is_closed_when_another_is_asked(demo, kept_tasks):
    # given a build running for 31 minutes and one of the other model running for a minute
    now = timezone.now()
    stale = ModelBuild.objects.create(
        task="topic", status=BuildStatus.RUNNING, started_at=now - timedelta(minutes=31)
    )
    ModelBuild.objects.create(
        task="sentiment", status=BuildStatus.RUNNING, started_at=now - timedelta(minutes=1)
    )
    # when a coordinator asks for each again
    fresh = model_builds.model_build_request(task="topic", actor=demo["dieuphoi"])
    with pytest.raises(IntakeError, match="đang được xây lại"):
        model_builds.model_build_request(task="sentiment", actor=demo["dieuphoi"])
    # then the stale one is closed as interrupted and the new one waits
    stale.refresh_from_db()
    assert stale.status == BuildStatus.FAILED and "gián đoạn" in stale.error
    assert fresh.status == BuildStatus.QUEUED


def test_progress_is_estimated_from_the_last_build(demo):
    # given a sentiment build that took 50 s, and one running for 20 s
    now = timezone.now()
    ModelBuild.objects.create(
        task="sentiment", status=BuildStatus.DONE, seconds=50.0, requested_at=now - timedelta(hours=1)
    )
    running = ModelBuild.objects.create(
        task="sentiment", status=BuildStatus.RUNNING, started_at=now - timedelta(seconds=20)
    )
    # then it is 40 % of the way; one running past its estimate stays below 100 %
    assert model_builds._progress(running, now) == 40.0
    assert model_builds._progress(running, now + timedelta(minutes=5)) == 99.0
    # and a model never built here is estimated from the usual time
    topic = ModelBuild(task="topic", status=BuildStatus.RUNNING, started_at=now - timedelta(seconds=9))
    assert model_builds._progress(topic, now) == pytest.approx(
        100 * 9 / model_builds.EXPECTED_SECONDS["topic"], abs=0.1
    )
    (panel,) = [p for p in model_builds.model_panels(now=now) if p.task == "sentiment"]
    assert panel.active == running and panel.progress == 40.0


def test_the_page_draws_a_running_builds_progress_bar(client, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    now = timezone.now()
    ModelBuild.objects.create(
        task="sentiment", status=BuildStatus.DONE, seconds=50.0, requested_at=now - timedelta(hours=1)
    )
    ModelBuild.objects.create(
        task="sentiment", status=BuildStatus.RUNNING, started_at=now - timedelta(seconds=21)
    )
    client.force_login(demo["dieuphoi"])
    # the part the page polls: a bar whose value HTML reads (a dot, not the Vietnamese comma)
    part = client.get(reverse("intake:models"), HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="model-panels"') and 'hx-trigger="every 2s"' in part
    assert re.search(r'<progress class="bar" max="100" value="4[2-9]\.\d"', part)
    assert "(ước tính theo lần xây trước)" in part


def test_the_page_reads_in_english(client, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    ModelBuild.objects.create(task="topic", status=BuildStatus.DONE, confirmations=2, seconds=41.6)
    client.force_login(demo["quantri"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("intake:models")).content.decode()
    assert "Analysis models" in page and "Rebuild" in page and "Recent builds" in page
    assert "learnt 2 confirmations, 42 s" in page and ">Models</a>" in page
