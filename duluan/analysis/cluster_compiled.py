"""The online clusterer's assignment, by compiled loops, for long streams (``duluan analyze``).

:class:`CompiledClusterer` assigns documents to the same clusters as
:class:`~duluan.analysis.cluster.OnlineClusterer` (it starts from one's state, and gives one
back with the same state), but keeps the open clusters in arrays that
:func:`duluan.analysis.kernels.assign_documents` reads and updates, a batch at a time. The
Python clusterer took 140-158 µs of CPU a news lead (30,000 leads in batches of 1,000), most of
it looking candidates up in dictionaries and sets of clusters, comparing their terms and
updating centroids held as dictionaries: 71 % of the driver's time in ``duluan analyze``, the
one process that cannot be split. This takes 61-68 µs, a third of it the loops, the rest
weighing the vectors and numbering their terms (2026-12-02, the same clusters and state).

A term is an integer here: its number in a hash table of its UTF-8 bytes, given when a vector
first holds it and taken back when no open cluster holds it any more, so the numbering stays
as small as the open clusters. Terms given as pairs of syllables are hashed from the
syllables' bytes, the string never made. Its bytes are kept too: when a centroid is pruned, terms of equal
weight are kept in the order of their strings, as the Python clusterer does. Places and topics
are numbered in Python (they are few). Times are microseconds since the epoch with their UTC
offsets; a time the loops cannot compare as Python does (a zone whose offset moves, naive and
aware times together) hands the stream back to the Python clusterer, which goes on from the
state before that batch.

Loading the loops costs 1.0-1.2 s in a process (numba's import and its cache), so the platform's
single signals keep the Python clusterer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from duluan.analysis import kernels as k
from duluan.analysis.cluster import JOINABLE_DOCS, ClusterDoc, OnlineClusterer, TermNames, take_names

__all__ = ["CompiledClusterer"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
# Vietnam's offset has been +07:00 since 1975-06-13: times of this zone from 1976 on compare as
# instants whichever way Python compares them (as wall times when their zones are one object).
_VIETNAM = "Asia/Ho_Chi_Minh"
_PLACES_PER_CLUSTER = 16  # places a cluster's row holds at first (doubled when one needs more)
# The documents whose cluster the rings hold (see CompiledClusterer.__init__): one more than the
# last JOINABLE_DOCS, so that none of them shares its place with another.
_RING = JOINABLE_DOCS + 1


def _aware_instant(when: datetime) -> tuple[int, int] | None:
    """``(microseconds since the epoch, UTC offset in microseconds)`` of an aware time whose
    comparisons do not depend on how Python compares it, else ``None``."""
    tz = when.tzinfo
    if type(tz) is not timezone and not (type(tz) is ZoneInfo and tz.key == _VIETNAM and when.year >= 1976):
        return None
    offset = when.utcoffset()
    return (when - _EPOCH) // _MICROSECOND, offset // _MICROSECOND  # type: ignore[operator]


def _encoded(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The UTF-8 bytes of ``strings`` (a zero byte between two) and where each starts and ends.

    Raises:
        _Unsupported: A string holds a zero character.
    """
    if not strings:
        empty = np.zeros(0, np.int64)
        return np.zeros(0, np.uint8), empty, empty
    blob = np.frombuffer("\x00".join(strings).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    zeros = np.flatnonzero(blob == 0)
    if zeros.size != len(strings) - 1:
        raise _Unsupported("a term with a zero character")
    lo = np.empty(len(strings), np.int64)
    hi = np.empty(len(strings), np.int64)
    lo[0], lo[1:] = 0, zeros + 1
    hi[:-1], hi[-1] = zeros, blob.size
    return blob, lo, hi


class _Unsupported(Exception):
    """A time the compiled loops cannot compare as Python does."""


class CompiledClusterer:
    """:class:`~duluan.analysis.cluster.OnlineClusterer` for long streams: the same clusters.

    Args:
        clusterer: The clusterer to go on from (its parameters, frequencies and open clusters);
            it is not changed.

    Raises:
        ValueError: The clusterer holds a time the compiled loops cannot compare as Python does
            (see the module); go on with it instead.
    """

    def __init__(self, clusterer: OnlineClusterer) -> None:
        self._python: OnlineClusterer | None = None  # once a time made the stream go back
        self._naive: bool | None = None  # whether the times are naive (None: none seen yet)
        state = clusterer.state()
        # The same parameters and frequencies, without clusters: it weighs the vectors.
        weigher = OnlineClusterer.from_state({**state, "clusters": []})
        weigher.load_compiled()
        self._weigher = weigher
        self._window = clusterer.window // _MICROSECOND
        self._threshold = float(clusterer.similarity_threshold)
        self._same_topic = bool(clusterer.require_same_topic)
        self._max_active = int(clusterer.max_active)
        rows = state["clusters"]
        slots = max(self._max_active, len(rows)) + 1
        self._sc = np.zeros(k.N_SCALARS, np.int64)
        self._sc[[k.S_HEAD, k.S_TAIL]] = -1
        self._sc[k.S_NEXT_ID] = state["next_id"]
        self._sc[k.S_NOW] = k.NO_TIME
        try:
            if clusterer.now_ is not None:
                self._sc[k.S_NOW], self._sc[k.S_NOW_OFFSET] = self._instant(clusterer.now_)
            self._setup(state, slots)
        except _Unsupported as exc:
            raise ValueError(
                f"the compiled loops cannot compare the time {exc.args[0]!r} as Python does"
            ) from exc
        # As the Python clusterer's (see OnlineClusterer._joinable), but a document's id gives
        # its number alone, whose cluster and that cluster's slot are in two rings of the last
        # JOINABLE_DOCS documents' (the loops check that the slot still holds that cluster): a
        # third of the memory of a tuple each, written a batch at a time.
        self._assigned = clusterer.assigned_
        slots_of = self._open_slots()
        last = self._assigned - 1
        self._ring_seq = np.zeros(_RING, np.int64)
        self._ring_slot = np.zeros(_RING, np.int64)
        self._joinable: dict[str, int] = {}
        for d, seq, after in clusterer.joinable():
            number = self._joinable[d] = last - after
            self._ring_seq[number % _RING], self._ring_slot[number % _RING] = seq, slots_of[seq]

    def _setup(self, state: dict[str, Any], slots: int) -> None:
        """Make the arrays of ``slots`` open clusters and open the state's."""
        self._c_seq = np.zeros(slots, np.int64)
        self._c_size = np.zeros(slots, np.int64)
        self._c_topic = np.zeros(slots, np.int32)
        self._c_first = np.full(slots, k.NO_TIME, np.int64)
        self._c_first_off = np.zeros(slots, np.int64)
        self._c_last = np.full(slots, k.NO_TIME, np.int64)
        self._c_last_off = np.zeros(slots, np.int64)
        self._c_norm = np.zeros(slots, np.float64)
        self._c_n = np.zeros(slots, np.int32)
        self._c_terms = np.zeros((slots, k.CLUSTER_TERMS), np.int32)
        self._c_w = np.zeros((slots, k.CLUSTER_TERMS), np.float64)
        self._c_node = np.full((slots, k.CLUSTER_TERMS), -1, np.int32)
        self._c_np = np.zeros(slots, np.int32)
        self._c_places = np.zeros((slots, _PLACES_PER_CLUSTER), np.int32)
        self._lru_prev = np.full(slots, -1, np.int32)
        self._lru_next = np.full(slots, -1, np.int32)
        self._free_slots = np.arange(slots - 1, -1, -1, dtype=np.int32)
        self._sc[k.S_FREE_SLOTS] = slots
        self._slot_mark = np.zeros(slots, np.int64)
        self._c_mask = np.zeros((slots, k.MASK_WORDS), np.uint64)
        self._c_top = np.zeros(slots, np.float64)
        self._c_day = np.zeros(slots, np.int32)
        self._c_other = np.zeros(slots, np.int32)
        nodes = slots * k.CLUSTER_TERMS
        self._n_slot = np.zeros(nodes, np.int32)
        self._n_next = np.full(nodes, -1, np.int32)
        self._n_prev = np.full(nodes, -1, np.int32)
        self._n_term = np.zeros(nodes, np.int32)
        self._free_nodes = np.arange(nodes - 1, -1, -1, dtype=np.int32)
        self._sc[k.S_FREE_NODES] = nodes
        # Terms: a table from their hashes to their numbers, and by number their bytes (for the
        # order of equal weights, and the strings of the state), holders and postings.
        self._table_keys = np.zeros(1 << 16, np.uint64)
        self._table_ids = np.zeros(1 << 16, np.int32)
        self._term_hash = np.zeros(0, np.uint64)
        self._free_terms = np.zeros(0, np.int32)
        self._t_refs = np.zeros(0, np.int32)
        self._t_head = np.zeros(0, np.int32)
        self._t_mark = np.zeros(0, np.int64)
        self._t_pos = np.zeros(0, np.int64)
        self._t_off = np.zeros(0, np.int64)
        self._t_len = np.zeros(0, np.int64)
        self._pool = np.zeros(1 << 16, np.uint8)
        self._freed = np.zeros(nodes, np.int32)
        self._place_ids: dict[str, int] = {}
        self._place_names: list[str] = [""]
        self._topic_ids: dict[str | None, int] = {None: 0, "": 0}
        self._topic_names: list[str | None] = [None]
        self._load(state["clusters"])

    # -- numbering ---------------------------------------------------------------------------

    def _instant(self, when: datetime) -> tuple[int, int]:
        """A time as the loops keep it: naive times (as microseconds since 1970-01-01, offset
        0) while every time is naive, aware ones (see :func:`_aware_instant`) while every one is."""
        if when.tzinfo is None:
            if self._naive is False:
                raise _Unsupported(when)
            self._naive = True
            return (when - _NAIVE_EPOCH) // _MICROSECOND, 0
        instant = _aware_instant(when) if self._naive is not True else None
        if instant is None:
            raise _Unsupported(when)
        self._naive = False
        return instant

    def _time(self, at: int, offset: int) -> datetime | None:
        """The time :meth:`_instant` gave ``(at, offset)`` for."""
        if at == k.NO_TIME:
            return None
        if self._naive:
            return _NAIVE_EPOCH + timedelta(microseconds=at)
        return (_EPOCH + timedelta(microseconds=at)).astimezone(timezone(timedelta(microseconds=offset)))

    def _topic(self, topic: str | None) -> int:
        number = self._topic_ids.get(topic)
        if number is None:
            number = self._topic_ids[topic] = len(self._topic_names)
            self._topic_names.append(topic)
        return number

    def _places(self, places: Iterable[str]) -> list[int]:
        ids = self._place_ids
        out = []
        for place in places:
            number = ids.get(place)
            if number is None:
                number = ids[place] = len(self._place_names)
                self._place_names.append(place)
            out.append(number)
        return out

    def _terms(self, names: Sequence[str]) -> np.ndarray:
        """The numbers of these terms (:func:`~duluan.analysis.kernels.number_terms`), new ones
        numbered."""
        count = len(names)
        if not count:
            return np.zeros(0, np.int32)
        blob, lo, hi = _encoded(names)
        return self._number(blob, lo, hi, np.arange(count), np.full(count, -1), blob.size)

    def _term_rows(self, names: TermNames, keep: np.ndarray) -> np.ndarray:
        """The numbers of the terms of ``names`` at ``keep``, the same as :meth:`_terms` of
        their strings, numbered from the bytes of the syllables they read: the strings are
        never made.

        The driver of ``duluan analyze`` receives each batch's terms as :class:`TermNames`:
        pairs of the batch's syllables, some 8 new ones a news lead, where the vectors keep ~48
        terms a lead. Making, joining and encoding the strings of those terms was 28 % of the
        clustering step's CPU (py-spy). Numbered from the syllables, the step took 36-40 µs of
        CPU a lead against 54-63 (``bench_steps.py --compiled-clusterer``, 30,000 leads, three
        alternating runs), and the driver of ``duluan analyze`` on 100,000 leads 8.9-9.2 CPU-s
        against 11.7-13.5, the same output and state (2026-12-02).

        Only the syllables the kept terms read are encoded: the table the rows point into may
        be a process's whole syllable table, which also holds the featurizers' document
        separator "\x00" (no term reads it).
        """
        first = names.first[keep]
        second = names.second[keep]
        paired = second >= 0
        used = np.zeros(len(names.syllables), dtype=bool)
        used[first] = True
        used[second[paired]] = True
        rows = np.flatnonzero(used)
        syllables = names.syllables
        blob, lo, hi = _encoded([syllables[r] for r in rows.tolist()])
        part = np.cumsum(used) - 1  # each used row's part in the blob
        first = part[first]
        second = np.where(paired, part[second], -1)
        sizes = hi - lo
        size = int(sizes[first].sum()) + int(sizes[second[paired]].sum()) + int(paired.sum())
        return self._number(blob, lo, hi, first, second, size)

    def _number(
        self,
        blob: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        first: np.ndarray,
        second: np.ndarray,
        size: int,
    ) -> np.ndarray:
        """Number the terms ``first``/``second`` of the parts ``lo``/``hi`` of ``blob``
        (:func:`~duluan.analysis.kernels.number_terms`), whose bytes come to ``size``."""
        self._make_room(first.size, size)
        ids = np.empty(first.size, np.int32)
        k.number_terms(
            blob,
            lo,
            hi,
            first.astype(np.int64, copy=False),
            second.astype(np.int64, copy=False),
            self._sc,
            self._table_keys,
            self._table_ids,
            self._term_hash,
            self._free_terms,
            self._pool,
            self._t_off,
            self._t_len,
            ids,
        )
        return ids

    def _make_room(self, terms: int, size: int) -> None:
        """Make the term table, the arrays by term number and the pool ready for ``terms`` more
        terms of ``size`` bytes."""
        sc = self._sc
        table = self._table_keys.size
        if 2 * (sc[k.S_TERMS] + terms) > table:
            while 2 * (sc[k.S_TERMS] + terms) > table:
                table *= 2
            keys, ids = np.zeros(table, np.uint64), np.zeros(table, np.int32)
            held = self._table_keys != 0
            k.insert(keys, ids, self._table_keys[held], self._table_ids[held])
            self._table_keys, self._table_ids = keys, ids
        needed = int(sc[k.S_NEXT_TERM]) + terms
        if needed > self._t_refs.size:
            new = max(needed, 2 * self._t_refs.size)
            for name, fill in (
                ("_t_refs", 0),
                ("_t_head", -1),
                ("_t_mark", 0),
                ("_t_pos", 0),
                ("_t_off", 0),
                ("_t_len", 0),
                ("_term_hash", 0),
                ("_free_terms", 0),
            ):
                old = getattr(self, name)
                grown = np.full(new, fill, dtype=old.dtype)
                grown[: old.size] = old
                setattr(self, name, grown)
        if sc[k.S_POOL_USED] + size > self._pool.size:
            # Packed, the live terms' bytes and these take at most half the new pool: the pool
            # follows the open clusters' terms, not all the bytes a long stream ever wrote.
            numbered = int(sc[k.S_NEXT_TERM])
            live = int(self._t_len[:numbered][self._term_hash[:numbered] != 0].sum())
            pool = np.zeros(max(2 * (live + size), 1 << 16), np.uint8)
            k.repack_pool(sc, self._term_hash, self._pool, pool, self._t_off, self._t_len)
            self._pool = pool

    # -- state -------------------------------------------------------------------------------

    def _load(self, rows: list[dict[str, Any]]) -> None:
        """Open the state's clusters (``OnlineClusterer.state()`` rows), in their order."""
        for row in rows:
            sc = self._sc
            sc[k.S_FREE_SLOTS] -= 1
            slot = int(self._free_slots[sc[k.S_FREE_SLOTS]])
            sc[k.S_OPEN] += 1
            self._c_seq[slot] = int(row["id"].removeprefix("c"))
            self._c_size[slot] = row["size"]
            self._c_topic[slot] = self._topic(row["topic"])
            self._c_day[slot] = row.get("series_day", 0)
            self._c_other[slot] = self._topic(row.get("other_topic") if row["topic"] else None)
            # (the units its places lie within by their numbers negated: see assign_many)
            places = self._places(row["places"]) + [-p for p in self._places(row.get("within", ()))]
            self._widen_places(len(places))
            self._c_places[slot, : len(places)] = places
            self._c_np[slot] = len(places)
            for at, off, key in (
                (self._c_first, self._c_first_off, "first_seen"),
                (self._c_last, self._c_last_off, "last_seen"),
            ):
                if row[key]:
                    at[slot], off[slot] = self._instant(datetime.fromisoformat(row[key]))
            names = [t for t, _ in row["weights"]]
            if len(names) > k.CLUSTER_TERMS - k.KEEP:
                raise _Unsupported(f"a cluster of {len(names)} terms")
            numbers = self._terms(names)
            n = len(names)
            self._c_terms[slot, :n] = numbers
            self._c_w[slot, :n] = [float(w) for _, w in row["weights"]]
            self._c_n[slot] = n
            self._t_refs[numbers] += 1
            squares = self._c_w[slot, :n] * self._c_w[slot, :n]
            self._c_norm[slot] = np.sqrt(k.fsum(squares, n, np.empty(n + 1)))
            # Its mask, as the loops make a document's (the sums are not needed).
            k.document_reach(numbers, self._c_w[slot], 0, n, self._c_mask[slot], np.empty(n + 1))
            self._c_top[slot] = k.top_weight(self._c_w[slot], n, self._c_norm[slot])
            posted = set(row["posted"])
            for j, name in enumerate(names):
                if name in posted:
                    k.post_cluster(slot, j, numbers[j], self._c_node, self._postings(), sc)
            k.append_cluster(slot, self._lru_prev, self._lru_next, sc)

    def _live_joinable(self) -> list[tuple[str, int]]:
        """The ids and numbers of the documents a later one can join (its cluster open, itself
        among the last JOINABLE_DOCS)."""
        oldest, c_seq = self._assigned - JOINABLE_DOCS, self._c_seq
        ring_seq, ring_slot = self._ring_seq, self._ring_slot
        return [
            (d, number)
            for d, number in self._joinable.items()
            if number >= oldest and c_seq[ring_slot[number % _RING]] == ring_seq[number % _RING]
        ]

    def _open_slots(self) -> dict[int, int]:
        """The slot of each open cluster, by its seq."""
        found = {}
        slot = int(self._sc[k.S_HEAD])
        while slot >= 0:
            found[int(self._c_seq[slot])] = slot
            slot = int(self._lru_next[slot])
        return found

    def _clusters(self) -> tuple[np.ndarray, ...]:
        """The open clusters' arrays, as :func:`~duluan.analysis.kernels.assign_documents` takes them."""
        return (
            self._c_seq,
            self._c_size,
            self._c_topic,
            self._c_first,
            self._c_first_off,
            self._c_last,
            self._c_last_off,
            self._c_norm,
            self._c_n,
            self._c_terms,
            self._c_w,
            self._c_node,
            self._c_np,
            self._c_places,
            self._lru_prev,
            self._lru_next,
            self._free_slots,
            self._slot_mark,
            self._c_mask,
            self._c_top,
            self._c_day,
            self._c_other,
        )

    def _postings(self) -> tuple[np.ndarray, ...]:
        """The postings' arrays, as :func:`~duluan.analysis.kernels.assign_documents` takes them."""
        return self._n_slot, self._n_next, self._n_prev, self._n_term, self._t_head, self._free_nodes

    def _widen_places(self, needed: int) -> None:
        width = self._c_places.shape[1]
        if needed <= width:
            return
        while width < needed:
            width *= 2
        wider = np.zeros((self._c_places.shape[0], width), np.int32)
        wider[:, : self._c_places.shape[1]] = self._c_places
        self._c_places = wider

    def state(self, compact: bool = False) -> dict[str, Any]:
        """:meth:`OnlineClusterer.state` of the clusterer this one is (the same data)."""
        return self.to_clusterer().state(compact)

    def to_clusterer(self) -> OnlineClusterer:
        """An :class:`OnlineClusterer` with this one's state, to go on with."""
        if self._python is not None:
            return self._python
        weigher = self._weigher
        state = weigher.state()
        sc = self._sc
        now = self._time(int(sc[k.S_NOW]), int(sc[k.S_NOW_OFFSET]))
        state["next_id"] = int(sc[k.S_NEXT_ID])
        state["now"] = now.isoformat() if now else None
        last = self._assigned - 1
        joinable = sorted(  # oldest first, ties by id (as OnlineClusterer.joinable)
            ((d, int(self._ring_seq[number % _RING]), last - number) for d, number in self._live_joinable()),
            key=lambda item: (-item[2], item[0]),
        )
        state["joinable"] = {
            "ids": [d for d, _, _ in joinable],
            "clusters": [seq for _, seq, _ in joinable],
            "after": [n for _, _, n in joinable],
        }
        clusters = []
        pool = self._pool[: sc[k.S_POOL_USED]].tobytes()
        offsets, lengths = self._t_off.tolist(), self._t_len.tolist()
        slot = int(sc[k.S_HEAD])
        while slot >= 0:
            n = int(self._c_n[slot])
            # Each term's string from its bytes in the pool (every open cluster's terms are there).
            names = [
                pool[offsets[t] : offsets[t] + lengths[t]].decode("utf-8", "surrogatepass")
                for t in self._c_terms[slot, :n].tolist()
            ]
            first = self._time(int(self._c_first[slot]), int(self._c_first_off[slot]))
            last = self._time(int(self._c_last[slot]), int(self._c_last_off[slot]))
            held = self._c_places[slot, : self._c_np[slot]].tolist()
            clusters.append(
                {
                    "id": f"c{int(self._c_seq[slot])}",
                    "size": int(self._c_size[slot]),
                    "topic": self._topic_names[int(self._c_topic[slot])],
                    "places": sorted(self._place_names[p] for p in held if p > 0),
                    "first_seen": first.isoformat() if first else None,
                    "last_seen": last.isoformat() if last else None,
                    "weights": [[t, w] for t, w in zip(names, self._c_w[slot, :n].tolist(), strict=True)],
                    "posted": sorted(
                        t for t, node in zip(names, self._c_node[slot, :n].tolist(), strict=True) if node >= 0
                    ),
                    "series_day": int(self._c_day[slot]),
                    "other_topic": self._topic_names[int(self._c_other[slot])],
                    "within": sorted(self._place_names[-p] for p in held if p < 0),
                }
            )
            slot = int(self._lru_next[slot])
        state["clusters"] = clusters
        return OnlineClusterer.from_state(state)

    # -- assignment --------------------------------------------------------------------------

    def assign(self, doc: ClusterDoc) -> str:
        """Assign one document (a batch of one: streams go through :meth:`assign_many`)."""
        return self.assign_many([doc])[0]

    def assign_many(self, docs: Iterable[ClusterDoc]) -> list[str]:
        """Assign documents in order, as :meth:`OnlineClusterer.assign_many` does."""
        docs = list(docs)
        if self._python is not None:
            return self._python.assign_many(docs)
        weigher = self._weigher
        counted = weigher.df_.copy(), weigher.n_docs_  # 1 MB: a batch's frequencies, to undo
        n_docs = len(docs)
        starts = np.zeros(n_docs + 1, np.int64)
        try:
            times = [self._doc_time(d.created_at) for d in docs]
            weighed = weigher._weigh(docs)
            if weighed is None:
                terms = np.zeros(0, np.int32)
                weights = np.zeros(0, np.float64)
            else:
                present, names, keep, weights, kept, _ = weighed
                if type(names) is TermNames:
                    terms = self._term_rows(names, keep)
                else:
                    terms = self._terms(take_names(names, keep))
                sizes = np.zeros(n_docs, np.int64)
                sizes[present] = kept
                np.cumsum(sizes, out=starts[1:])
        except _Unsupported:
            # Back to the Python clusterer, with the state before this batch.
            weigher.df_, weigher.n_docs_ = counted
            self._python = self.to_clusterer()
            return self._python.assign_many(docs)
        topic = self._topic
        d_topic = np.fromiter((topic(d.topic or None) for d in docs), np.int32, n_docs)
        d_other = np.fromiter((topic(d.other_topic or None) for d in docs), np.int32, n_docs)
        # A document's places, then the units they lie within by their numbers negated (read
        # only with places, as the Python clusterer does).
        place_lists = [
            (
                self._places(d.places) + [-p for p in self._places(d.within)]
                if d.within
                else self._places(d.places)
            )
            if d.places
            else []
            for d in docs
        ]
        p_starts = np.zeros(n_docs + 1, np.int64)
        np.cumsum([len(p) for p in place_lists], out=p_starts[1:])
        d_places = np.fromiter((p for ps in place_lists for p in ps), np.int32, int(p_starts[-1]))
        d_time = np.fromiter((t for t, _ in times), np.int64, n_docs)
        d_off = np.fromiter((o for _, o in times), np.int64, n_docs)
        d_day = np.fromiter((d.series_day for d in docs), np.int32, n_docs)
        # The clusters documents name to join (see OnlineClusterer._joinable_cluster): one an
        # earlier document of the batch is in, or one from before it (the loops check that it
        # is still open and within the window).
        join_doc = np.full(n_docs, -1, np.int64)
        join_seq = np.zeros(n_docs, np.int64)
        join_slot = np.zeros(n_docs, np.int64)
        ids = [d.id for d in docs]
        joins = [d.joins for d in docs]
        base = self._assigned
        joinable = self._joinable
        if any(j is not None for j in joins):
            in_batch: dict[str, int] = {}
            for i, (doc_id, name) in enumerate(zip(ids, joins, strict=True)):
                if name is not None:
                    j = in_batch.get(name)
                    if j is not None:
                        join_doc[i] = j
                    else:
                        number = joinable.get(name)
                        if number is not None and base + i - number <= JOINABLE_DOCS:
                            at = number % _RING
                            join_seq[i], join_slot[i] = self._ring_seq[at], self._ring_slot[at]
                    in_batch[name] = i
                in_batch[doc_id] = i
        out = np.zeros(n_docs, np.int64)
        out_slot = np.zeros(n_docs, np.int64)
        # Every term a cluster held at the start or takes in this batch may lose its last holder.
        if self._freed.size < self._n_slot.size + terms.size:
            self._freed = np.zeros(self._n_slot.size + 2 * terms.size, np.int32)
        done = 0
        while True:
            done, status = k.assign_documents(
                done,
                (self._window, self._threshold, self._same_topic, self._max_active),
                self._sc,
                self._clusters(),
                self._postings(),
                (self._t_refs, self._t_mark, self._t_pos, self._pool, self._t_off, self._t_len, self._freed),
                (
                    starts,
                    terms,
                    weights,
                    d_topic,
                    d_other,
                    p_starts,
                    d_places,
                    d_time,
                    d_off,
                    d_day,
                    join_doc,
                    join_seq,
                    join_slot,
                ),
                out,
                out_slot,
            )
            if status == k.ASSIGNED:
                break
            self._widen_places(2 * self._c_places.shape[1])
        at = np.arange(base, base + n_docs) % _RING
        self._ring_seq[at] = out
        self._ring_slot[at] = out_slot
        numbers = range(base, base + n_docs)
        if any(j is not None for j in joins):
            for doc_id, name, number in zip(ids, joins, numbers, strict=True):
                joinable[doc_id] = number
                if name is not None:
                    joinable[name] = number
        else:
            joinable.update(zip(ids, numbers, strict=True))
        self._assigned = base + n_docs
        if len(joinable) > 2 * JOINABLE_DOCS:
            self._joinable = dict(self._live_joinable())
        k.forget_terms(
            self._sc,
            self._freed,
            self._t_refs,
            self._table_keys,
            self._table_ids,
            self._term_hash,
            self._free_terms,
        )
        return [f"c{seq}" for seq in out.tolist()]

    def _doc_time(self, when: datetime | None) -> tuple[int, int]:
        if when is None:
            return k.NO_TIME, 0
        return self._instant(when)
