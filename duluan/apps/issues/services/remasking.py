"""Issues' copies of their signals' words, masked again when intake masks the signals again.

Intake reads stored signals again (:func:`~duluan.apps.intake.reanalysis.signals_reanalyse`), and
with a masker that has learnt a new shape of signature their stored title and masked text lose a
writer's name the older one left. Issues keep copies of those words that the signals' rows do
not reach:

- an issue's automatic title, lent by one of its signals (:func:`~..titles.title_from_text`),
  and the same title in the history of officials' corrections (``Correction.before`` of a
  rename or a split: the title the issue had; of a merge: the titles of both issues);
- its key words (``summary_terms``), the profile its title was chosen by (``title_vector``) and
  its search key;
- the terms its cluster keeps in the clusterer's saved state, from which later key words come;
- the audit log's events that copied a title (the former title in the event of an official's
  rename, as in their correction): the one rewrite the append-only log allows
  (:func:`~duluan.apps.audit.services.audit_values_redact`), for the confidentiality of the
  people who wrote.

:func:`issues_after_remasking` brings them in line, in the caller's transaction: a title lent by
the signal as it was is replaced by the title it lends now (an official's title is left alone,
as everywhere), and the terms the signal no longer has (:func:`vanished_terms`: those of its
words as stored before that its words now lack, such as the bigrams of the name) are dropped from
its issue's key words, profile and cluster, and from those of the issues merged into it, where
its words were counted first. Key words are not computed again from a cluster that has closed;
dropped ones come back as the issue's next signals describe it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from duluan.analysis.cluster import document_terms
from duluan.analysis.frames import frame_spans
from duluan.analysis.normalise import fold
from duluan.analysis.pipeline import tokenise
from duluan.apps.audit.services import audit_values_redact
from duluan.apps.core.bulk import bulk_update_by_pk
from duluan.apps.core.text import search_key
from duluan.apps.intake.models import Signal

from ..clustering import clusterer_states_forget
from ..models import Correction, Issue
from ..titles import ISSUE_TITLE_MAX, title_from_terms, title_from_text

_ISSUE_FIELDS = ("title", "summary_terms", "title_vector", "search_key")
# Where a correction's ``before`` holds an issue's title (.corrections): a rename's and a split's
# issue, a merge's two.
_TITLES_BEFORE = ("title", "source_title", "target_title")


@dataclass(frozen=True)
class Remasked:
    """A signal's stored title and masked text before it was read again, and after."""

    title_before: str
    text_before: str
    title: str
    text: str


def vanished_terms(before: str, after: str) -> set[str]:
    """The clusterer's terms (folded bigrams) of the masked text ``before`` that ``after`` lacks:
    what masking took out of a signal's words, as the clusterer and an issue's key words hold it."""
    return _words(before) - _words(after)


def _words(text: str) -> set[str]:
    """The terms of ``text`` and of it without its letter's frame, as the clusterer read it
    (:func:`~..clustering.stored_content`, but not masked again: the words as they were stored)."""
    if not text:
        return set()
    kept, at = [], 0
    for start, end in frame_spans(text):
        kept.append(text[at:start])
        at = end
    return _terms(text) | _terms("\n".join([*kept, text[at:]]))


def _terms(text: str) -> set[str]:
    return set(document_terms(tokenise(text))) if text else set()


def issues_after_remasking(remasked: Mapping[int, Remasked]) -> Counter:
    """Bring the issues of signals masked again in line with their words (see the module).

    Call it in the transaction that writes the signals, holding the clusterer's states
    (:func:`~.corrections.clusterer_states_lock`).

    Args:
        remasked: Signal id -> its words before and after, for the signals whose stored title or
            masked text changed.

    Returns:
        How many ``issues``, ``corrections``, ``clusters`` and ``audit_events`` changed.
    """
    counts: Counter = Counter()
    if not remasked:
        return counts
    titles: dict[str, str] = {}  # a title lent before -> the one the same signal lends now
    by_signal: dict[int, set[str]] = {}
    for pk, words in remasked.items():
        before = title_from_text(words.title_before, words.text_before)[:ISSUE_TITLE_MAX]
        after = title_from_text(words.title, words.text)[:ISSUE_TITLE_MAX]
        if before != after:
            titles[before] = after
        gone = vanished_terms(words.text_before, words.text)
        if gone:
            by_signal[pk] = gone
    # The terms each issue's words lost: its signals', and those of the issues merged into it
    # (a merged issue's cluster and key words were made from the signals it handed on).
    by_issue: dict[int, set[str]] = {}
    for pk, issue_id in Signal.objects.filter(pk__in=list(by_signal), issue__isnull=False).values_list(
        "pk", "issue_id"
    ):
        by_issue.setdefault(issue_id, set()).update(by_signal[pk])
    holders = Q(pk__in=list(by_issue)) | Q(merged_into_id__in=list(by_issue))
    # A title is found wherever it is shown: any issue titled by these signals' words as they were.
    lent = Q(title__in=list(titles), title_confirmed=False)
    issues = list(
        Issue.objects.filter(holders | lent if titles else holders).only(
            "pk", "merged_into_id", "title_confirmed", *_ISSUE_FIELDS
        )
    )
    changed = [
        issue
        for issue in issues
        if _remask_issue(issue, titles, by_issue.get(issue.pk) or by_issue.get(issue.merged_into_id) or set())
    ]
    qn = transaction.get_connection().ops.quote_name
    # An official's rename committed since the issue was read wins (as for the clusterer's writes).
    confirmed = qn(Issue._meta.get_field("title_confirmed").column)
    sets = {"title": f"CASE WHEN {confirmed} THEN {qn(Issue._meta.get_field('title').column)} ELSE %s END"}
    bulk_update_by_pk(changed, _ISSUE_FIELDS, sets=sets)
    counts["issues"] = len(changed)
    counts["corrections"] = _remask_corrections(titles)
    # The titles as events copied them: an issue's (lent, cut to its length) and a signal's own.
    # Terms are not replaced (masking drops them) and no event records an issue's key words.
    # Only an issue's events copy them (the former title in an official's rename): the log's
    # other events, most of it, are not read. Of a log of 200,000 events on SQLite, 10,000 of
    # them issues' renames, a batch's 500 titles took 26.4-26.6 s of CPU read in every event and
    # 4.0-5.5 s in the issues' (one title 0.07-0.12 s and 0.03-0.04 s), 2026-12-08.
    shown = {words.title_before: words.title for words in remasked.values()} | titles
    counts["audit_events"] = audit_values_redact(shown, object_types=(Issue._meta.label_lower,))
    counts["clusters"] = clusterer_states_forget(
        {
            issue.cluster_key: by_issue.get(issue.pk) or by_issue.get(issue.merged_into_id) or ()
            for issue in Issue.objects.filter(holders)
            .exclude(cluster_key="")
            .only("pk", "cluster_key", "merged_into_id")
        }
    )
    return counts


def _remask_issue(issue: Issue, titles: Mapping[str, str], gone: set[str]) -> bool:
    """Mask ``issue``'s title, key words and profile as its signals' words are now; whether
    anything changed."""
    old_terms = [t for t in issue.summary_terms or [] if isinstance(t, str)]
    terms = [t for t in old_terms if not _terms(t) & gone] if gone else old_terms
    title = issue.title
    if not issue.title_confirmed:
        if title in titles:
            title = titles[title]
        elif terms != old_terms and terms and title == title_from_terms(old_terms):
            # Titled by its key words (its signal lent none): by those it keeps.
            title = title_from_terms(terms)
    profile = issue.title_vector or {}
    if gone and isinstance(profile, dict) and any(fold(t) in gone for t in profile):
        kept = {t: w for t, w in profile.items() if fold(t) not in gone}
        norm = math.sqrt(math.fsum([w * w for w in kept.values()]))
        profile = {t: w / norm for t, w in kept.items()} if norm > 0 else {}
    if (title, terms, profile) == (issue.title, old_terms, issue.title_vector or {}):
        return False
    issue.title, issue.summary_terms, issue.title_vector = title, terms, profile
    issue.search_key = search_key(f"{title} {' '.join(terms)}")
    return True


def _remask_corrections(titles: Mapping[str, str]) -> int:
    """Replace, in the officials' corrections, an issue's former titles (``before``) lent by these
    signals as they were with the titles they lend now; the number of corrections changed. What
    an official typed (``after``) stays."""
    if not titles:
        return 0
    lent = list(titles)
    held = Q()
    for key in _TITLES_BEFORE:
        held |= Q(**{f"before__{key}__in": lent})
    changed = []
    for correction in Correction.objects.filter(held).only("pk", "before"):
        before = dict(correction.before)
        for key in _TITLES_BEFORE:
            if isinstance(before.get(key), str) and before[key] in titles:
                before[key] = titles[before[key]]
        correction.before = before
        changed.append(correction)
    bulk_update_by_pk(changed, ["before"])
    return len(changed)
