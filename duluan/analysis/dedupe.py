"""Exact and near-duplicate detection for a stream of Vietnamese texts.

Exact duplicates share a :func:`content_hash` of the normalised text. Near-duplicates are found
with MinHash over syllable shingles and a banded LSH index, then **verified with the exact
Jaccard similarity** of the two shingle sets, so a reported pair is always a true pair
(precision 1 by construction) and recall only depends on the banding (see
:func:`choose_bands`; ``bench/bench_dedupe.py`` measures it on real texts).

Why not ``datasketch`` here: its ``MinHash`` hashes every shingle with SHA-1 in Python and
builds one object per text; on the same news leads and the same (busy) machine its
``update_batch`` took ~250 µs per text against ~80 µs for :class:`MinHasher`, which hashes each
syllable once (cached) and computes the signatures of a whole batch in a few numpy passes. Its
``MinHashLSH`` index keeps every band key as a ``bytes`` object and every bucket as a ``set``,
and cannot verify candidates; :class:`NearDuplicateIndex` keeps one ``dict`` of 64-bit band keys
to sequence numbers plus the shingle sets it verifies with (about 1.5 KB per news lead), for a
fixed capacity of recent documents evicted first in first out, so memory stays bounded on an
endless stream.

Everything is deterministic: syllables and shingles are hashed with BLAKE2b and a fixed 64-bit
mixer (never Python's per-process ``hash``), so every worker process computes the same
signature.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ContentHashIndex",
    "MinHasher",
    "NearDuplicateIndex",
    "NearDuplicateMatch",
    "choose_bands",
    "content_hash",
    "expected_candidate_probability",
    "jaccard",
]

_MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
# Shingles (columns of the permutations x shingles matrix) hashed at once: 8192 x 64 x 8 bytes
# = 4 MB; smaller blocks cost more per block than they save in cache misses.
_BLOCK_COLUMNS = 8192
# The syllable-hash cache holds the living vocabulary; it is cleared rather than grown forever.
_CACHE_LIMIT = 300_000
_EMPTY = np.zeros(0, dtype=np.uint64)


def content_hash(normalised_text: str) -> str:
    """Return the identity of a text for exact-duplicate detection.

    Args:
        normalised_text: The text after :func:`duluan.analysis.normalise.normalise` (NFC, one
            tone placement); runs of whitespace are folded here, so texts that differ only in
            spacing, line breaks or Unicode form collide.

    Returns:
        32 hexadecimal characters (BLAKE2b, 128 bits), stable across processes and versions.
    """
    return hashlib.blake2b(_fold_whitespace(normalised_text).encode("utf-8"), digest_size=16).hexdigest()


def _fold_whitespace(text: str) -> str:
    """Return ``" ".join(text.split())``, without splitting in the common cases.

    Most texts are single-spaced, or so once their line breaks (a title, then the body) are
    spaces: then folding changes nothing else.
    """
    if _single_spaced(text):
        return text
    if "\n" in text:
        spaced = text.replace("\n", " ")
        if _single_spaced(spaced):
            return spaced
    return " ".join(text.split())


def _single_spaced(text: str) -> bool:
    """True when ``" ".join(text.split()) == text``, tested without splitting.

    Every whitespace character but the ASCII space is unprintable (a test checks it over all
    of Unicode), so a printable text only needs no double, leading or trailing space.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def _splitmix(values: np.ndarray) -> np.ndarray:
    """Mix 64-bit integers so that nearby inputs give unrelated outputs (SplitMix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = values + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Return the Jaccard similarity of two sorted arrays of unique shingle hashes.

    Args:
        a: Sorted unique ``uint64`` values.
        b: Sorted unique ``uint64`` values.

    Returns:
        ``|a ∩ b| / |a ∪ b|``; 1.0 when both are empty.
    """
    if a.size == 0 and b.size == 0:
        return 1.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


class MinHasher:
    """MinHash signatures of syllable shingles, computed for whole batches in numpy.

    Each syllable is hashed once (BLAKE2b, cached); ``shingle`` consecutive syllable hashes are
    combined into one 64-bit shingle hash; permutation ``i`` maps a shingle ``x`` to
    ``a_i * x + b_i mod 2**64`` (multiply-add with odd ``a_i``, a bijection) and the signature
    keeps the minimum per permutation. Texts shorter than ``shingle`` syllables become one
    shingle of all their syllables, so short texts still compare.

    Args:
        num_perm: Number of permutations (signature length).
        shingle: Syllables per shingle.
        seed: Seed of the permutation parameters; signatures only compare under the same
            ``(num_perm, shingle, seed)``.

    Example:
        >>> h = MinHasher(num_perm=64)
        >>> sig = h.signature("ngập úng kéo dài ở phường Vũ Ninh".split())
        >>> sig.shape
        (64,)
    """

    def __init__(self, num_perm: int = 64, shingle: int = 3, seed: int = 1) -> None:
        if num_perm < 1 or shingle < 1:
            raise ValueError("num_perm and shingle must be positive")
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        rng = np.random.Generator(np.random.PCG64(seed))
        self._a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self._cache: dict[str, int] = {}  # syllable -> row of ``_table``
        self._table = np.zeros(1024, dtype=np.uint64)  # BLAKE2b of each cached syllable
        self._size = 0

    def _syllable_hashes(self, syllables: Sequence[str]) -> np.ndarray:
        # The cache maps a syllable to its row in ``self._table``: small integers convert to an
        # index array much faster than 64-bit hashes would.
        cache = self._cache
        rows = np.fromiter(
            map(cache.get, syllables, itertools.repeat(-1)), dtype=np.intp, count=len(syllables)
        )
        # Nearly every batch brings a few new syllables (names, numbers): visit only those.
        missing = np.flatnonzero(rows < 0)
        if missing.size:
            if len(cache) + missing.size > _CACHE_LIMIT:
                cache.clear()
                self._size = 0
                missing = np.arange(len(syllables))
            fresh: dict[str, int] = {}
            for i in missing.tolist():
                syl = syllables[i]
                row = cache.get(syl)
                if row is None:
                    row = cache[syl] = self._size + len(fresh)
                    fresh[syl] = row
                rows[i] = row
            self._grow(fresh)
        return self._table[rows]

    def _grow(self, fresh: dict[str, int]) -> None:
        """Store the hashes of new syllables at the rows ``fresh`` gave them."""
        size = self._size + len(fresh)
        if size > self._table.size:
            table = np.zeros(max(size, 2 * self._table.size), dtype=np.uint64)
            table[: self._size] = self._table[: self._size]
            self._table = table
        self._table[self._size : size] = np.fromiter(
            (
                int.from_bytes(hashlib.blake2b(syl.encode("utf-8"), digest_size=8).digest(), "little")
                for syl in fresh
            ),
            dtype=np.uint64,
            count=len(fresh),
        )
        self._size = size

    def shingles(self, syllables: Sequence[str]) -> np.ndarray:
        """Return the set of shingle hashes of one text.

        Args:
            syllables: The text's syllables in order (lower case, as the caller wants them
                compared).

        Returns:
            Sorted unique ``uint64`` shingle hashes; empty when there are no syllables.
        """
        return self.shingles_many([syllables])[0]

    def shingles_many(self, docs: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Return the shingle sets of many texts, hashed together in a few numpy passes.

        Args:
            docs: The syllables of each text, in order.

        Returns:
            One sorted unique ``uint64`` array per text (empty when it has no syllables).
        """
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        total = int(lengths.sum())
        if total == 0:
            return [_EMPTY] * len(docs)
        flat: list[str] = []
        for d in docs:
            flat.extend(d)
        hashes = self._syllable_hashes(flat)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        doc_of = np.repeat(np.arange(len(docs)), lengths)
        pos = np.arange(total) - starts[doc_of]
        remaining = lengths[doc_of] - pos  # syllables from this one to the end of its text
        k = self.shingle
        # A shingle starts at every position with k syllables ahead, and at the first
        # position of a text shorter than k (then it spans the whole text).
        keep = (remaining >= k) | ((pos == 0) & (lengths[doc_of] < k))
        width = np.minimum(remaining, k)
        padded = np.concatenate((hashes, np.zeros(k, dtype=np.uint64)))
        with np.errstate(over="ignore"):
            combined = hashes.copy()
            for j in range(1, k):
                nxt = padded[j : j + total]
                combined = np.where(width > j, _splitmix(combined) + nxt, combined)
            combined = _splitmix(combined)
        combined, doc_of = combined[keep], doc_of[keep]
        combined = _sort_within_documents(combined, doc_of, len(docs))
        fresh = np.ones(combined.size, dtype=bool)
        fresh[1:] = (combined[1:] != combined[:-1]) | (doc_of[1:] != doc_of[:-1])
        combined, doc_of = combined[fresh], doc_of[fresh]
        bounds = np.searchsorted(doc_of, np.arange(len(docs) + 1)).tolist()
        # Slices, as np.split gives, without its per-piece Python overhead.
        return [combined[lo:hi] for lo, hi in itertools.pairwise(bounds)]

    def signatures_from_shingles(self, shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
        """Return the MinHash signatures of many shingle sets at once.

        Args:
            shingle_sets: One array of shingle hashes per text (from :meth:`shingles`).

        Returns:
            A ``(len(shingle_sets), num_perm)`` ``uint64`` array; the row of an empty set is all
            ``2**64 - 1``.
        """
        n = len(shingle_sets)
        out = np.full((n, self.num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
        sizes = np.fromiter((s.size for s in shingle_sets), dtype=np.int64, count=n)
        filled = np.flatnonzero(sizes)
        if not filled.size:
            return out
        values = np.concatenate([shingle_sets[i] for i in filled.tolist()])
        ends = np.cumsum(sizes[filled])
        starts = ends - sizes[filled]
        first = 0
        # The matrix is (permutations x shingles): each document's minimum is then a reduction
        # over a contiguous run of every row, 2.3 times faster than over (shingles x permutations)
        # rows (10.0 against 4.5 µs a news lead, CPU time, bench_steps.py leads, 2026-11-30).
        a, b = self._a[:, None], self._b[:, None]
        while first < filled.size:
            # A block of documents whose shingles fit in one bounded matrix (at least one document).
            stop = max(first + 1, int(np.searchsorted(ends, starts[first] + _BLOCK_COLUMNS, side="right")))
            lo, hi = int(starts[first]), int(ends[stop - 1])
            with np.errstate(over="ignore"):
                matrix = np.multiply(a, values[None, lo:hi])
                matrix += b
            out[filled[first:stop]] = np.minimum.reduceat(matrix, starts[first:stop] - lo, axis=1).T
            first = stop
        return out

    def signature(self, syllables: Sequence[str]) -> np.ndarray:
        """Return the MinHash signature of one text.

        Args:
            syllables: The text's syllables in order.

        Returns:
            A ``(num_perm,)`` ``uint64`` array.
        """
        return self.signatures_from_shingles([self.shingles(syllables)])[0]


def _sort_within_documents(hashes: np.ndarray, doc_of: np.ndarray, n_docs: int) -> np.ndarray:
    """``hashes`` sorted within each document (``doc_of`` is non-decreasing, so it stays as it is).

    One sort of the document number packed above the hash's high bits, which is exact unless two
    different hashes of one document share those bits (then the order is checked and, if wrong,
    the two-sort way is taken): 1.6 times faster than sorting the hashes, then the documents.
    """
    doc_bits = max(1, (n_docs - 1).bit_length())
    if doc_bits < 32:
        packed = (doc_of.astype(np.uint64) << np.uint64(64 - doc_bits)) | (hashes >> np.uint64(doc_bits))
        order = np.argsort(packed)
        packed, out = packed[order], hashes[order]
        tie = np.flatnonzero(packed[1:] == packed[:-1])
        if not tie.size or not np.any(out[tie + 1] < out[tie]):
            return out
    # Sort by document, then by hash: a plain sort of the hashes, then a stable sort by
    # document (a radix sort on small integers) — several times faster than np.lexsort.
    order = np.argsort(hashes)
    order = order[np.argsort(_small_ints(doc_of[order], n_docs), kind="stable")]
    return hashes[order]


def _small_ints(values: np.ndarray, bound: int) -> np.ndarray:
    """``values`` (all below ``bound``) in the narrowest integer type, which numpy sorts by radix."""
    if bound <= np.iinfo(np.int16).max:
        return values.astype(np.int16)
    return values


def choose_bands(threshold: float, num_perm: int, target: float = 0.99) -> tuple[int, int]:
    """Pick the LSH banding for a Jaccard threshold.

    A pair with Jaccard ``s`` becomes a candidate with probability ``1 - (1 - s**r)**b``. We take
    the largest rows-per-band ``r`` (fewest false candidates to verify) whose probability at the
    threshold itself is still at least ``target``; pairs above the threshold do even better.

    Args:
        threshold: Jaccard similarity that must be found.
        num_perm: Signature length available.
        target: Minimum candidate probability at exactly ``threshold``.

    Returns:
        ``(bands, rows)`` with ``bands * rows <= num_perm``.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        if 1.0 - (1.0 - threshold**rows) ** bands >= target:
            best = (bands, rows)
    return best


@dataclass(frozen=True, slots=True)
class NearDuplicateMatch:
    """What :meth:`NearDuplicateIndex.add` decided for one document.

    Attributes:
        doc_id: The document added.
        group: The near-duplicate group: the id of the first document of the group (the
            document itself when it matches nothing earlier).
        duplicate_of: The most similar earlier document with Jaccard ≥ threshold, or ``None``.
        similarity: Exact Jaccard with ``duplicate_of`` (0.0 when there is none).
    """

    doc_id: str
    group: str
    duplicate_of: str | None
    similarity: float


class NearDuplicateIndex:
    """Banded MinHash LSH over the most recent documents, with exact verification.

    Documents are added in stream order; each is compared with the ``capacity`` documents
    added before it (older ones are evicted first in first out, which bounds memory at roughly
    1.5 KB per kept news lead). A candidate counts only if the exact Jaccard of the shingle sets
    is at least ``threshold``; the document joins the group of its most similar match (ties: the
    earliest), so the result depends only on the input order.

    Args:
        threshold: Jaccard similarity from which two texts are near-duplicates.
        num_perm: Signature length (ignored when ``hasher`` is given).
        shingle: Syllables per shingle (ignored when ``hasher`` is given).
        seed: Permutation seed (ignored when ``hasher`` is given).
        capacity: How many recent documents are kept for comparison.
        hasher: A shared :class:`MinHasher`, e.g. the one worker processes used.
        target_recall: Candidate probability at exactly ``threshold`` (see :func:`choose_bands`).

    Example:
        >>> index = NearDuplicateIndex(threshold=0.8)
        >>> index.add("a", "đường ngập sâu sau mưa lớn".split()).group
        'a'
        >>> index.add("b", "đường ngập sâu sau mưa lớn".split()).duplicate_of
        'a'
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 64,
        shingle: int = 3,
        seed: int = 1,
        capacity: int = 100_000,
        hasher: MinHasher | None = None,
        target_recall: float = 0.99,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self.threshold = threshold
        self.capacity = capacity
        self.hasher = hasher or MinHasher(num_perm=num_perm, shingle=shingle, seed=seed)
        self.bands, self.rows = choose_bands(threshold, self.hasher.num_perm, target_recall)
        # Band salts keep equal row values in different bands from sharing a bucket.
        self._band_salt = _splitmix(np.arange(self.bands, dtype=np.uint64) + np.uint64(seed))
        self._buckets: dict[int, int | list[int]] = {}
        self._next_seq = 0
        self._ids: list[str | None] = [None] * capacity
        self._groups: list[str | None] = [None] * capacity
        self._shingles: list[np.ndarray] = [_EMPTY] * capacity
        self._keys = np.zeros((capacity, self.bands), dtype=np.uint64)

    def __len__(self) -> int:
        return min(self._next_seq, self.capacity)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """Return the LSH bucket keys of signatures.

        Args:
            signatures: ``(n, num_perm)`` array from :class:`MinHasher`.

        Returns:
            ``(n, bands)`` ``uint64`` keys, one per band.
        """
        sig = signatures[:, : self.bands * self.rows].reshape(len(signatures), self.bands, self.rows)
        keys = np.broadcast_to(self._band_salt, (len(signatures), self.bands)).copy()
        with np.errstate(over="ignore"):
            for r in range(self.rows):
                keys = _splitmix(keys ^ sig[:, :, r])
        return keys

    def add(self, doc_id: str, syllables: Sequence[str]) -> NearDuplicateMatch:
        """Add one document given its syllables.

        Args:
            doc_id: The document's id.
            syllables: Its syllables in order.

        Returns:
            The :class:`NearDuplicateMatch` for this document.
        """
        shingles = self.hasher.shingles(syllables)
        signature = self.hasher.signatures_from_shingles([shingles])
        return self.add_hashed(doc_id, shingles, self.band_keys(signature)[0])

    def add_many(
        self, doc_ids: Sequence[str], shingle_sets: Sequence[np.ndarray], signatures: np.ndarray
    ) -> list[NearDuplicateMatch]:
        """Add many documents, in order, whose shingles and signatures are already computed.

        Args:
            doc_ids: Ids in stream order.
            shingle_sets: :meth:`MinHasher.shingles` of each document.
            signatures: :meth:`MinHasher.signatures_from_shingles` of the same sets.

        Returns:
            One :class:`NearDuplicateMatch` per document, in order.
        """
        keys = self.band_keys(signatures) if len(doc_ids) else np.zeros((0, self.bands), np.uint64)
        return [self.add_hashed(d, s, k) for d, s, k in zip(doc_ids, shingle_sets, keys, strict=True)]

    def add_hashed(self, doc_id: str, shingles: np.ndarray, keys: np.ndarray) -> NearDuplicateMatch:
        """Add one document from its shingle set and band keys (see :meth:`band_keys`).

        Args:
            doc_id: The document's id.
            shingles: Sorted unique shingle hashes.
            keys: Its ``(bands,)`` band keys.

        Returns:
            The :class:`NearDuplicateMatch` for this document.
        """
        if shingles.size == 0:
            # A text without syllables resembles nothing; it is not indexed.
            return NearDuplicateMatch(doc_id, doc_id, None, 0.0)
        key_list = keys.tolist()
        matches = self._verified(shingles, key_list)
        if matches:
            best_seq, best_sim = min(matches, key=lambda m: (-m[1], m[0]))
            slot = best_seq % self.capacity
            match = NearDuplicateMatch(doc_id, self._groups[slot] or doc_id, self._ids[slot], best_sim)
        else:
            match = NearDuplicateMatch(doc_id, doc_id, None, 0.0)
        self._store(doc_id, match.group, shingles, key_list)
        return match

    def query(self, shingles: np.ndarray, keys: np.ndarray) -> list[tuple[str, float]]:
        """Return every indexed document near-duplicate of a text, without adding it.

        Args:
            shingles: The text's sorted unique shingle hashes.
            keys: Its band keys (:meth:`band_keys`).

        Returns:
            ``(doc_id, jaccard)`` for each indexed document with Jaccard ≥ threshold, in the
            order they were added.
        """
        if shingles.size == 0:
            return []
        matches = self._verified(shingles, keys.tolist())
        return [(self._ids[seq % self.capacity] or "", sim) for seq, sim in matches]

    def candidates(self, keys: np.ndarray) -> list[str]:
        """Return the ids sharing at least one LSH bucket with these band keys (unverified)."""
        return [self._ids[seq % self.capacity] or "" for seq in sorted(self._candidate_seqs(keys.tolist()))]

    def _candidate_seqs(self, key_list: list[int]) -> set[int]:
        oldest = self._next_seq - self.capacity
        candidates: set[int] = set()
        buckets = self._buckets
        for key in key_list:
            hit = buckets.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                if hit >= oldest:
                    candidates.add(hit)
            else:
                candidates.update(s for s in hit if s >= oldest)
        return candidates

    def _verified(self, shingles: np.ndarray, key_list: list[int]) -> list[tuple[int, float]]:
        found = []
        size = shingles.size
        for seq in sorted(self._candidate_seqs(key_list)):
            other = self._shingles[seq % self.capacity]
            small, large = sorted((size, other.size))
            if small < self.threshold * large:  # Jaccard ≤ small / large: cannot reach it
                continue
            sim = jaccard(shingles, other)
            if sim >= self.threshold:
                found.append((seq, sim))
        return found

    def _store(self, doc_id: str, group: str, shingles: np.ndarray, key_list: list[int]) -> None:
        seq = self._next_seq
        slot = seq % self.capacity
        if seq >= self.capacity:
            self._evict(seq - self.capacity, slot)
        buckets = self._buckets
        for key in key_list:
            hit = buckets.get(key)
            if hit is None:
                buckets[key] = seq
            elif isinstance(hit, int):
                buckets[key] = [hit, seq]
            else:
                hit.append(seq)
        self._ids[slot] = doc_id
        self._groups[slot] = group
        self._shingles[slot] = shingles
        self._keys[slot] = key_list
        self._next_seq = seq + 1

    def _evict(self, seq: int, slot: int) -> None:
        buckets = self._buckets
        if self._ids[slot] is None:
            return
        for key in self._keys[slot].tolist():
            hit = buckets.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                if hit == seq:
                    del buckets[key]
            else:
                kept = [s for s in hit if s != seq]
                if not kept:
                    del buckets[key]
                else:
                    buckets[key] = kept[0] if len(kept) == 1 else kept
        self._ids[slot] = None
        self._groups[slot] = None
        self._shingles[slot] = _EMPTY


class ContentHashIndex:
    """Remembers the first document of each content hash among the most recent ones.

    Args:
        capacity: How many distinct hashes are kept; the oldest is forgotten first, which
            bounds memory (about 150 bytes per hash: the first 64 bits of the hash as an
            integer key, the id, the eviction queue) on an endless stream.
    """

    def __init__(self, capacity: int = 500_000) -> None:
        self.capacity = capacity
        self._first: dict[int, str] = {}
        self._order: deque[int] = deque()

    def add(self, doc_id: str, digest: str) -> str | None:
        """Record a document's hash.

        Args:
            doc_id: The document's id.
            digest: Its :func:`content_hash`.

        Returns:
            The id of the earlier document with the same hash, or ``None`` if it is the first.
        """
        # 64 bits keep collisions at ~1e-8 for 500,000 hashes and halve the memory of the key.
        key = int(digest[:16], 16)
        first = self._first.get(key)
        if first is not None:
            return first
        self._first[key] = doc_id
        self._order.append(key)
        if len(self._order) > self.capacity:
            del self._first[self._order.popleft()]
        return None

    def extend(self, items: Iterable[tuple[str, str]]) -> list[str | None]:
        """Record many ``(doc_id, digest)`` pairs in order; see :meth:`add`."""
        return [self.add(d, h) for d, h in items]


def expected_candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the probability that a pair of given Jaccard similarity becomes an LSH candidate."""
    return 1.0 - (1.0 - similarity**rows) ** bands
