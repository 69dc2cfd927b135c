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

Cost (SQLite, 2,000 short reports alike, 2026-12-07): a process's first batch read 2,000 stored
signals back in 31 ms of CPU (16 µs each: at most 50,000, 0.8 s, once per process), a later
batch looked past its own previous 2,000 in 2.1 ms. A 30,000-row import took 17.6-20.7 CPU-s
before and 19.7-21.5 after on a machine shared with other jobs (three and four runs), within
their spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from django.db.models import Max
from django.utils import timezone

from duluan.analysis.dedupe import NearDuplicateIndex, NearDuplicateMatch
from duluan.analysis.pipeline import tokenise
from duluan.apps.issues.clustering import signal_stream_id, stored_content

from .models import Signal

# How far back a process's first batch looks for the signals it may be a copy of: copies come
# days apart, and an issue's window is a week.
WARM_DAYS = 30
_CHUNK = 2000  # signals read back at a time


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
            self._last_pk, self._own = None, set()
        # (Up to the newest counted: one stored meanwhile is read at the next batch, once. One
        # whose transaction commits after a later one was read is missed, as by a restart.)
        rows = Signal.objects.filter(pk__lte=newest).order_by("-pk")
        if self._last_pk is None:
            rows = rows.filter(received_at__gte=timezone.now() - timedelta(days=WARM_DAYS))
        else:
            rows = rows.filter(pk__gt=self._last_pk)
        # The newest first, as many as the index holds; the stream ids first, to leave out the
        # signals this process stored (the index has them) before their texts are read.
        heads = list(rows.values_list("pk", "channel", "external_id")[: self.index.capacity])
        self._last_pk = max(newest, self._last_pk or 0)
        wanted: list[tuple[int, str]] = []
        for pk, channel, key in reversed(heads):
            stream_id = signal_stream_id(channel, key, pk)
            if stream_id in self._own:
                self._own.discard(stream_id)
            else:
                wanted.append((pk, stream_id))
        hasher = self.index.hasher
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            found = Signal.objects.filter(pk__in=[pk for pk, _ in part]).values_list(
                "pk", "text_masked", "near_duplicate_group"
            )
            stored = {pk: (text, group) for pk, text, group in found}
            kept = [(pk, stream_id) for pk, stream_id in part if pk in stored]
            self.index.remember(
                [stream_id for _, stream_id in kept],
                hasher.shingles_many([tokenise(stored_content(stored[pk][0])) for pk, _ in kept]),
                [stored[pk][1] or stream_id for pk, stream_id in kept],
            )
