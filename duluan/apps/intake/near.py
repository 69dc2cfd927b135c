"""Near-duplicate groups across the processes that store signals.

The write path groups each new signal with the near-duplicates before it
(:class:`~duluan.analysis.dedupe.NearDuplicateIndex`: MinHash LSH, exact Jaccard ≥ 0.8). An index
lives in one process, and several store signals: each web worker, each import, the task worker,
and each of them again after a restart. With an index of its own, a copy of a petition sent
through the web form after the original came in a hotline file, or after the server restarted,
was no near-duplicate of it (issue 3's leftover "each import has its own index"), while
``duluan analyze`` over the same stream groups them.

:class:`StoredNearIndex` keeps the process's index in step with the table before each batch: at
its first batch it brings in the signals stored in the last :data:`WARM_DAYS` days (at most the
index's capacity, the newest), then at each batch those other processes stored since, with the
groups they were given (:meth:`~duluan.analysis.dedupe.NearDuplicateIndex.remember`). Their
syllables are read again from their stored text as the analysis read them (the text without its
letter's frame: :func:`~duluan.apps.issues.clustering.stored_content`). Nothing new is stored:
the signals' own rows are the record.

A signal whose transaction commits after a later one was read (another process's import still
writing while this one stored and read past it, on PostgreSQL, where numbers are handed out before
commit) would be passed over for good: the numbers between the last one read and the newest that
were not there are kept as gaps, looked for again at each batch, and given up after
:data:`GAP_SECONDS` (a rolled-back insert never comes).

Cost (SQLite, 2,000 short reports alike, 2026-12-07): a process's first batch read 2,000 stored
signals back in 31 ms of CPU (16 µs each: at most 50,000, 0.8 s, once per process), a later
batch looked past its own previous 2,000 in 2.1 ms. A 30,000-row import took 17.6-20.7 CPU-s
before and 19.7-21.5 after on a machine shared with other jobs (three and four runs), within
their spread.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import timedelta

import numpy as np
from django.db.models import Max, Q
from django.utils import timezone

from duluan.analysis.dedupe import NearDuplicateIndex, NearDuplicateMatch
from duluan.analysis.pipeline import tokenise
from duluan.apps.issues.clustering import signal_stream_id, stored_content

from .models import Signal

# How far back a process's first batch looks for the signals it may be a copy of: copies come
# days apart, and an issue's window is a week.
WARM_DAYS = 30
_CHUNK = 2000  # signals read back at a time
# How long a number missing below the newest is looked for again: longer than an import's
# transaction is open. At most _MAX_GAPS are kept (the newest); a first batch looks for those
# among the last _FIRST_GAPS numbers only (the older ones are old or gone).
GAP_SECONDS = 3600
_MAX_GAPS = 100_000
_FIRST_GAPS = 1000
# A gap's numbers are asked for as ranges of numbers in a row; past this many, as one range.
_MAX_RANGES = 50


class StoredNearIndex:
    """A near-duplicate index that also knows the signals other processes stored.

    Args:
        index: The index to keep (a new one of ``capacity`` documents by default).
        capacity: How many recent documents the new index compares a signal with.
    """

    def __init__(self, index: NearDuplicateIndex | None = None, *, capacity: int = 50_000) -> None:
        self.index = index if index is not None else NearDuplicateIndex(capacity=capacity)
        self._last_pk: int | None = None  # the newest stored signal the index has been shown
        self._own: set[str] = set()  # stream ids added here that the table has not shown yet
        self._gaps: dict[int, float] = {}  # numbers not there when read past → when first missed

    def add_many(
        self, doc_ids: Sequence[str], shingle_sets: Sequence[np.ndarray], signatures: np.ndarray
    ) -> list[NearDuplicateMatch]:
        """:meth:`~duluan.analysis.dedupe.NearDuplicateIndex.add_many`, after the signals stored
        elsewhere since the last call. Call it inside the transaction that stores these."""
        self._catch_up()
        matches = self.index.add_many(doc_ids, shingle_sets, signatures)
        self._own.update(doc_ids)
        return matches

    def _catch_up(self) -> None:
        newest = Signal.objects.aggregate(top=Max("pk"))["top"] or 0
        if self._last_pk is not None and newest < self._last_pk:
            # Rows removed above the last one seen (a rolled-back test, a restored backup): the
            # index may hold signals that are gone; start again from the table.
            old = self.index
            self.index = NearDuplicateIndex(threshold=old.threshold, capacity=old.capacity, hasher=old.hasher)
            self._last_pk, self._own, self._gaps = None, set(), {}
        # (Up to the newest counted: one stored meanwhile is read at the next batch, once.)
        rows = Signal.objects.filter(pk__lte=newest).order_by("-pk")
        first = self._last_pk is None
        if first:
            rows = rows.filter(received_at__gte=timezone.now() - timedelta(days=WARM_DAYS))
        else:
            rows = rows.filter(pk__gt=self._last_pk)
        # The newest first, as many as the index holds; the stream ids first, to leave out the
        # signals this process stored (the index has them) before their texts are read.
        heads = list(rows.values_list("pk", "channel", "external_id")[: self.index.capacity])
        late = self._gaps_found()
        if first:  # (the signals of before the warm-up's days are there, not gaps)
            low = max(newest - _FIRST_GAPS, 0)
            present = set(Signal.objects.filter(pk__gt=low, pk__lte=newest).values_list("pk", flat=True))
        else:
            low, present = self._last_pk, {pk for pk, _, _ in heads}
            if len(heads) == self.index.capacity:  # (older ones were left out on purpose)
                low = max(low, heads[-1][0])
        self._note_gaps(range(low + 1, newest + 1), present)
        self._last_pk = max(newest, self._last_pk or 0)
        wanted: list[tuple[int, str]] = []
        for pk, channel, key in [*late, *reversed(heads)]:
            stream_id = signal_stream_id(channel, key, pk)
            if stream_id in self._own:
                self._own.discard(stream_id)
            else:
                wanted.append((pk, stream_id))
        hasher = self.index.hasher
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            rows_read = Signal.objects.filter(pk__in=[pk for pk, _ in part]).values_list(
                "pk", "text_masked", "near_duplicate_group"
            )
            stored = {pk: (text, group) for pk, text, group in rows_read}
            kept = [(pk, stream_id) for pk, stream_id in part if pk in stored]
            self.index.remember(
                [stream_id for _, stream_id in kept],
                hasher.shingles_many([tokenise(stored_content(stored[pk][0])) for pk, _ in kept]),
                [stored[pk][1] or stream_id for pk, stream_id in kept],
            )

    def _note_gaps(self, numbers: range, present: set[int]) -> None:
        """Keep the ``numbers`` that are not ``present`` as gaps to look for again."""
        now = time.monotonic()
        for pk in numbers:
            if pk not in present:
                self._gaps.setdefault(pk, now)
        if len(self._gaps) > _MAX_GAPS:
            self._gaps = dict(sorted(self._gaps.items())[-_MAX_GAPS:])

    def _gaps_found(self) -> list[tuple[int, str, str]]:
        """The signals of the gaps that are there now (their gaps closed), oldest first; gaps
        older than :data:`GAP_SECONDS` are given up first."""
        if not self._gaps:
            return []
        since = time.monotonic() - GAP_SECONDS
        self._gaps = {pk: t for pk, t in self._gaps.items() if t >= since}
        if not self._gaps:
            return []  # (an empty Q() would ask for every signal)
        ranges = _ranges(sorted(self._gaps))
        if len(ranges) > _MAX_RANGES:
            ranges = [(ranges[0][0], ranges[-1][1])]
        where = Q()
        for lo, hi in ranges:
            where |= Q(pk__range=(lo, hi))
        found = [
            row
            for row in Signal.objects.filter(where).order_by("pk").values_list("pk", "channel", "external_id")
            if row[0] in self._gaps
        ]
        for pk, _, _ in found:
            del self._gaps[pk]
        return found


def _ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ``numbers`` as ranges of numbers in a row, ``(first, last)``."""
    out: list[tuple[int, int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out
