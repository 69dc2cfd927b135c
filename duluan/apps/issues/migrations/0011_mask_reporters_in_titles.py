"""Mask the reporters in the titles and terms of issues named before signal titles were masked.

An issue takes its automatic title from a signal (``issues.titles``). Signals stored before
titles were masked lent theirs as they arrived: "Đơn tố cáo của ông Trịnh Quốc Khánh" is the
title of their issue, shown to every official who sees it, an analyst included, and matched by
its search key; the cluster's terms read from the same text ("trịnh quốc khánh") are shown with
it and searched too. Intake's migration 0011 masked the signals' titles, not their issues'.

This masks an issue's title as a signal's title is masked now (``intake.services.stored_title``:
personal data, the writer's name and house), and by the values (name, address, phone, e-mail) of
the reporters of the issue's signals (``mask_person``); a title an official gave
(``title_confirmed``) is left as it is. A summary term that names one of those reporters is
dropped, whoever named the issue. The search key is made again from the title and terms, as the
issues app makes it (``services.aggregates``). An issue merged into another has no signals left:
its reporters are those of the issue its signals went to (``merged_into``, always the last one).

Issues are read in batches by key, and their reporters in one query a batch, streamed: an issue's
title came from one of its signals, any of them, so every reporter of the issue is looked at, not
the first so many (the one lending the title could be the last of 100,000); memory holds one
batch of issues, whatever the number of signals: 2,000 issues of 20,000 reporters took 0.41 s
(SQLite, 2026-12-07), most of it mask_person. They are written as intake's 0011 wrote the
signals, with no audit event (surveys' 0002 records one because what it rewrites is the audit
log itself).

Backwards leaves them masked: the names are not to be shown again.
"""

from django.db import migrations

BATCH = 1000


def mask_titles(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    Reporter = apps.get_model("intake", "Reporter")
    fields = ("pk", "title", "title_confirmed", "summary_terms", "merged_into")
    for issues in _batches(Issue.objects.only(*fields)):
        _mask(issues, Reporter.objects.all())


def _batches(queryset):
    """``queryset``'s rows in lists of :data:`BATCH`, by key."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield batch
        last = batch[-1].pk


def _mask(issues, reporters):
    """Mask the titles and terms of ``issues`` by the ``reporters`` of their signals, and write them."""
    from duluan.analysis.frames import mask_person
    from duluan.apps.core.bulk import bulk_update_by_pk
    from duluan.apps.core.text import search_key
    from duluan.apps.intake.services import private_values, stored_title
    from duluan.apps.issues.titles import ISSUE_TITLE_MAX

    # Per issue: its title (None when an official gave it) and terms, masked as reporters come.
    texts = {}
    holders = {}  # the issue holding its signals -> the issues of this batch they name
    for issue in issues:
        title = None if issue.title_confirmed else stored_title(issue.title, None)
        texts[issue.pk] = [title, *(issue.summary_terms or [])]
        holders.setdefault(issue.merged_into_id or issue.pk, []).append(issue.pk)
    rows = (
        reporters.filter(signal__issue_id__in=list(holders))
        .exclude(name="", address="", phone="", email="")
        .values("signal__issue_id", "name", "address", "phone", "email")
    )
    for row in rows.iterator(chunk_size=2000):
        person = private_values(row)
        for pk in holders[row["signal__issue_id"]]:
            texts[pk] = [mask_person(text, person) if isinstance(text, str) else text for text in texts[pk]]
    changed = []
    for issue in issues:
        title, *masked = texts[issue.pk]
        terms = issue.summary_terms or []
        kept = [term for term, seen in zip(terms, masked, strict=True) if seen == term]
        title = issue.title if title is None else title[:ISSUE_TITLE_MAX]
        if title != issue.title or kept != terms:
            issue.title, issue.summary_terms = title, kept
            issue.search_key = search_key(f"{title} {' '.join(kept)}")
            changed.append(issue)
    bulk_update_by_pk(changed, ["title", "summary_terms", "search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0010_cluster_key_c_collation"),
        ("intake", "0011_mask_stored_titles"),
    ]

    operations = [migrations.RunPython(mask_titles, migrations.RunPython.noop)]
