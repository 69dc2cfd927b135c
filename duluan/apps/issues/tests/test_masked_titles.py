"""Issues named before signal titles were masked: their reporters masked, and searched so."""

from __future__ import annotations

import importlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.test import Client

from duluan.apps.core.text import search_key
from duluan.apps.intake import services
from duluan.apps.intake.models import Signal
from duluan.apps.issues.filters import IssueFilters
from duluan.apps.issues.models import Issue
from duluan.apps.issues.selectors import issue_search
from duluan.apps.issues.services import issue_merge, issue_rename

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
REPORTER = {
    "name": "Trịnh Quốc Khánh",
    "address": "số 12 Lê Lợi, phường Bắc Giang",
    "phone": "0912345678",
    "consent": True,
}
OLD_TITLE = "Đơn tố cáo của ông Trịnh Quốc Khánh, số 12 Lê Lợi"
# What the clusterer read from such a signal's text (text_masked held the title as it arrived).
OLD_TERMS = ["khanh can", "trịnh quốc khánh", "cán bộ địa", "sổ đỏ", "chính phường"]


def migration():
    return importlib.import_module("duluan.apps.issues.migrations.0011_mask_reporters_in_titles")


def mask_titles():
    migration().mask_titles(django_apps, None)


def ingest(text: str, *, hour: int, reporter=REPORTER, title: str = "Tố cáo cán bộ địa chính") -> Issue:
    services.signals_ingest_batch(
        items=[
            services.SignalInput(
                channel="web",
                title=title,
                text=text,
                created_at=datetime(2026, 2, 3, hour, tzinfo=VN),
                reporter=reporter,
            )
        ]
    )
    return Signal.objects.get(text=text).issue


def named_the_old_way(issue: Issue, title: str = OLD_TITLE, terms=OLD_TERMS) -> None:
    """Give ``issue`` what the clusterer wrote before signal titles were masked."""
    Issue.objects.filter(pk=issue.pk).update(
        title=title, summary_terms=terms, search_key=search_key(f"{title} {' '.join(terms)}")
    )


def found(user, q: str, issue: Issue) -> bool:
    return issue_search(user=user, filters=IssueFilters(q=q)).filter(pk=issue.pk).exists()


def page(user, path: str, **params) -> str:
    client = Client()
    client.force_login(user)
    return client.get(path, params).content.decode()


def test_an_issue_titled_by_an_old_signal_is_masked_and_no_longer_found_by_the_reporter_s_name(demo):
    # given an issue titled by a signal stored before titles were masked, whose reporter it names
    issue = ingest("Cán bộ địa chính phường vòi tiền làm sổ đỏ.", hour=9)
    named_the_old_way(issue)
    analyst = demo["phantich"]
    assert found(analyst, "Quốc Khánh", issue)
    # when the migration masks the issues' titles
    mask_titles()
    # then its title names no one, nor do its terms, and neither the name nor the house finds it
    issue.refresh_from_db()
    assert issue.title == "Đơn tố cáo của ông <name>, <house>"
    assert issue.summary_terms == ["khanh can", "cán bộ địa", "sổ đỏ", "chính phường"]
    assert issue.search_key == search_key(f"{issue.title} {' '.join(issue.summary_terms)}")
    for q in ("Quốc Khánh", "trinh quoc khanh", "Trịnh Quốc Khánh", "Lê Lợi"):
        assert not found(analyst, q, issue), q
    # while what it is about still does, and the list and the issue's page show the masked title
    assert found(analyst, "sổ đỏ", issue) and found(analyst, "to cao", issue)
    for html in (page(analyst, "/issues/", q="sổ đỏ"), page(analyst, f"/issues/{issue.pk}/")):
        assert "Đơn tố cáo của ông &lt;name&gt;" in html and "Khánh" not in html


def test_an_official_s_title_is_left_as_it_is_and_their_issue_s_terms_are_masked(demo):
    # given an issue an official named, with the terms the clusterer read from an old signal
    issue = ingest("Cán bộ địa chính phường vòi tiền làm sổ đỏ.", hour=9)
    named_the_old_way(issue)
    title = "Tố cáo của ông Trịnh Quốc Khánh về cán bộ địa chính"
    issue_rename(issue=issue, title=title, actor=demo["dieuphoi"])
    # when the migration runs
    mask_titles()
    # then the official's title stays, and the term naming the reporter is gone
    issue.refresh_from_db()
    assert issue.title == title and issue.title_confirmed
    assert "trịnh quốc khánh" not in issue.summary_terms
    assert issue.search_key == search_key(f"{title} {' '.join(issue.summary_terms)}")


def test_an_issue_merged_away_is_masked_by_the_reporters_of_the_issue_its_signals_went_to(demo, monkeypatch):
    # given an old issue merged into another: its signals, and so its reporter, are the other's now
    source = ingest("Cán bộ địa chính phường vòi tiền làm sổ đỏ.", hour=9)
    target = ingest("Đường Lê Lợi ngập sâu sau mưa lớn, nước tràn vào nhà dân.", hour=10, reporter=None)
    assert source.pk != target.pk
    named_the_old_way(source)
    issue_merge(source=source, target=target, actor=demo["dieuphoi"])
    # when the migration runs, reading the issues one by one (the merged one apart from the other),
    # then the title the target's page lists among those merged into it is masked
    monkeypatch.setattr(migration(), "BATCH", 1)
    mask_titles()
    source.refresh_from_db()
    assert source.title == "Đơn tố cáo của ông <name>, <house>"


def test_names_that_are_no_reporter_s_and_titles_masked_already_are_left_as_they_are(monkeypatch):
    # given issues titled as intake titles them now (by a signal naming its reporter: masked), and
    # one naming an official who reported nothing
    masked = ingest("Cán bộ địa chính phường vòi tiền làm sổ đỏ.", hour=9, title=OLD_TITLE)
    assert masked.title == "Đơn tố cáo của ông <name>, <house>"
    other = ingest("Ông Nguyễn Văn Cừ, chủ tịch phường, chậm cấp sổ đỏ.", hour=11, reporter=None)
    named_the_old_way(other, "Ông Nguyễn Văn Cừ chậm cấp sổ đỏ", ["nguyễn văn cừ", "sổ đỏ"])
    before = list(Issue.objects.order_by("pk").values("pk", "title", "summary_terms", "search_key"))
    # when the migration runs (in batches of one issue), then nothing changes
    monkeypatch.setattr(migration(), "BATCH", 1)
    mask_titles()
    after = list(Issue.objects.order_by("pk").values("pk", "title", "summary_terms", "search_key"))
    assert after == before
