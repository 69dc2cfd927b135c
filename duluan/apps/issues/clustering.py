"""Assign signals to issues with the engine's online clusterer, resuming from its saved state.

Owned by intake (the write path calls it); the issues app builds hotness, merges and reports on
the rows written here.

The clusterer's state lives in :class:`~duluan.apps.issues.models.ClustererState` (one row per
scope). A :class:`ClusteringSession` loads it once (locking the row, so two writers cannot
interleave and both save), assigns any number of batches, and saves it back; the same input order
always gives the same issues. A bulk import's session is ``resumable``: it clusters each batch in
a transaction of its own and locks the row again for the next (:meth:`ClusteringSession.resume`),
so other writers get the lock between batches. An issue is found again by ``cluster_key`` =
``"<state row id>:<cluster id>"`` — cluster ids never repeat within one state.

As in ``duluan analyze``, a copy of a signal (exact, or in its near-duplicate group) joins its
original's issue while that is open, however far the issue has drifted from it (the state
remembers recent signals by :func:`signal_stream_id`), and a signal naming a ward may join an
issue about its city or province (either scheme).

Titles: an issue is named after its most representative signal (:meth:`ClusteringSession._represent`,
:mod:`duluan.apps.issues.titles`) unless an official named it.

Aggregates written per batch: :class:`Issue` (counts, first/last seen, negative share, mean
intensity, distinct sources and places, units, summary terms, search key) and :class:`IssueDay`
(per local day: count, negatives, intensity sum, distinct sources and places). Distinct counts
are exact: the session keeps the sets for open clusters and reads them back from the signals
for an issue it meets for the first time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from duluan.analysis.cluster import (
    DEFAULT_SIMILARITY_THRESHOLD,
    Cluster,
    ClusterDoc,
    OnlineClusterer,
    document_terms,
    fold_term_weights,
    name_flags,
    series_day,
    summary_phrases_many,
    term_codes,
    term_spellings,
)
from duluan.analysis.frames import letter_view
from duluan.analysis.normalise import fold
from duluan.analysis.pipeline import copy_joins, place_keys, tokenise
from duluan.apps.audit.services import audit_record
from duluan.apps.core.bulk import (
    bulk_add,
    bulk_insert,
    bulk_update_by_pk,
    bulk_upsert,
    instance_factory,
    json_as_written,
)
from duluan.apps.core.text import search_key

from .models import ClustererState, Issue, IssueDay
from .titles import ISSUE_TITLE_MAX, term_profile, title_from_signal, title_from_terms

logger = logging.getLogger(__name__)
DEFAULT_SCOPE = "default"
# (database alias, database name, scope) -> (updated_at of the saved state, the clusterer)
_CACHE: dict[tuple[str, str, str], tuple[Any, OnlineClusterer]] = {}
TITLE_MAX = ISSUE_TITLE_MAX
SUMMARY_TERMS = 8
# The running counts of an issue-day, rewritten on each batch that touches the day.
_DAY_COUNTS = ("count", "negative", "intensity_sum", "sources", "places")


@dataclass
class _IssueAgg:
    """Running aggregates of one issue while its cluster is open."""

    issue: Issue
    negatives: int
    intensity_sum: float
    sources: set[str]
    units: set[int]
    from_db: bool = False
    # Profile of the signal the title comes from: a dict, or as an import's worker sent it, orjson's
    # JSON of the dict, decoded only when a later signal of the issue has to be compared with it.
    representative: dict[str, float] | bytes | None = None
    title_key: tuple[str, str] | None = None  # a title and its search key, made once per title
    # The clusterer's terms are folded ("ngap ung"): how the issue's texts write them with
    # diacritics (term_spellings), and the text of a representative not read for that yet.
    spellings: dict[str, str] = field(default_factory=dict)
    unread_text: str | None = None
    # The representative's text (the title of an issue read from the database), along which the
    # issue's terms are read as phrases (summary_phrases).
    phrase_text: str | None = None
    # The texts of the issue's signals of this batch: along which the terms its representative
    # does not write are read as phrases, and read for spellings, in stream order, only while a
    # term has none.
    batch_texts: list[str] = field(default_factory=list)

    def other_texts(self) -> list[str]:
        """The texts of the issue's signals of this batch but its representative's."""
        return [text for text in self.batch_texts if text != self.phrase_text]


@dataclass
class _DayAgg:
    count: int = 0
    negative: int = 0
    intensity_sum: float = 0.0
    sources: set[str] = field(default_factory=set)
    units: set[int] = field(default_factory=set)
    exists: bool = False


def _unspelled(term: str, spellings: dict[str, str]) -> bool:
    """Whether ``term`` (a folded term, or a phrase as a text writes it) has letters without
    diacritics and no spelling yet (see :func:`_spelled`)."""
    return term == fold(term) and not term.replace(" ", "").isdigit() and term == _spelled(term, spellings)


def _spelled(term: str, spellings: dict[str, str]) -> str:
    """``term`` as the issue's texts write it (:func:`~duluan.analysis.cluster.term_spellings`):
    a term by its spelling; a longer phrase written without diacritics syllable by syllable,
    each by the first of its two bigrams that has a spelling (a bigram tells "cống thoát" from
    "công thoát", a syllable alone does not), else as it is."""
    spelled = spellings.get(term)
    if spelled is not None:
        return spelled
    words = term.split(" ")
    if len(words) < 3 or term != fold(term):
        return term
    shown = list(words)
    done = [False] * len(words)
    for i in range(len(words) - 1):
        pair = spellings.get(f"{words[i]} {words[i + 1]}")
        if pair is None:
            continue
        first, _, second = pair.partition(" ")
        if not done[i]:
            shown[i], done[i] = first, True
        if not done[i + 1]:
            shown[i + 1], done[i + 1] = second, True
    return " ".join(shown)


def configured_threshold() -> float:
    """The similarity threshold of this installation's clustering: its setting, else the engine's
    default."""
    return settings.DULUAN_CLUSTER_THRESHOLD or DEFAULT_SIMILARITY_THRESHOLD


def _cluster_number(cluster_id: str) -> int:
    """The number in a cluster id (``"c42"`` → 42), as the engine makes them."""
    return int(cluster_id.removeprefix("c"))


def _source_of(signal) -> str:
    return f"{signal.channel}:{signal.source}" if signal.source else signal.channel


def _local_day(moment) -> date:
    """The platform's calendar day of ``moment`` (the default time zone, whatever zone a request
    activated: an issue's days must not depend on who triggered the write)."""
    return moment.astimezone(timezone.get_default_timezone()).date() if moment.tzinfo else moment.date()


def signal_stream_id(channel: str, key: str, pk: int | None = None) -> str:
    """A signal's id in the stream of signals: its channel and key (``external_id``), as the
    near-duplicate index names it (``near_duplicate_group`` holds 64 characters), and as the
    clusterer remembers it for the copies that join its cluster (``ClusterDoc.joins``). A row
    without a key (none the write path stores) by its ``pk``."""
    return f"{channel}:{key}"[-64:] if key else str(pk)


def signal_stream_ids(pks: Iterable[int]) -> dict[int, str]:
    """The stream id (:func:`signal_stream_id`) of each stored signal of ``pks``, by its id."""
    from duluan.apps.intake.models import Signal

    pks = list(dict.fromkeys(pks))
    found: dict[int, str] = {}
    for start in range(0, len(pks), 5000):
        rows = Signal.objects.filter(pk__in=pks[start : start + 5000]).values_list(
            "pk", "channel", "external_id"
        )
        found.update((pk, signal_stream_id(channel, key, pk)) for pk, channel, key in rows)
    return found


def _gazetteer() -> Any:
    """The gazetteer intake reads places with (both schemes, from the installed unit data)."""
    from duluan.apps.intake.analysis import home_gazetteer

    return home_gazetteer()


def stored_content(text_masked: str | None) -> str:
    """What the analysis compared of a stored signal (:attr:`~duluan.analysis.pipeline.Document.content`):
    its stored text (``Signal.text_masked``, the normalised one) without its letter's frame."""
    masked = text_masked or ""
    return (letter_view(masked) or (masked, masked))[1]


def _cluster_doc(signal, analysis: Any = None, joins: str | None = None) -> ClusterDoc:
    """What the clusterer needs: from the analysis when the write path has it, else the row;
    ``joins`` the stream id of the earlier signal whose issue it joins (see
    :meth:`ClusteringSession.assign`)."""
    if analysis is not None and analysis.terms is not None:
        # The model's best guess that is not the signal's topic (its runner-up, or its first
        # choice when the sender chose another topic): the clusterer looks in that topic's
        # issues too, as `duluan analyze` does.
        model = analysis.topic or {}
        other = next(
            (t for t in (model.get("label"), model.get("runner_up")) if t and t != signal.topic), None
        )
        return ClusterDoc(
            id=signal_stream_id(signal.channel, signal.external_id, signal.pk),
            terms=analysis.terms,
            topic=signal.topic or None,
            places=analysis.place_codes,
            within=analysis.place_within,
            created_at=signal.created_at,
            codes=analysis.term_codes,
            other_topic=other,
            series_day=analysis.series_day,
            names=analysis.names,
            joins=joins,
        )
    content = stored_content(signal.text_masked)
    terms = document_terms(tokenise(content))
    codes = term_codes(list(terms))
    # Its stored places with their counterparts in the other scheme, as the analysis gives them.
    places, within = place_keys(
        _gazetteer(), [(p.get("scheme"), p.get("code")) for p in (signal.places or [])]
    )
    return ClusterDoc(
        id=signal_stream_id(signal.channel, signal.external_id, signal.pk),
        terms=terms,
        topic=signal.topic or None,
        places=places,
        within=within,
        created_at=signal.created_at,
        codes=codes,
        names=name_flags(content, codes),
        series_day=series_day(
            f"{signal.title}\n{signal.text_masked or ''}" if signal.title else signal.text_masked or ""
        ),
        joins=joins,
    )


class ClusteringSession:
    """The clusterer and the open issues' aggregates for one writer (use inside a transaction).

    Args:
        scope: Which saved state to continue (one per scope).
        clusterer: A fresh clusterer to start from when no state is saved (its parameters but
            the similarity threshold, which is the installation's: :func:`configured_threshold`).
    """

    def __init__(
        self, scope: str = DEFAULT_SCOPE, clusterer: OnlineClusterer | None = None, *, resumable: bool = False
    ) -> None:
        row, _ = ClustererState.objects.get_or_create(scope=scope)
        self.scope = scope
        self.resumable = resumable
        self.interleaved = False  # another writer clustered between two of this session's batches
        self._lock(row.pk)
        self.prefix = f"{self.row.pk}:"
        connection = transaction.get_connection()
        self.cache_key = (connection.alias, str(connection.settings_dict["NAME"]), scope)
        self.version = self.row.updated_at  # of the state this session's clusterer stands for
        self.changed = False
        self._fresh = clusterer
        self._clusterer: OnlineClusterer | None = None
        self._issues: dict[str, _IssueAgg] = {}  # cluster id -> aggregates (open clusters only)
        self._days: dict[str, dict[date, _DayAgg]] = {}  # cluster id -> local day -> aggregates
        # Issues this session inserted in the current transaction: nobody else can see them yet,
        # so nobody can have merged them (see the import's after_batch).
        self.created_in_transaction: set[int] = set()

    def _lock(self, pk: int) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("ClusteringSession must be used inside transaction.atomic()")
        # Lock the row for the rest of the transaction: one writer clusters at a time. The state
        # itself (megabytes when many issues are open) is read on the first assignment only.
        self.row = ClustererState.objects.select_for_update().defer("state").get(pk=pk)

    def resume(self) -> None:
        """Lock the state again in a new transaction, to cluster the next batch of a long run.

        A bulk import clusters each batch in a transaction of its own, so the lock is free
        between batches and web submissions are not held up for the whole file. When another
        writer saved the state meanwhile, this session's clusterer and running aggregates are out
        of date: they are dropped and read again (the other writer's signals were clustered
        first, as they committed first — the order stays the one the state saw). Only a session
        made with ``resumable=True`` may resume (it keeps its clusterer to itself in between).
        """
        if not self.resumable:
            raise RuntimeError("only a resumable ClusteringSession may resume")
        self._lock(self.row.pk)
        self.changed = False
        self.created_in_transaction = set()
        if self.row.updated_at != self.version:
            self.interleaved = True
            self.version = self.row.updated_at
            self._clusterer = None
            self._issues.clear()
            self._days.clear()

    @property
    def clusterer(self) -> OnlineClusterer:
        if self._clusterer is None:
            # The clusterer this process saved last, if nobody saved another since: reading and
            # parsing the state (megabytes) is then skipped. It is taken out of the cache while
            # in use and put back only when the transaction commits, so a rollback cannot leave
            # a clusterer in memory that the database does not have.
            cached = _CACHE.pop(self.cache_key, None)
            if cached is not None and cached[0] == self.row.updated_at:
                self._clusterer = cached[1]
            else:
                state = ClustererState.objects.values_list("state", flat=True).get(pk=self.row.pk)
                if state:
                    self._clusterer = OnlineClusterer.from_state(state)
                    self._configure(self._clusterer)
                else:
                    self._clusterer = self._fresh or OnlineClusterer()
                    self._clusterer.similarity_threshold = configured_threshold()
        return self._clusterer

    def _configure(self, clusterer: OnlineClusterer) -> None:
        """Move a saved state to the configured similarity threshold, recording the change.

        A state resumes with the parameters it was saved with, so without this an installation
        would keep the threshold of the version that started it (0.35 before the clustering gold
        set chose 0.22) however often it is upgraded. The open issues keep their signals; only
        the signals to come are compared against the new threshold.
        """
        target = configured_threshold()
        before = clusterer.similarity_threshold
        if before == target:
            return
        clusterer.similarity_threshold = target
        self.changed = True  # saved with the batch that loaded it
        audit_record(
            action="issues.clustering_threshold",
            obj=self.row,
            before={"similarity_threshold": before},
            after={"similarity_threshold": target},
            reason="DULUAN_CLUSTER_THRESHOLD" if settings.DULUAN_CLUSTER_THRESHOLD else "engine default",
        )
        logger.info("clustering state %s: similarity threshold %s -> %s", self.scope, before, target)

    # -- assignment ---------------------------------------------------------------------------

    def assign(
        self,
        signals: Sequence[Any],
        analyses: Sequence[Any] | None = None,
        joins: Sequence[str | None] | None = None,
    ) -> list[Issue]:
        """Assign each signal (saved or not) to an issue, count it in, and write the issues.

        Sets ``signal.issue``; creates new issues and updates the aggregates of the others
        (:class:`Issue`, its units, :class:`IssueDay`). Signals need no id: the write path
        calls this before inserting them, so each row is written once, with its issue.

        Args:
            signals: Signals in stream order.
            analyses: The intake analyses of the same signals (terms, place codes), if at hand.
            joins: For each signal, the stream id (:func:`signal_stream_id`) of the earlier one
                whose issue it joins whatever their similarity, topics and places
                (:func:`~duluan.analysis.pipeline.copy_joins`: its original when it is an exact
                copy, else the first of its near-duplicate group), or ``None``. It joins while
                that issue's cluster is open and within the window, as ``duluan analyze`` puts a
                copy in its original's cluster (``ClusterDoc.joins``); so does the copy of a
                text without words, which resembles nothing.

        Returns:
            The issue of each signal, in order.
        """
        if not signals:
            return []
        self.changed = True
        if analyses is None:
            analyses = [None] * len(signals)
        if joins is None:
            joins = [None] * len(signals)
        clusterer = self.clusterer
        opened_from = clusterer.next_id_  # clusters numbered from here on are opened by these signals
        cluster_ids = []
        # Per signal: its vector and the centroid it joined, as they were right after it joined,
        # so the representative is chosen signal by signal whatever the batches (_represent).
        moments: list[tuple[dict[str, float] | bytes, dict[str, float]]] = []
        # Each cluster as it stood after its last signal of the batch: one that closes before the
        # batch is counted (a later signal past its window) is still described by it.
        clusters: dict[str, Cluster | None] = {}
        docs = [_cluster_doc(s, a, j) for s, a, j in zip(signals, analyses, joins, strict=True)]
        for doc, vector, a in zip(docs, clusterer.vectorise_many(docs), analyses, strict=True):
            cid = clusterer.assign(doc, vector)
            cluster_ids.append(cid)
            cluster = clusters[cid] = clusterer.get(cid)
            # The profile an import's worker made from the same terms, when it did (as JSON).
            profile = getattr(a, "profile", None)
            if profile is None:
                profile = term_profile(doc.terms)
            # A cluster this signal opened is a new issue's, whose first signal becomes its
            # representative without a comparison: its centroid need not be copied.
            centroid = dict(cluster.weights) if cluster is not None and cluster.size > 1 else {}
            moments.append((profile, centroid))
        if self.resumable:
            self._drop_changed(cluster_ids)
        self._ensure_issues(cluster_ids, signals, opened_from)
        self._represent(signals, cluster_ids, moments, [getattr(a, "issue_title", None) for a in analyses])
        self._count(signals, cluster_ids, clusters)
        out = []
        for signal, cid in zip(signals, cluster_ids, strict=True):
            signal.issue = self._issues[cid].issue
            out.append(signal.issue)
        self._forget_closed()
        return out

    def _drop_changed(self, cluster_ids: list[str]) -> None:
        """Forget the running aggregates of issues someone else changed since this session wrote
        them (an official's merge, split, rename or topic between two batches of an import), so
        they are read again instead of overwriting that change."""
        held = {self._issues[c].issue.pk: c for c in dict.fromkeys(cluster_ids) if c in self._issues}
        held.pop(None, None)
        if not held:
            return
        fields = ("signal_count", "title", "title_confirmed", "topic", "merged_into_id")
        pks = list(held)
        same: set[int] = set()
        for start in range(0, len(pks), 5000):
            for pk, *values in Issue.objects.filter(pk__in=pks[start : start + 5000]).values_list(
                "pk", *fields
            ):
                mine = self._issues[held[pk]].issue
                if tuple(values) == tuple(getattr(mine, f) for f in fields):
                    same.add(pk)
        for pk, cid in held.items():
            if pk not in same:
                del self._issues[cid]
                self._days.pop(cid, None)

    def _ensure_issues(self, cluster_ids: list[str], signals: Sequence[Any], opened_from: int) -> None:
        """Hold the issue of each cluster: read it (and its distinct sources, units, negatives)
        when it is stored, else make it. A cluster numbered from ``opened_from`` on was opened by
        these signals and has no issue yet — cluster numbers never repeat within a state (see
        :func:`~duluan.apps.intake.imports.signals_import_undo`) — so only older ones are looked
        up: on news leads nearly every signal opens its own, and looking up 2,000 keys a batch that
        none of them had was a query on the import's critical path."""
        wanted = list(dict.fromkeys(c for c in cluster_ids if c not in self._issues))
        if not wanted:
            return
        keys = {self.prefix + c: c for c in wanted}
        existing: dict[str, Issue] = {}
        key_list = [key for key, c in keys.items() if _cluster_number(c) < opened_from]
        for start in range(0, len(key_list), 5000):
            for issue in Issue.objects.filter(cluster_key__in=key_list[start : start + 5000]):
                existing[issue.cluster_key] = issue
        # Issues met for the first time in this session: read their distinct sources and units.
        found_ids = [i.pk for i in existing.values()]
        sources: dict[int, set[str]] = {pk: set() for pk in found_ids}
        units: dict[int, set[int]] = {pk: set() for pk in found_ids}
        negatives: dict[int, int] = dict.fromkeys(found_ids, 0)
        if found_ids:
            from duluan.apps.intake.models import Signal

            rows = Signal.objects.filter(issue_id__in=found_ids).values_list(
                "issue_id", "channel", "source", "unit_id", "sentiment"
            )
            for issue_id, channel, source, unit_id, sentiment in rows.iterator(chunk_size=5000):
                sources[issue_id].add(f"{channel}:{source}" if source else channel)
                if unit_id:
                    units[issue_id].add(unit_id)
                if sentiment == "negative":
                    negatives[issue_id] += 1
        first_signal: dict[str, Any] = {}
        for signal, cid in zip(signals, cluster_ids, strict=True):
            first_signal.setdefault(cid, signal)
        make_issue = instance_factory(Issue)
        for key, cid in keys.items():
            issue = existing.get(key)
            if issue is None:
                first = first_signal[cid]
                # Titled by _represent, where the first signal is the representative to begin with.
                issue = make_issue(cluster_key=key, title="", topic=first.topic or "")
                self._issues[cid] = _IssueAgg(issue, 0, 0.0, set(), set())
            else:
                # Spellings from what the issue shows already: its summary terms and its title.
                spellings: dict[str, str] = {}
                for term in issue.summary_terms or ():
                    if isinstance(term, str):
                        term_spellings(term.split(), spellings)
                self._issues[cid] = _IssueAgg(
                    issue,
                    negatives[issue.pk],
                    issue.intensity * issue.signal_count,
                    sources[issue.pk],
                    units[issue.pk],
                    from_db=True,
                    representative=_folded_profile(issue.title_vector or {}),
                    spellings=spellings,
                    unread_text=issue.title,
                    phrase_text=issue.title,
                )

    def _represent(self, signals, cluster_ids, moments, lent=None) -> None:
        """Title each issue after its most representative signal (see :mod:`.titles`).

        Signal by signal, in stream order: a signal whose term profile (:func:`~.titles.term_profile`) is
        nearer to its cluster's centroid (as the centroid was just after it joined) than the
        issue's representative's replaces it — the
        same choices whether the stream came in one batch or one signal at a time. Titles an
        official gave are left alone.

        ``lent`` gives per signal, when an import's worker made them, the title it lends
        (:func:`~.titles.title_from_text`, cut to :data:`TITLE_MAX`) and that title's search key.
        """
        if lent is None:
            lent = [None] * len(signals)
        for signal, cid, (vector, centroid), given in zip(signals, cluster_ids, moments, lent, strict=True):
            agg = self._issues[cid]
            issue = agg.issue
            agg.batch_texts.append(signal.text_masked)
            if issue.title_confirmed:
                continue
            held = agg.representative
            if held is not None:
                vector = _profile_dict(vector)
                held = agg.representative = _profile_dict(held)
                if not _dot(vector, centroid) > _dot(held, centroid):
                    continue
            agg.representative = vector
            agg.unread_text = agg.phrase_text = signal.text_masked
            issue.title_vector = self._stored_profile(vector)
            if given is None:
                title = title_from_signal(signal)[:TITLE_MAX]
            else:
                title, key = given
                agg.title_key = (title, key)
            issue.title = title or issue.title

    def _stored_profile(self, profile: dict[str, float] | bytes) -> Any:
        """What to set an issue's ``title_vector`` to for this profile.

        A profile an import's worker sent as JSON goes to the column as those bytes (see
        :func:`~duluan.apps.core.bulk.json_as_written`): on news leads, where nearly every signal
        opens an issue and so becomes its representative, the writer neither unpickles the dict
        nor encodes it again (3.8 and 1.0 µs for a 32-term profile, 2026-11-30)."""
        if type(profile) is not bytes:
            return profile
        return json_as_written(_TITLE_VECTOR, profile, transaction.get_connection())

    @cached_property
    def _stickiness(self) -> Callable[[list[str], list[str]], Any] | None:
        """The topic model's stickiness of syllables (:attr:`~duluan.apps.intake.analysis.
        IntakePipeline.stickiness`), of the pipeline this process analyses with."""
        from duluan.apps.intake.analysis import intake_pipeline

        return intake_pipeline(refresh=False).stickiness

    def _describe_many(self, aggs: list[_IssueAgg], clusters: list[Cluster | None]) -> None:
        """:meth:`_describe` each issue by its cluster (closed since, maybe; ``None``: none), the
        key words of them all read as phrases by one call of the engine
        (:func:`summary_phrases_many`)."""
        terms = [None if cluster is None else cluster.summary_terms(SUMMARY_TERMS) for cluster in clusters]
        asked = [k for k, agg in enumerate(aggs) if terms[k] is not None and agg.phrase_text]
        phrases: list[list[str] | None] = [None] * len(aggs)
        if asked:
            # Along the representative's text, then the issue's other signals of the batch.
            items = [(terms[k], [aggs[k].phrase_text, *aggs[k].other_texts()]) for k in asked]
            read = summary_phrases_many(items, self.clusterer.document_frequencies, self._stickiness)
            for k, found in zip(asked, read, strict=True):
                phrases[k] = found
        for k, (agg, cluster) in enumerate(zip(aggs, clusters, strict=True)):
            self._describe(agg, cluster, terms[k], phrases[k])

    def _describe(
        self, agg: _IssueAgg, cluster: Cluster | None, terms: list[str] | None, phrases: list[str] | None
    ) -> None:
        """Name the issue by its cluster's strongest ``terms`` (``None`` without a cluster),
        read as the ``phrases`` its representative writes them in (``None``: it has no text to
        read them along), and title it by them when nothing else titles it."""
        issue = agg.issue
        if cluster is not None:
            spellings = agg.spellings
            if agg.unread_text and any(t not in spellings for t in terms):
                # Read once per representative, and only when a term needs it.
                term_spellings(tokenise(agg.unread_text), spellings)
                agg.unread_text = None
            if phrases is not None:
                terms = phrases
            # A representative typed without diacritics writes its phrases so: the issue's other
            # signals of the batch may spell them (each read once, only while one has no spelling).
            # (Not the representative's: its phrases are already written as it writes them.)
            others = agg.other_texts()
            missing = [t for t in terms if _unspelled(t, spellings)] if others else ()
            for text in others:
                if not missing:
                    break
                term_spellings(tokenise(text), spellings)
                missing = [t for t in missing if _unspelled(t, spellings)]
            issue.summary_terms = [_spelled(t, spellings) for t in terms]
            if cluster.topic and not issue.topic:
                issue.topic = cluster.topic
        agg.batch_texts.clear()  # (a long import's session keeps its issues between batches)
        if not issue.title and issue.summary_terms:  # a signal with no words of its own to lend
            issue.title = title_from_terms(issue.summary_terms)
        issue.search_key = _issue_search_key(agg, issue.title, issue.summary_terms)

    # -- aggregates ---------------------------------------------------------------------------

    def _count(
        self, signals: Sequence[Any], cluster_ids: list[str], clusters: Mapping[str, Cluster | None]
    ) -> None:
        """Count signals into their issues and issue-days, then write both (each issue described
        by its cluster in ``clusters``, as it stood after the batch's signals joined it)."""
        days = [_local_day(s.created_at) for s in signals]
        self._load_days(cluster_ids, days)
        touched: dict[str, None] = {}
        new_links: list[tuple[str, int]] = []
        days_touched: dict[tuple[str, date], None] = {}
        for s, cid, local_day in zip(signals, cluster_ids, days, strict=True):
            agg = self._issues[cid]
            issue = agg.issue
            touched[cid] = None
            neg = s.sentiment == "negative"
            intensity = s.intensity or 0.0
            src = _source_of(s)
            agg.negatives += neg
            agg.intensity_sum += intensity
            agg.sources.add(src)
            if s.unit_id and s.unit_id not in agg.units:
                agg.units.add(s.unit_id)
                new_links.append((cid, s.unit_id))
            issue.signal_count += 1
            if issue.first_seen is None or s.created_at < issue.first_seen:
                issue.first_seen = s.created_at
            if issue.last_seen is None or s.created_at > issue.last_seen:
                issue.last_seen = s.created_at
            days_touched[(cid, local_day)] = None
            day = self._days[cid][local_day]
            day.count += 1
            day.negative += neg
            day.intensity_sum += intensity
            day.sources.add(src)
            if s.unit_id:
                day.units.add(s.unit_id)
        now = timezone.now()
        created, updated, aggs = [], [], []
        for cid in touched:
            agg = self._issues[cid]
            issue = agg.issue
            issue.negative_share = agg.negatives / issue.signal_count
            issue.intensity = agg.intensity_sum / issue.signal_count
            issue.source_count = len(agg.sources)
            issue.place_count = len(agg.units)
            issue.updated_at = now
            aggs.append(agg)
        self._describe_many(aggs, [clusters[cid] for cid in touched])
        for agg in aggs:
            (updated if agg.issue.pk else created).append(agg.issue)
        if created:
            bulk_insert(Issue, created)
            self.created_in_transaction.update(issue.pk for issue in created)
        if updated:
            _update_issues(updated)
        if new_links:
            # An issue this transaction created has no links but those it writes now.
            fresh = self.created_in_transaction
            links = [(self._issues[cid].issue.pk, u) for cid, u in new_links]
            through, names = Issue.units.through, ("issue", "adminunit")
            bulk_add(through, names, [link for link in links if link[0] in fresh])
            older = [link for link in links if link[0] not in fresh]
            bulk_upsert(through, names, older, unique=names)
        self._write_days(list(days_touched))

    def _load_days(self, cluster_ids: list[str], days: list[date]) -> None:
        """Read back the days of issues met for the first time in this session (exact distincts).

        ``days`` are the signals' local days, in the order of ``cluster_ids``.
        """
        missing: dict[tuple[str, date], None] = {}
        for cid, day in zip(cluster_ids, days, strict=True):
            by_day = self._days.get(cid)
            if by_day is None:
                by_day = self._days[cid] = {}
            if day not in by_day:
                by_day[day] = _DayAgg()
                if self._issues[cid].from_db:
                    missing[(cid, day)] = None
        if not missing:
            return
        cid_of = {self._issues[cid].issue.pk: cid for cid, _ in missing}
        days = {d for _, d in missing}
        existing = IssueDay.objects.filter(issue_id__in=list(cid_of), day__in=days).values_list(
            "issue_id", "day", "count", "negative", "intensity_sum"
        )
        found = set()
        for issue_id, day, count, negative, intensity_sum in existing:
            key = (cid_of[issue_id], day)
            if key in missing:
                agg = self._days[key[0]][day]
                agg.count, agg.negative, agg.intensity_sum, agg.exists = count, negative, intensity_sum, True
                found.add(issue_id)
        if found:
            from duluan.apps.intake.models import Signal

            rows = Signal.objects.filter(issue_id__in=found).values_list(
                "issue_id", "created_at", "channel", "source", "unit_id"
            )
            for issue_id, created_at, channel, source, unit_id in rows.iterator(chunk_size=5000):
                key = (cid_of[issue_id], _local_day(created_at))
                agg = self._days.get(key[0], {}).get(key[1])
                if key in missing and agg is not None and agg.exists:
                    agg.sources.add(f"{channel}:{source}" if source else channel)
                    if unit_id:
                        agg.units.add(unit_id)

    def _write_days(self, keys: list[tuple[str, date]]) -> None:
        """Write the touched days: added when new to an issue this transaction created (nobody
        else can have written it), upserted otherwise."""
        fresh = self.created_in_transaction
        added, upserted = [], []
        for cid, day in keys:
            agg = self._days[cid][day]
            counts = (agg.count, agg.negative, agg.intensity_sum, len(agg.sources), len(agg.units))
            pk = self._issues[cid].issue.pk
            (upserted if agg.exists or pk not in fresh else added).append((pk, day, *counts))
            agg.exists = True
        names = ("issue", "day", *_DAY_COUNTS)
        bulk_add(IssueDay, names, added)
        bulk_upsert(IssueDay, names, upserted, unique=("issue", "day"), update=_DAY_COUNTS)

    def _forget_closed(self) -> None:
        """Drop aggregates of issues whose cluster closed: no signal can join them again."""
        open_ids = {c.id for c in self.clusterer.active()}
        for cid in [cid for cid in self._issues if cid not in open_ids]:
            del self._issues[cid]
            self._days.pop(cid, None)  # its days with it, without a pass over every held day

    # -- persistence --------------------------------------------------------------------------

    def save(self) -> None:
        """Write the clusterer's state back (inside the same transaction), if it changed."""
        if not self.changed:
            return
        now = timezone.now()
        # The compact format (2): with 10,000 open clusters a save costs 179 ms instead of 500 and
        # a load 270 ms instead of 395 (measured with the engine's change, 0ebf80c); an import that
        # another writer waits for saves after every batch of 2,000.
        state = self.clusterer.state(compact=True)
        ClustererState.objects.filter(pk=self.row.pk).update(state=state, updated_at=now)
        self.version = now
        if self.resumable:
            # Kept by this session only: another writer in this process must not change the
            # object between two of its batches (nor keep one that a failed batch changed).
            return
        key, clusterer = self.cache_key, self.clusterer
        transaction.on_commit(lambda: _CACHE.__setitem__(key, (now, clusterer)))


_TITLE_VECTOR = Issue._meta.get_field("title_vector")

_UPDATED_FIELDS = (
    "title",
    "title_vector",
    "topic",
    "first_seen",
    "last_seen",
    "signal_count",
    "negative_share",
    "intensity",
    "source_count",
    "place_count",
    "summary_terms",
    "search_key",
    "updated_at",
)


def _issue_search_key(agg: _IssueAgg, title: str, terms: Sequence[str]) -> str:
    """``search_key(f"{title} {' '.join(terms)}")``, with the title's key made once per title.

    The key of a text is that of its space-separated parts joined by a space (empty ones left
    out): NFC, folding, lower case and the punctuation rule all work within a part, as no
    character composes or changes case across a space — except that one character, "İ",
    lower-cases to two, and the folding then keeps every character of the text as it is, so a
    title with it takes the whole text's key. The title's key comes from an import's worker, or
    is made here when the title changes; an issue's title changes far less often than its
    summary terms. Tested against the definition.
    """
    if "\u0130" in title:
        return search_key(f"{title} {' '.join(terms)}")
    known = agg.title_key
    if known is not None and known[0] == title:
        head = known[1]
    else:
        head = search_key(title)
        agg.title_key = (title, head)
    tail = search_key(" ".join(terms))
    return f"{head} {tail}" if head and tail else head or tail


def _profile_dict(profile: dict[str, float] | bytes) -> dict[str, float]:
    """A term profile as a dict (an import's worker sends it as orjson's JSON: floats read back
    bit for bit)."""
    return orjson.loads(profile) if type(profile) is bytes else profile


def _folded_profile(profile: dict[str, float]) -> dict[str, float]:
    """A stored term profile with folded terms, as the clusterer's centroids have them.

    Profiles stored before terms were folded have accented terms, which no centroid has any
    more: compared as they are, every old issue would take the next signal as its representative
    and change its title. Folded here when read (:func:`~duluan.analysis.cluster.fold_term_weights`,
    scaled back to unit length), they compare as before; a profile already folded is the same.
    """
    merged = fold_term_weights(profile)
    if merged.keys() == profile.keys():
        return dict(profile)
    norm = math.sqrt(math.fsum([w * w for w in merged.values()]))
    return {t: w / norm for t, w in merged.items()} if norm > 0 else {}


def _dot(vector: dict[str, float], weights: dict[str, float]) -> float:
    """Unnormalised cosine: the centroid's norm is the same for every signal compared with it."""
    if len(weights) < len(vector):
        vector, weights = weights, vector
    # fsum is exact, so the order of the terms cannot change a comparison.
    return math.fsum([w * weights[t] for t, w in vector.items() if t in weights])


def _update_issues(issues: list[Issue]) -> None:
    """Write the aggregates of existing issues (see :func:`~duluan.apps.core.bulk.bulk_update_by_pk`)."""
    qn = transaction.get_connection().ops.quote_name
    # An official's rename committed since the issue was read wins: its title is kept.
    confirmed = qn(Issue._meta.get_field("title_confirmed").column)
    sets = {
        name: f"CASE WHEN {confirmed} THEN {qn(Issue._meta.get_field(name).column)} ELSE %s END"
        for name in ("title", "title_vector")
    }
    bulk_update_by_pk(issues, _UPDATED_FIELDS, sets=sets)


def signals_assign_to_issues(signals: Sequence[Any], *, scope: str = DEFAULT_SCOPE) -> list[Issue]:
    """Assign saved signals to issues (one session: load the state, assign, aggregate, save).

    Args:
        signals: Saved :class:`~duluan.apps.intake.models.Signal` rows, in stream order.
        scope: Which clusterer state to continue.

    Returns:
        The issue of each signal, in order; ``signal.issue`` is saved too.
    """
    from duluan.apps.intake.models import Signal

    with transaction.atomic():
        session = ClusteringSession(scope)
        # Each joins its original's issue, or its near-duplicate group's, as on the write path.
        originals = signal_stream_ids(s.duplicate_of_id for s in signals if s.duplicate_of_id)
        joins = [
            copy_joins(
                signal_stream_id(s.channel, s.external_id, s.pk),
                originals.get(s.duplicate_of_id),
                s.near_duplicate_group,
            )
            for s in signals
        ]
        issues = session.assign(signals, joins=joins)
        by_issue: dict[int, list[int]] = {}
        for signal in signals:
            by_issue.setdefault(signal.issue_id, []).append(signal.pk)
        for issue_id, pks in by_issue.items():
            Signal.objects.filter(pk__in=pks).update(issue_id=issue_id)
        session.save()
        from .services import issues_after_ingest

        issues_after_ingest(issue_ids=by_issue)  # merges kept now, hotness once committed
    return issues


def clusterer_states_forget(terms: Mapping[str, Iterable[str]]) -> int:
    """Take terms out of the open clusters of issues, by their ``cluster_key``; the number of
    clusters that held any (see :meth:`~duluan.analysis.cluster.OnlineClusterer.forget_terms`).

    For words a signal no longer says once read again with a better masker (its writer's name):
    the saved state would keep them among a cluster's terms, and issues described by it later
    would show them again. Call it in a transaction holding the states
    (:func:`~duluan.apps.issues.services.clusterer_states_lock`). A state that changes is saved
    with a new ``updated_at``, so no process resumes from the clusterer it had in memory.
    """
    by_row: dict[int, dict[str, set[str]]] = {}
    for key, words in terms.items():
        row, _, cluster_id = (key or "").partition(":")
        words = set(words)
        if row.isdigit() and cluster_id and words:
            by_row.setdefault(int(row), {}).setdefault(cluster_id, set()).update(words)
    forgotten = 0
    for pk, clusters in sorted(by_row.items()):
        state = ClustererState.objects.filter(pk=pk).values_list("state", flat=True).first()
        if not state:
            continue
        clusterer = OnlineClusterer.from_state(state)
        held = sum(clusterer.forget_terms(cluster_id, words) for cluster_id, words in clusters.items())
        if held:
            ClustererState.objects.filter(pk=pk).update(
                state=clusterer.state(compact=True), updated_at=timezone.now()
            )
            forgotten += held
    return forgotten
