"""Officials correct the engine: merge, split, rename issues and confirm their topic.

Every correction is one transaction: validate, move the signals, recount the issues involved,
record a :class:`~duluan.apps.issues.models.Correction` (training data, and what
:func:`corrections_replay` re-applies after a re-clustering) and an audit event.

Merged issues stay merged: :func:`issues_after_ingest` — which intake calls after each ingest
batch — moves any signal the clusterer put into a merged-away issue on to the issue it was merged
into, and :func:`corrections_replay` re-applies every merge and split when the issues were rebuilt
from scratch (new ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Min

from duluan.analysis.pipeline import batched
from duluan.apps.audit.services import audit_record
from duluan.apps.core.bulk import bulk_update_by_pk
from duluan.apps.core.text import nfc, search_key
from duluan.apps.intake.models import Signal

from ..models import ClustererState, Correction, CorrectionKind, Issue
from ..titles import ISSUE_TITLE_MAX
from .aggregates import issues_rebuild_aggregates

MERGE_INTO_ITSELF = "Không thể gộp một vấn đề vào chính nó."
MERGE_ALREADY_MERGED = "Vấn đề này đã được gộp vào vấn đề khác."
MERGE_TARGET_MERGED = "Vấn đề đích đã được gộp vào vấn đề khác; hãy gộp vào vấn đề #{pk}."
SPLIT_NO_SIGNALS = "Hãy chọn ít nhất một tín hiệu để tách."
SPLIT_ALL_SIGNALS = "Không thể tách toàn bộ tín hiệu: vấn đề cũ sẽ trống. Hãy đổi tên vấn đề thay vì tách."
SPLIT_FOREIGN_SIGNALS = "Có tín hiệu không thuộc vấn đề này."
TITLE_REQUIRED = "Cần nhập tên vấn đề."
TITLE_TOO_LONG = "Tên vấn đề quá dài (tối đa {max} ký tự)."
TOPIC_UNKNOWN = "Chủ đề không có trong danh mục: {code!r}."
TITLE_MAX = ISSUE_TITLE_MAX
SPLIT_MAX_SIGNALS = 10_000


class IssueError(ValueError):
    """A correction that cannot be made; the message is shown to the official as is."""


def _clean_title(title: str) -> str:
    title = " ".join(nfc(title).split())
    if not title:
        raise IssueError(TITLE_REQUIRED)
    if len(title) > TITLE_MAX:
        raise IssueError(TITLE_TOO_LONG.format(max=TITLE_MAX))
    return title


def issue_canonical(issue: Issue) -> Issue:
    """The issue ``issue`` ended up in after merges (itself when never merged)."""
    seen = {issue.pk}
    while issue.merged_into_id is not None and issue.merged_into_id not in seen:
        seen.add(issue.merged_into_id)
        issue = Issue.objects.get(pk=issue.merged_into_id)
    return issue


def issue_merge(*, source: Issue, target: Issue, actor=None, reason: str = "", request=None) -> Issue:
    """Merge ``source`` into ``target``: its signals move, it is kept (empty) pointing at ``target``.

    Raises:
        IssueError: merging an issue into itself, or an issue already merged, or into one.
    """
    if source.pk == target.pk:
        raise IssueError(MERGE_INTO_ITSELF)
    with transaction.atomic():
        source = Issue.objects.select_for_update().get(pk=source.pk)
        target = Issue.objects.select_for_update().get(pk=target.pk)
        if source.merged_into_id is not None:
            raise IssueError(MERGE_ALREADY_MERGED)
        if target.merged_into_id is not None:
            raise IssueError(MERGE_TARGET_MERGED.format(pk=issue_canonical(target).pk))
        moved = list(Signal.objects.filter(issue=source).order_by("pk").values_list("pk", flat=True))
        anchor = Signal.objects.filter(issue=target).order_by("pk").values_list("pk", flat=True).first()
        Signal.objects.filter(pk__in=moved).update(issue=target)
        # Issues merged into the source earlier now point at the final target directly.
        Issue.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into = target
        source.hotness, source.hotness_level = 0.0, "normal"
        source.save(update_fields=["merged_into", "hotness", "hotness_level", "updated_at"])
        issues_rebuild_aggregates([source.pk, target.pk])
        Correction.objects.create(
            kind=CorrectionKind.MERGE,
            issue=source,
            target=target,
            signal_ids=moved,
            anchor_signal_id=anchor,
            before={"source_title": source.title, "target_title": target.title},
            after={"merged_into": target.pk},
            reason=reason[:500],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="issues.issue_merge",
            actor=actor,
            obj=source,
            before={"merged_into": None, "signals": len(moved)},
            after={"merged_into": target.pk},
            reason=reason,
            request=request,
        )
    target.refresh_from_db()
    return target


def issue_split(
    *, issue: Issue, signal_ids: Sequence[int], title: str, actor=None, reason: str = "", request=None
) -> Issue:
    """Move the chosen signals of ``issue`` to a new issue named ``title``; returns the new issue.

    Raises:
        IssueError: no signals chosen, signals of another issue, every signal chosen, bad title.
    """
    try:
        wanted = sorted({int(pk) for pk in signal_ids})
    except (TypeError, ValueError):
        raise IssueError(SPLIT_FOREIGN_SIGNALS) from None
    if not wanted:
        raise IssueError(SPLIT_NO_SIGNALS)
    if len(wanted) > SPLIT_MAX_SIGNALS:
        raise IssueError(SPLIT_FOREIGN_SIGNALS)
    title = _clean_title(title)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        owned = set(Signal.objects.filter(issue=issue, pk__in=wanted).values_list("pk", flat=True))
        if owned != set(wanted):
            raise IssueError(SPLIT_FOREIGN_SIGNALS)
        if not Signal.objects.filter(issue=issue).exclude(pk__in=wanted).exists():
            raise IssueError(SPLIT_ALL_SIGNALS)
        new = Issue.objects.create(
            title=title,
            title_confirmed=True,
            # Never a clusterer key ("<state>:<cluster>"): the clusterer will not find it by key.
            cluster_key="",
            topic=issue.topic,
            search_key=search_key(title),
        )
        Signal.objects.filter(pk__in=wanted).update(issue=new)
        issues_rebuild_aggregates([issue.pk, new.pk])
        Correction.objects.create(
            kind=CorrectionKind.SPLIT,
            issue=issue,
            target=new,
            signal_ids=wanted,
            before={"title": issue.title},
            after={"new_issue": new.pk, "title": title},
            reason=reason[:500],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="issues.issue_split",
            actor=actor,
            obj=issue,
            before={"signals": len(wanted)},
            after={"new_issue": new.pk, "title": title, "signals": wanted[:1000]},
            reason=reason,
            request=request,
        )
    new.refresh_from_db()
    return new


def issue_rename(*, issue: Issue, title: str, actor=None, reason: str = "", request=None) -> Issue:
    """Give the issue an official's name (the clusterer will not overwrite a confirmed title)."""
    title = _clean_title(title)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        before = {"title": issue.title, "title_confirmed": issue.title_confirmed}
        issue.title = title
        issue.title_confirmed = True
        issue.search_key = search_key(f"{title} {' '.join(issue.summary_terms or [])}")
        issue.save(update_fields=["title", "title_confirmed", "search_key", "updated_at"])
        Correction.objects.create(
            kind=CorrectionKind.RENAME,
            issue=issue,
            before=before,
            after={"title": title},
            reason=reason[:500],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="issues.issue_rename",
            actor=actor,
            obj=issue,
            before=before,
            after={"title": title, "title_confirmed": True},
            reason=reason,
            request=request,
        )
    return issue


def issue_topic_confirm(*, issue: Issue, topic: str, actor=None, reason: str = "", request=None) -> Issue:
    """An official confirms (or corrects) the topic of an issue and of all its signals.

    The signals are marked ``topic_confirmed``, so intake's
    :func:`~duluan.apps.intake.selectors.topic_training_pairs` hands them to the topic model's
    retraining; :func:`~duluan.apps.issues.selectors.topic_corrections` lists what changed.
    """
    from duluan.analysis.taxonomy import load_taxonomy

    if topic not in load_taxonomy().codes:
        raise IssueError(TOPIC_UNKNOWN.format(code=topic))
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        signals = list(Signal.objects.filter(issue=issue).values_list("pk", "topic"))
        before = {"topic": issue.topic}
        changed = [pk for pk, t in signals if t != topic]
        Signal.objects.filter(issue=issue).update(topic=topic, topic_confirmed=True)
        issue.topic = topic
        issue.save(update_fields=["topic", "updated_at"])
        Correction.objects.create(
            kind=CorrectionKind.TOPIC,
            issue=issue,
            signal_ids=[pk for pk, _ in signals],
            before={"topic": before["topic"], "changed_signals": changed[:1000]},
            after={"topic": topic},
            reason=reason[:500],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            action="issues.issue_topic_confirm",
            actor=actor,
            obj=issue,
            before={"topic": before["topic"], "changed_signals": len(changed)},
            after={"topic": topic, "signals": len(signals)},
            reason=reason,
            request=request,
        )
    return issue


def clusterer_states_lock() -> None:
    """Hold the clusterer's states for the rest of the transaction, as a clustering session does
    (:class:`~duluan.apps.issues.clustering.ClusteringSession`): no other writer then assigns
    signals to issues or counts them until it ends. A writer that also changes signals takes this
    first, as sessions do, so the two never wait on each other's rows."""
    list(ClustererState.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def issues_after_reanalysis(
    *, recount: Iterable[int], topics: Mapping[int, tuple[str, str]]
) -> tuple[int, int]:
    """Bring issues in line with their signals read again by intake
    (:func:`~duluan.apps.intake.reanalysis.signals_reanalyse`), in the caller's transaction.

    1. The issues in ``recount`` (their signals' sentiment or intensity changed) are recounted.
    2. An issue takes the topic of the signal that opened it (its first, by id: see
       :mod:`duluan.apps.issues.clustering`); one whose topic is still that signal's old one
       follows it, unless an official confirmed the issue's topic.

    The clusterer's states are locked first (:func:`clusterer_states_lock`): a clustering session
    that read an issue's counters before the recount would otherwise write them back over it.

    Args:
        recount: Ids of the issues to recount.
        topics: Signal id -> (old topic, new topic), for the signals whose topic changed.

    Returns:
        (issues recounted, issues whose topic changed).
    """
    ids = sorted(set(recount))
    if not ids and not topics:
        return 0, 0
    clusterer_states_lock()
    for chunk in batched(ids, 500):
        issues_rebuild_aggregates(chunk)
    return len(ids), _follow_signal_topics(topics)


def _follow_signal_topics(changed: Mapping[int, tuple[str, str]]) -> int:
    """Step 2 of :func:`issues_after_reanalysis`; the number of issues whose topic changed."""
    issue_ids: set[int] = set()
    for chunk in batched(list(changed), 2000):
        rows = Signal.objects.filter(pk__in=chunk, issue__isnull=False).values_list("issue_id", flat=True)
        issue_ids.update(rows)
    followed = 0
    for chunk in batched(sorted(issue_ids), 2000):
        confirmed = set(
            Correction.objects.filter(kind=CorrectionKind.TOPIC, issue_id__in=chunk).values_list(
                "issue_id", flat=True
            )
        )
        openers = (
            Signal.objects.filter(issue_id__in=[pk for pk in chunk if pk not in confirmed])
            .values("issue_id")
            .annotate(first=Min("pk"))
            .values_list("issue_id", "first")
        )
        follow = {issue_id: changed[first] for issue_id, first in openers if first in changed}
        issues = [
            issue
            for issue in Issue.objects.filter(pk__in=list(follow)).only("pk", "topic")
            if issue.topic == follow[issue.pk][0]
        ]
        for issue in issues:
            issue.topic = follow[issue.pk][1]
        bulk_update_by_pk(issues, ["topic"])
        followed += len(issues)
    return followed


def issues_after_ingest(*, issue_ids: Iterable[int], now=None, refresh: bool = True) -> list[int]:
    """Intake calls this once per ingest batch with the issues its signals went to.

    1. Signals the clusterer put into a merged-away issue move on to the issue it was merged
       into (so officials' merges hold while the clusterer keeps its old clusters) — in the
       caller's transaction.
    2. With ``refresh``, a task refreshing the hotness, forecast and alerts of the issues touched
       is enqueued once that transaction commits (at once outside a transaction): the clusterer's
       lock is not held meanwhile, the report's sender does not wait for it, and a batch that
       rolls back raises no alert. A bulk import passes
       ``refresh=False`` per batch and refreshes all its issues once at its end.

    Returns:
        The ids of the (canonical) issues the signals are in.
    """
    ids = sorted({int(i) for i in issue_ids if i is not None})
    if not ids:
        return []
    with transaction.atomic():
        merged = list(Issue.objects.filter(pk__in=ids, merged_into__isnull=False))
        canonical = set(ids) - {i.pk for i in merged}
        recount: set[int] = set()
        for issue in merged:
            final = issue_canonical(issue)
            if Signal.objects.filter(issue=issue).update(issue=final):
                recount |= {issue.pk, final.pk}
            canonical.add(final.pk)
        # Issues with merged-away parts: the clusterer's running counters miss the moved signals.
        recount |= set(
            Issue.objects.filter(pk__in=canonical, merged_from__isnull=False).values_list("pk", flat=True)
        )
        if recount:
            issues_rebuild_aggregates(recount)
    if refresh:
        from ..tasks import issues_refresh_hotness_task

        wanted = sorted(canonical)
        # A task, not a call: a citizen's report (web form, Open311) is answered without waiting
        # for hotness, forecast and alerts, which took as long as storing the report. The
        # task worker (`duluan manage db_worker`, started by `duluan demo`) runs it within
        # seconds; with the immediate backend (tests) it runs here, as before.
        when = now.isoformat() if now is not None else None
        transaction.on_commit(lambda: issues_refresh_hotness_task.enqueue(now=when, issue_ids=wanted))
    return sorted(canonical)


def corrections_replay(*, actor=None) -> int:
    """Re-apply every merge and split to the current issues (after the clusterer was rebuilt).

    A merge joins the issues that now hold its signals with the issue holding its anchor signal;
    a split gathers its signals into an issue of their own again. Corrections already in force
    change nothing. Returns the number of corrections that changed something.
    """
    changed = 0
    for corr in Correction.objects.filter(kind__in=[CorrectionKind.MERGE, CorrectionKind.SPLIT]).order_by(
        "created_at", "pk"
    ):
        ids = list(corr.signal_ids or [])
        if not ids:
            continue
        holders = set(
            Signal.objects.filter(pk__in=ids, issue__isnull=False)
            .values_list("issue_id", flat=True)
            .distinct()
        )
        if corr.kind == CorrectionKind.MERGE:
            anchor = (
                Signal.objects.filter(pk=corr.anchor_signal_id).values_list("issue_id", flat=True).first()
            )
            if anchor is None:
                continue
            target = issue_canonical(Issue.objects.get(pk=anchor))
            for pk in sorted(holders - {target.pk}):
                source = Issue.objects.get(pk=pk)
                if source.merged_into_id is None:
                    issue_merge(source=source, target=target, actor=actor, reason=f"replay #{corr.pk}")
                    changed += 1
        else:
            outside = Signal.objects.filter(issue_id__in=holders).exclude(pk__in=ids).exists()
            if len(holders) == 1 and not outside:
                continue
            with transaction.atomic():
                new = Issue.objects.create(
                    title=corr.after.get("title") or corr.issue.title,
                    title_confirmed=True,
                    topic=corr.issue.topic,
                    search_key=search_key(corr.after.get("title") or ""),
                )
                Signal.objects.filter(pk__in=ids).update(issue=new)
                issues_rebuild_aggregates(holders | {new.pk})
                audit_record(
                    action="issues.corrections_replay",
                    actor=actor,
                    obj=new,
                    after={"correction": corr.pk, "signals": len(ids)},
                )
            changed += 1
    return changed
