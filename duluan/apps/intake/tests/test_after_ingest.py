"""Every channel hands its new signals to the issues app once per batch: merges kept, hotness fresh."""

import csv
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from duluan.apps.intake import imports, open311_queue, services
from duluan.apps.intake.models import Signal
from duluan.apps.issues import services as issue_services
from duluan.apps.issues.models import Alert, Issue

from .test_web import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """The batches handed to issues_after_ingest (their issue ids) and the hotness refreshes."""
    seen = {"after": [], "refresh": []}
    real_after, real_refresh = issue_services.issues_after_ingest, issue_services.issues_refresh_hotness

    def after(*, issue_ids, **kw):
        seen["after"].append(sorted(set(issue_ids)))
        return real_after(issue_ids=issue_ids, **kw)

    def refresh(**kw):
        seen["refresh"].append(kw.get("issue_ids"))
        return real_refresh(**kw)

    monkeypatch.setattr(issue_services, "issues_after_ingest", after)
    monkeypatch.setattr(issue_services, "issues_refresh_hotness", refresh)
    return seen


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_every_channel_calls_it_once_per_batch(client, calls, tmp_path):
    # when a citizen sends the web form (twice: a double submit)
    client.post(reverse("intake:submit"), form_data())
    client.post(reverse("intake:submit"), form_data())
    web = Signal.objects.get(channel="web")
    # then the one new signal's issue was handed over once
    assert calls["after"] == [[web.issue_id]]

    # when an Open311 client posts a request
    _client, key = services.api_client_create(name="Ứng dụng thử", key="test-key-123456789")
    created = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "transport",
            "lat": "21.1935",
            "long": "106.0772",
            "description": "Ổ gà lớn giữa đường Lê Lợi",
        },
    )
    assert created.status_code == 201 and calls["after"][1:] == []  # the POST only queues it
    # and the task worker stores it
    open311_queue.open311_pending_drain()
    assert calls["after"][1:] == [[Signal.objects.get(channel="open311").issue_id]]

    # when a file of five rows is imported in batches of two
    rows = [["id", "text"]] + [[f"H-{i}", f"Đèn đường hỏng ở thôn {i} đã lâu chưa sửa"] for i in range(5)]
    report = imports.signals_import_file(
        path=write_csv(tmp_path / "h.csv", rows), channel="hotline", batch_size=2
    )
    # then each of the three batches was handed over once, without the issues the batch's own
    # transaction had opened (nobody can have merged those yet), and hotness refreshed once at
    # the end. PostgreSQL, which sees that nobody waits, keeps one transaction for the whole
    # file; elsewhere the import commits after every batch.
    imported = list(Signal.objects.filter(channel="hotline").order_by("pk"))
    assert report.created == 5 and len(calls["after"]) == 2 + 3
    batches = [imported[0:2], imported[2:4], imported[4:5]]
    opened_in = {}  # issue id -> the batch of its first signal
    for number, batch in enumerate(batches):
        for s in batch:
            opened_in.setdefault(s.issue_id, number)
    one_transaction = connection.vendor == "postgresql"
    expected = [
        sorted(
            {
                s.issue_id
                for s in batch
                if not (
                    opened_in[s.issue_id] == number or (one_transaction and opened_in[s.issue_id] < number)
                )
            }
        )
        for number, batch in enumerate(batches)
    ]
    assert calls["after"][2:] == expected
    assert calls["refresh"] == [sorted({s.issue_id for s in imported})]


def test_a_bulk_import_makes_its_issues_hotness_fresh_and_raises_alerts(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    # given a coordinator with an e-mail address, and a hotline log of a flood that surged
    # over the last three days, 8 calls a day from different callers in one ward
    demo["dieuphoi"].email = "dieuphoi@example.org"
    demo["dieuphoi"].save(update_fields=["email"])
    now = timezone.localtime()
    # Each day's calls fall within that local day, whatever the hour the test runs at: ten
    # minutes apart, or closer just after midnight (the calls of "today" used to spill into
    # yesterday between 00:00 and 01:11, and the flood was then only "watch").
    step = min(timedelta(minutes=10), (now - now.replace(hour=0, minute=0, second=0, microsecond=0)) / 9)
    rows = [["id", "text", "created_at", "unit", "source"]]
    for day in range(3):
        for k in range(8):
            moment = now - timedelta(days=day) - step * (k + 1)
            rows.append(
                [
                    f"N-{day}-{k}",
                    f"Ngập úng kéo dài ở phường Bắc Giang sau mưa lớn, nước tràn vào nhà dân tổ {k + day}",
                    moment.strftime("%Y-%m-%d %H:%M"),
                    "07210",
                    f"tổng đài viên {k % 4}",
                ]
            )
    path = write_csv(tmp_path / "tong_dai.csv", rows)
    # when it is imported
    with django_capture_on_commit_callbacks(execute=True):
        report = imports.signals_import_file(path=path, channel="hotline", batch_size=10)
    # then every issue it touched has a fresh hotness, and the flood is hot with an alert and a mail
    assert report.created == 24
    touched = Issue.objects.filter(signals__import_batch_id=report.batch_id).distinct()
    assert touched.exists() and not touched.filter(hotness_at__isnull=True).exists()
    flood = max(touched, key=lambda i: i.signal_count)
    assert flood.signal_count >= 16 and flood.hotness_level == "hot" and len(flood.forecast["mean"]) == 7
    alert = Alert.objects.get(issue=flood, kind="became_hot")
    assert alert.reasons_vi
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dieuphoi@example.org"]


def test_an_import_of_old_records_scores_only_what_a_refresh_would(tmp_path, calls):
    # given a log with one call from two years ago and one from today
    old = (timezone.localtime() - timedelta(days=730)).strftime("%Y-%m-%d %H:%M")
    rows = [
        ["id", "text", "created_at"],
        ["O-1", "Đường liên thôn Đông Xuyên sạt lở sau bão, xe không qua được", old],
        ["O-2", "Cháy rừng ở núi Nham Biền, khói bay vào khu dân cư", timezone.localtime().isoformat()],
    ]
    imports.signals_import_file(path=write_csv(tmp_path / "cu.csv", rows), channel="hotline")
    # then both issues were handed to the refresh, but only the active one was scored: an issue
    # silent for longer than the hotness window is left to the scheduled refresh's rule
    old_issue = Signal.objects.get(external_id="O-1").issue
    new_issue = Signal.objects.get(external_id="O-2").issue
    assert calls["refresh"] == [sorted({old_issue.pk, new_issue.pk})]
    assert old_issue.hotness_at is None and new_issue.hotness_at is not None


def test_signals_clustered_after_they_were_saved_are_handed_over_once(calls):
    # given signals saved without an issue (e.g. loaded by another path)
    services.signals_ingest_batch(
        items=[
            services.SignalInput(channel="social", text=f"Rác thải tồn đọng ở chợ số {i}") for i in range(3)
        ]
    )
    Signal.objects.update(issue=None)
    Issue.objects.all().delete()
    calls["after"].clear()
    # when they are assigned to issues
    from duluan.apps.issues.clustering import signals_assign_to_issues

    signals_assign_to_issues(list(Signal.objects.order_by("pk")))
    # then their issues were handed over once
    assert calls["after"] == [sorted(set(Signal.objects.values_list("issue_id", flat=True)))]
