"""The Open311 queue's worker: batches, failures and retries, nothing lost, two workers apart."""

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from duluan.apps.audit.models import AuditEvent
from duluan.apps.intake import open311_queue, services
from duluan.apps.intake.models import PendingRequest, Reporter, Signal

TEXTS = [
    "Ổ gà lớn giữa đường Lê Lợi, xe máy ngã liên tục",
    "Khói bụi từ lò gạch gần phường Vũ Ninh, người dân ho",
    "Mất nước sinh hoạt ba ngày ở khu dân cư số 4",
    "Rác thải tồn đọng ở chợ Vũ Ninh bốc mùi hôi thối",
    "Đèn đường hỏng cả tháng trên đường Nguyễn Văn Cừ",
    "Trường tiểu học thu thêm phí ngoài quy định",
    "Lấn chiếm vỉa hè bán hàng gây ùn tắc giao thông",
]


@pytest.fixture
def db_tasks(settings):
    """The production task backend: an enqueued task waits in its table for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def api_client(db):
    client, _key = services.api_client_create(name="Ứng dụng thử", key="test-key-123456789")
    return client


def accept(client, text, n=0, **person):
    row, _created = open311_queue.open311_request_accept(
        client=client,
        idempotency_key=f"o311:test-{n}",
        fields={
            "service_code": "transport",
            "description": text,
            "lat": 21.19 + n / 1000,
            "lon": 106.07,
            "address": "",
            "address_id": "",
        },
        reporter={"name": "", "email": "", "phone": "", **person},
    )
    return row


class FlakyIngest:
    """Fault injection: the write path raises a database error for the chosen texts, ``times``
    times in all, then works again (as after a dropped connection or a lock timeout)."""

    def __init__(self, monkeypatch, texts, times):
        self.texts, self.left, self.calls = set(texts), times, []
        self.real = services.signals_ingest_batch
        monkeypatch.setattr(services, "signals_ingest_batch", self)

    def __call__(self, *, items, **kwargs):
        self.calls.append(len(items))
        if self.left and any(item.text in self.texts for item in items):
            self.left -= 1
            raise OperationalError("could not serialize access")
        return self.real(items=items, **kwargs)


@pytest.mark.django_db
def test_the_worker_stores_each_batch_with_one_ingest_call(api_client):
    # given seven waiting requests
    rows = [accept(api_client, text, n) for n, text in enumerate(TEXTS)]
    # when the worker drains them in batches of five
    report = open311_queue.open311_pending_drain(batch_size=5)
    # then two batches stored them, each with one ingest (one audit event of the write path)
    assert (report.batches, report.done) == (2, 7)
    ingests = AuditEvent.objects.filter(action="intake.signals_ingest").order_by("pk")
    assert [e.after["created"] for e in ingests] == [5, 2]
    signals = {r.token: r.signal for r in PendingRequest.objects.select_related("signal")}
    assert {s.extra["open311_token"] for s in signals.values()} == {r.token for r in rows}
    assert all(s.tracking_code and s.unit_id for s in signals.values())
    processed = AuditEvent.objects.filter(action="intake.open311_requests_process").order_by("pk")
    assert [e.after for e in processed] == [
        {"done": 5, "rejected": 0, "retrying": 0, "failed": 0},
        {"done": 2, "rejected": 0, "retrying": 0, "failed": 0},
    ]
    # and a second drain (another POST's task) finds nothing
    assert open311_queue.open311_pending_drain().batches == 0


@pytest.mark.django_db
def test_a_burst_of_posts_enqueues_one_drain_until_the_worker_starts_it(
    api_client, db_tasks, django_capture_on_commit_callbacks
):
    drains = DBTaskResult.objects.filter(task_path__endswith="open311_pending_drain_task")
    # when three requests are accepted while no worker runs
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            accept(api_client, TEXTS[n], n)
    # then one drain waits for them all
    assert drains.count() == 1
    # when the worker has started it and another request comes
    drains.update(status="RUNNING")
    with django_capture_on_commit_callbacks(execute=True):
        accept(api_client, TEXTS[3], 3)
    # then a new drain is enqueued, since the running one may have looked already
    assert drains.filter(status="READY").count() == 1


@pytest.mark.django_db
def test_a_failing_batch_falls_back_to_rows_and_the_failing_row_is_retried(api_client, monkeypatch, db_tasks):
    # given three waiting requests, one of which the database refuses three times
    for n, text in enumerate(TEXTS[:3]):
        accept(api_client, text, n, email=f"dan{n}@example.vn")
    flaky = FlakyIngest(monkeypatch, [TEXTS[1]], times=3)
    now = timezone.now()
    # when the worker runs
    report = open311_queue.open311_pending_drain(now=now)
    # then the batch failed, its rows were tried one by one: two stored, one kept with its error
    assert flaky.calls == [3, 1, 1, 1]
    assert (report.done, report.retrying) == (2, 1)
    waiting = PendingRequest.objects.get(status="pending")
    assert waiting.fields["description"] == TEXTS[1] and waiting.attempts == 1
    assert waiting.error.startswith("OperationalError") and waiting.next_attempt_at > now
    assert waiting.reporter["email"] == "dan1@example.vn"  # still needed to store it later
    assert Signal.objects.count() == 2
    # and a drain is enqueued for when the retry is due
    later_tasks = DBTaskResult.objects.filter(task_path__endswith="open311_pending_drain_task")
    deferred = later_tasks.filter(run_after__gt=now, run_after__lt=now + timedelta(days=1))
    assert list(deferred.values_list("run_after", flat=True)) == [waiting.next_attempt_at]

    # when the worker runs again before the retry is due
    assert open311_queue.open311_pending_drain(now=now).batches == 0
    # when it runs once the retry is due (the database refuses once more), and again later
    later = now + open311_queue.RETRY_AFTER
    assert open311_queue.open311_pending_drain(now=later).retrying == 1
    final = open311_queue.open311_pending_drain(now=later + 2 * open311_queue.RETRY_AFTER)
    # then the request is stored, on its third attempt, with its reporter, and nothing was lost
    waiting.refresh_from_db()
    assert final.done == 1 and waiting.status == "done" and waiting.attempts == 3
    assert waiting.error == "" and waiting.reporter == {}
    assert Reporter.objects.get(signal=waiting.signal).email == "dan1@example.vn"
    assert Signal.objects.count() == 3 and not PendingRequest.objects.exclude(status="done").exists()


@pytest.mark.django_db
def test_a_request_that_keeps_failing_waits_in_the_admin_for_an_official(
    api_client, monkeypatch, demo, client
):
    # given a request the database refuses on every attempt
    row = accept(api_client, TEXTS[0], phone="0912345678")
    flaky = FlakyIngest(monkeypatch, [TEXTS[0]], times=10**6)
    # when the worker has tried it MAX_ATTEMPTS times
    moment = timezone.now()
    for _ in range(open311_queue.MAX_ATTEMPTS):
        open311_queue.open311_pending_drain(now=moment)
        moment += timedelta(hours=1)
    # then it is failed, with its error and personal data kept, and no longer tried
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == open311_queue.MAX_ATTEMPTS
    assert row.error.startswith("OperationalError") and row.reporter["phone"] == "0912345678"
    assert open311_queue.open311_pending_drain(now=moment + timedelta(days=1)).batches == 0
    # and the administrator sees it in the admin with its error, but not the personal data
    client.force_login(demo["quantri"])
    listed = client.get(reverse("admin:intake_pendingrequest_changelist"), {"status__exact": "failed"})
    assert row.token in listed.content.decode()
    page = client.get(reverse("admin:intake_pendingrequest_change", args=[row.pk])).content.decode()
    assert "could not serialize access" in page and "0912345678" not in page

    # when the database is back and the administrator retries it from the list
    flaky.left = 0
    client.post(
        reverse("admin:intake_pendingrequest_changelist"),
        {"action": "retry", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.status == "pending" and row.attempts == 0
    report = open311_queue.open311_pending_drain()
    # then it is stored, and the retry is in the audit log under the administrator's name
    row.refresh_from_db()
    assert report.done == 1 and row.status == "done" and row.signal is not None
    retry = AuditEvent.objects.get(action="intake.open311_requests_retry")
    assert retry.actor == demo["quantri"] and retry.after["ids"] == [row.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two independent connections (PostgreSQL); SQLite serialises writers",
)
def test_a_second_worker_skips_the_rows_another_worker_holds(api_client, db_tasks):
    # given five waiting requests (one task enqueued for them all), and another worker (its own
    # connection) holding the first two
    rows = [accept(api_client, text, n) for n, text in enumerate(TEXTS[:5])]
    assert DBTaskResult.objects.filter(task_path__endswith="open311_pending_drain_task").count() == 1
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(
                    PendingRequest.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=[rows[0].pk, rows[1].pk])
                    .order_by("pk")
                )
                held.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert held.wait(timeout=30)
    # when this worker drains meanwhile
    try:
        first = open311_queue.open311_pending_drain(batch_size=2)
    finally:
        release.set()
        thread.join(timeout=60)
    # then it took only the three free rows, without waiting for the held ones
    assert first.done == 3
    statuses = dict(PendingRequest.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows] == ["pending", "pending", "done", "done", "done"]
    # and once the other worker let go, the next drain takes the rest: each stored once
    assert open311_queue.open311_pending_drain().done == 2
    assert Signal.objects.count() == 5
    assert len(set(PendingRequest.objects.values_list("signal_id", flat=True))) == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two independent connections (PostgreSQL); SQLite serialises writers",
)
def test_two_workers_draining_at_once_store_every_request_once(api_client, db_tasks):
    # given twelve waiting requests
    for n in range(12):
        accept(api_client, f"{TEXTS[n % len(TEXTS)]} (phản ánh {n})", n)
    reports, errors = [], []

    def worker():
        try:
            reports.append(open311_queue.open311_pending_drain(batch_size=3))
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    # when two workers drain at the same time
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # then between them every request was stored exactly once
    assert not errors, errors
    assert sum(r.done for r in reports) == 12
    assert Signal.objects.count() == 12 and not PendingRequest.objects.exclude(status="done").exists()
    assert len(set(PendingRequest.objects.values_list("signal_id", flat=True))) == 12


@pytest.mark.django_db
def test_the_scheduled_command_drains_what_no_task_took(api_client, db_tasks):
    # given requests left pending with no task to take them (say the worker was killed mid-drain)
    for n in range(2):
        accept(api_client, TEXTS[n], n)
    # when cron enqueues a drain, and when it runs one at once
    queued, ran = io.StringIO(), io.StringIO()
    call_command("open311_drain", "--enqueue", stdout=queued)
    call_command("open311_drain", stdout=ran)
    # then a drain task waits for the worker, and the direct run stored both requests
    assert DBTaskResult.objects.filter(
        task_path__endswith="open311_pending_drain_task", status="READY"
    ).exists()
    assert ran.getvalue().startswith("Open311: 2 yêu cầu đã xử lý")
    assert not PendingRequest.objects.filter(status="pending").exists()
