"""Exact and near-duplicate detection for a stream of Vietnamese texts.

Exact duplicates share a :func:`content_hash` of the normalised text and of the personal data its
masks stand for (two citizens who send the same words with their own phone numbers are near
duplicates, not one text sent twice). Near-duplicates are found
with MinHash over syllable shingles and a banded LSH index, then **verified with the exact
Jaccard similarity** of the two shingle sets, so a reported pair is always a true pair
(precision 1 by construction) and recall only depends on the banding (see
:func:`choose_bands`; ``bench/bench_dedupe.py`` measures it on real texts).

Why not ``datasketch`` here: its ``MinHash`` hashes every shingle with SHA-1 in Python and
builds one object per text; on the same news leads and the same (busy) machine its
``update_batch`` took ~250 µs per text against ~80 µs for :class:`MinHasher`, which hashes each
syllable once (cached) and computes the signatures of a whole batch in a few numpy passes. Its
``MinHashLSH`` index keeps every band key as a ``bytes`` object and every bucket as a ``set``,
and cannot verify candidates; :class:`NearDuplicateIndex` keeps its band keys, a chained hash
table over them and the shingle sets it verifies with in a few flat numpy arrays (about 800 bytes
per news lead, half of it the shingles), for a fixed capacity of recent documents evicted first
in first out, so memory stays bounded on an endless stream.

Everything is deterministic: syllables and shingles are hashed with BLAKE2b and a fixed 64-bit
mixer (never Python's per-process ``hash``), so every worker process computes the same
signature.

Shingles compare syllables without their accents (a syllable's hash is that of its
:func:`~duluan.analysis.normalise.fold`): a complaint copied without diacritics, as many people
type, is a near-duplicate of the original, as every search here is accent-insensitive. Exact
duplicates still need the same accents (the content hash).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from duluan.analysis.features import SyllableMemo, _Growing
from duluan.analysis.frames import identity_values
from duluan.analysis.normalise import PLACEHOLDERS, fold, personal_data_values

__all__ = [
    "ContentHashIndex",
    "MinHasher",
    "NearDuplicateIndex",
    "NearDuplicateMatch",
    "choose_bands",
    "content_hash",
    "content_hashes",
    "expected_candidate_probability",
    "jaccard",
]

_MASK64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
# Shingles (columns of the permutations x shingles matrix) hashed at once: 4096 x 64 x 8 bytes
# = 2 MB, what one core's L2 cache holds here. Signatures of news leads took 3.9 µs a lead
# against 4.2 with 8192 columns and 8.6 with 2048 (CPU time, alternating runs, 2026-11-30).
_BLOCK_COLUMNS = 4096
# The syllable-hash cache holds the living vocabulary; it is cleared rather than grown forever.
_CACHE_LIMIT = 300_000
_EMPTY = np.zeros(0, dtype=np.uint64)
# Documents :meth:`NearDuplicateIndex.add_many` stores and looks up at once: the pipeline's
# batches (2,000 rows) in one go, while the slots kept beyond the capacity stay few.
_CHUNK = 2048
# Shingle hashes per storage segment (2 MiB): what is held beyond the window is at most about one.
_SEGMENT = 1 << 18
_TOP = np.iinfo(np.int64).max
_BOTTOM = -(1 << 62)  # a floor below every window
# Bytes of shingles a NearDuplicateIndex keeps at most: its window holds fewer documents than its
# capacity when they are long. 100,000 news leads (~50 shingles) take 40 MB; 100,000 whole news
# articles (~900) would take 720 MB, and `analyze` of 200,000 of them went past 2 GB.
SHINGLE_BUDGET = 128 << 20
# Bits of document number and position packed with a hash's high bits by _sort_within_documents.
_PACKED_BITS = 40


def content_hash(normalised_text: str, text: str | None = None) -> str:
    """Return the identity of a text for exact-duplicate detection.

    Args:
        normalised_text: The text after :func:`duluan.analysis.normalise.normalise` (NFC, one
            tone placement); runs of whitespace are folded here, so texts that differ only in
            spacing, line breaks or Unicode form collide.
        text: The text as written, whose personal data the masks of ``normalised_text`` stand
            for: texts with other phone numbers, addresses, links or identity numbers differ
            (the same number written with other spaces or dots does not). ``None`` when the masks
            alone make the identity (any text without masks).

    Returns:
        32 hexadecimal characters (BLAKE2b, 128 bits), stable across processes and versions.
    """
    return content_hashes([normalised_text], None if text is None else [text])[0]


def _masked(normalised_text: str) -> bool:
    return "<" in normalised_text and any(mask in normalised_text for mask in PLACEHOLDERS.values())


def content_hashes(normalised_texts: Sequence[str], texts: Sequence[str] | None = None) -> list[str]:
    """Return :func:`content_hash` of each normalised text (with its text as written, if given).

    The same folding in one loop, without its calls per text, and with one test of the common
    case, a text whose line breaks (a title, then the body) are its only other whitespace:
    3.4 against 3.7 µs a news lead (CPU time, alternating runs, 2026-11-30). The personal data
    are looked for again only in the texts that have masks (0.3 % of news leads).
    """
    blake2b = hashlib.blake2b
    out = []
    for i, text in enumerate(normalised_texts):
        # The text itself when it has no line break (replace gives it back).
        spaced = text.replace("\n", " ")
        if not (spaced.isprintable() and "  " not in spaced and spaced[:1] != " " and spaced[-1:] != " "):
            spaced = " ".join(text.split())
        if texts is not None and _masked(text):
            # After a separator no text holds (the normaliser removes it): nothing else can collide.
            spaced = "\x00".join([spaced, *personal_data_values(texts[i]), *identity_values(texts[i])])
        out.append(blake2b(spaced.encode("utf-8"), digest_size=16).hexdigest())
    return out


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


def _splitmix_inplace(z: np.ndarray) -> None:
    """:func:`_splitmix` of ``z``, written over it with one temporary array (under
    ``np.errstate(over="ignore")``)."""
    z += _GOLDEN
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)


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
        self._matrix: np.ndarray | None = None  # see _scratch
        # The syllable of each row, and how many times the cache was cleared (which gives rows
        # to other syllables): what :class:`duluan.analysis.cluster.TermCoder` keeps its
        # own per-row values by.
        self.syllables: list[str] = []
        self.generation = 0
        # The hash of each syllable of the process's shared numbering (see numbered_hashes).
        self._numbered = _FoldedHashes()

    def syllable_rows(self, syllables: Sequence[str]) -> np.ndarray:
        """Return the row of each syllable in the hasher's cache, adding the new ones.

        The rows of one call are consistent (equal syllables, equal rows) and index
        :attr:`syllables`; a later call may give other rows (see :attr:`generation`).

        Args:
            syllables: Any syllables (e.g. a whole batch's, one text after the other).

        Returns:
            An ``intp`` array, one row per syllable.
        """
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
                self.syllables = []
                self.generation += 1
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
        return rows

    def numbered_hashes(self, strings: list[str], generation: int) -> np.ndarray:
        """The hash of each syllable of the process's shared numbering, for
        :meth:`shingles_from_rows`.

        The pipeline's syllables are numbered once a batch for every model that reads them
        (:meth:`duluan.analysis.features.TokenBatch.numbered`); with their hashes by number
        here, shingles start from those numbers instead of a look-up of their own.

        Args:
            strings: The syllable of each number, and ``generation`` the numbering's, as
                :func:`duluan.analysis.features.number_syllables` gives them.

        Returns:
            ``uint64`` hashes indexed by number (``len(strings)`` of them).
        """
        return self._numbered.sync(strings, generation)  # type: ignore[return-value]

    def __getstate__(self) -> dict[str, Any]:
        # The shared numbering is the process's: its hashes (and their lock) stay here.
        state = self.__dict__.copy()
        del state["_numbered"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._numbered = _FoldedHashes()

    def _syllable_hashes(self, syllables: Sequence[str]) -> np.ndarray:
        return self._table[self.syllable_rows(syllables)]

    def _grow(self, fresh: dict[str, int]) -> None:
        """Store the hashes of new syllables at the rows ``fresh`` gave them."""
        size = self._size + len(fresh)
        if size > self._table.size:
            table = np.zeros(max(size, 2 * self._table.size), dtype=np.uint64)
            table[: self._size] = self._table[: self._size]
            self._table = table
        self._table[self._size : size] = _hash_syllables(fresh, len(fresh))
        self.syllables.extend(fresh)
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
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        flat = list(itertools.chain.from_iterable(docs))
        return self.shingles_from_rows(self.syllable_rows(flat), lengths)

    def shingles_from_rows(
        self, rows: np.ndarray, lengths: np.ndarray, table: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """:meth:`shingles_many` of texts whose syllables are given by their rows.

        Args:
            rows: :meth:`syllable_rows` of all the texts' syllables, one text after the other
                (or their numbers in ``table``).
            lengths: The number of syllables of each text (``int64``).
            table: The hash of each row: :meth:`numbered_hashes` (default: this hasher's own
                cache, which :meth:`syllable_rows` fills).

        Returns:
            One sorted unique ``uint64`` array per text (empty when it has no syllables).
        """
        n_docs, total, k = lengths.size, rows.size, self.shingle
        if total == 0:
            return [_EMPTY] * n_docs
        # A shingle starts at every position with k syllables of its text ahead, and at the
        # first position of a text shorter than k (then it spans the whole text). The values of
        # the full windows come from shifted slices of the whole batch (a window across two
        # texts is computed and never read), the few short texts' on their own: shingles_many
        # took 7.6 against 8.2 µs a news lead with a masked pass over every position (CPU time,
        # alternating runs, 2026-11-30).
        counts = np.where(lengths >= k, lengths - (k - 1), np.minimum(lengths, 1))
        doc_of = np.repeat(np.arange(n_docs), counts)
        starts = np.cumsum(lengths) - lengths
        at = np.arange(doc_of.size) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
        hashes = (self._table if table is None else table)[rows]
        with np.errstate(over="ignore"):
            if total >= k:
                windows = hashes[: total - k + 1].copy()
                for j in range(1, k):
                    _splitmix_inplace(windows)
                    windows += hashes[j : total - k + 1 + j]
                _splitmix_inplace(windows)
            short = np.flatnonzero((lengths < k) & (lengths > 0))
            if not short.size:
                combined = windows[at]
            else:
                full = np.repeat(lengths >= k, counts)
                combined = np.empty(doc_of.size, dtype=np.uint64)
                if total >= k:
                    combined[full] = windows[at[full]]
                first = starts[short]
                width = lengths[short]
                value = hashes[first]
                for j in range(1, k - 1):
                    more = width > j
                    value[more] = _splitmix(value[more]) + hashes[first[more] + j]
                combined[~full] = _splitmix(value)
        combined = _sort_within_documents(combined, doc_of, n_docs)
        fresh = np.ones(combined.size, dtype=bool)
        fresh[1:] = (combined[1:] != combined[:-1]) | (doc_of[1:] != doc_of[:-1])
        combined, doc_of = combined[fresh], doc_of[fresh]
        bounds = np.searchsorted(doc_of, np.arange(n_docs + 1)).tolist()
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
                matrix = np.multiply(a, values[None, lo:hi], out=self._scratch(hi - lo))
                matrix += b
            out[filled[first:stop]] = np.minimum.reduceat(matrix, starts[first:stop] - lo, axis=1).T
            first = stop
        return out

    def _scratch(self, columns: int) -> np.ndarray | None:
        """A reused ``(num_perm, columns)`` matrix for a block of shingles (``None``: too wide).

        A new matrix per block (4 MB then) is mapped fresh from the kernel whenever the allocator has
        returned the last one, and writing it first faults in its pages. In a process running
        only the dedupe-features step that was 2.75 page faults a news lead, and the step took
        45.5 µs a lead against 40.2 with this matrix (0.02 faults); behind the other per-row
        steps, whose large arrays keep the allocator's memory mapped, 47.5 against 46.6
        (CPU time, ``bench_steps.py`` leads, 2026-11-30). One matrix kept per hasher is always
        warm, whatever the process did before.
        """
        if columns > _BLOCK_COLUMNS:
            return None
        if self._matrix is None or self._matrix.shape[1] < columns:
            self._matrix = np.empty((self.num_perm, _BLOCK_COLUMNS), dtype=np.uint64)
        return self._matrix[:, :columns]

    def signature(self, syllables: Sequence[str]) -> np.ndarray:
        """Return the MinHash signature of one text.

        Args:
            syllables: The text's syllables in order.

        Returns:
            A ``(num_perm,)`` ``uint64`` array.
        """
        return self.signatures_from_shingles([self.shingles(syllables)])[0]


class _FoldedHashes(SyllableMemo):
    """:func:`_hash_syllables` of each syllable of the process's shared numbering."""

    def _reset(self) -> None:
        self._hashes = _Growing(np.uint64)

    def _add(self, fresh: list[str]) -> None:
        self._hashes.extend(_hash_syllables(fresh, len(fresh)))

    def _snapshot(self) -> np.ndarray:
        return self._hashes.view()


def _hash_syllables(syllables: Iterable[str], count: int) -> np.ndarray:
    """The 64-bit BLAKE2b of each syllable's folded form: accent-free copies shingle alike."""
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(fold(syl).encode("utf-8"), digest_size=8).digest(), "little")
            for syl in syllables
        ),
        dtype=np.uint64,
        count=count,
    )


def _sort_within_documents(hashes: np.ndarray, doc_of: np.ndarray, n_docs: int) -> np.ndarray:
    """``hashes`` sorted within each document (``doc_of`` is non-decreasing, so it stays as it is).

    One sort of the document number packed above the hash's high bits, which is exact unless two
    different hashes of one document share those bits (then the order is checked and, if wrong,
    the two-sort way is taken): 1.6 times faster than sorting the hashes, then the documents.
    """
    doc_bits = max(1, (n_docs - 1).bit_length())
    index_bits = max(1, (hashes.size - 1).bit_length())
    if doc_bits + index_bits <= _PACKED_BITS:
        # The position rides in the low bits, so a plain sort (2.5 times faster than argsort
        # on a batch of leads) gives the order too: shingles_many took 0.3-0.5 µs a news lead
        # less (CPU time, alternating runs, 2026-11-30). The hash keeps 24 high bits or more.
        low = 64 - doc_bits - index_bits
        packed = (doc_of.astype(np.uint64) << np.uint64(64 - doc_bits)) | (
            (hashes >> np.uint64(64 - low)) << np.uint64(index_bits)
        )
        packed |= np.arange(hashes.size, dtype=np.uint64)
        packed.sort()
        out = hashes[(packed & np.uint64((1 << index_bits) - 1)).astype(np.intp)]
        same = (packed[1:] >> np.uint64(64 - doc_bits)) == (packed[:-1] >> np.uint64(64 - doc_bits))
        if not np.any((out[1:] < out[:-1]) & same):
            return out
    elif doc_bits < 32:
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


def _cell_count(entries: int) -> int:
    """Hash cells for ``entries`` band keys: a power of two, 2 to 4 cells a key.

    Four bytes a cell: at one key a cell the index was ~8 MiB smaller at the default capacity,
    but a lookup met twice as many other keys and adding one document at a time cost ~10 µs
    instead of ~8.6 µs (CPU time, bench over the 1M-row input, 2026-11-30).
    """
    return 1 << max(4, (2 * entries - 1).bit_length())


def _equal_pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions ``earlier < later`` holding equal values.

    Args:
        values: Any values (a handful: the keys of a chunk that share a hash cell).

    Returns:
        ``(later, earlier)`` position arrays.
    """
    order = np.lexsort((np.arange(values.size), values))
    ranked = values[order]
    opens = np.ones(values.size, dtype=bool)
    opens[1:] = ranked[1:] != ranked[:-1]
    rank = np.arange(values.size)
    group_start = np.maximum.accumulate(np.where(opens, rank, 0))
    counts = rank - group_start  # earlier members of its group
    later = np.repeat(rank, counts)
    # For each later member, the ranks group_start .. rank - 1.
    offsets = np.arange(later.size) - np.repeat(np.cumsum(counts) - counts, counts)
    earlier = np.repeat(group_start, counts) + offsets
    return order[later], order[earlier]


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
    added before it (older ones are evicted first in first out, which bounds memory), and of
    those with the ones whose shingles the budget still holds: ``shingle_budget`` bytes of them
    (:data:`SHINGLE_BUDGET`, 16 million shingles: the capacity of news leads, about 18,000 whole
    articles; over 100,000 articles the process that reads them peaked at 1,431 MiB of PSS
    without a budget, and at 866 MiB of RSS with it, the output the same). A
    candidate counts only if the exact Jaccard of the shingle sets is at least ``threshold``;
    the document joins the group of its most similar match (ties: the earliest), so the result
    depends only on the input order.

    Storage is a few flat arrays, sized once from the capacity, instead of Python objects per
    band key. At the default capacity, over news leads of ~50 shingles, the index holds 78 MiB
    where a ``dict`` of its 1.2 million 64-bit ``int`` keys, their bucket lists and one shingle
    array per document held 185 MiB (and 268 MiB at its peak, when the dictionary grew), and
    :meth:`add_many` takes ~3 µs of CPU a document instead of ~12.5 (tracemalloc and process
    time over the features of the 1M-row ``bench_analyze.py`` input, 2026-11-30):

    * documents live in a ring of ``capacity + chunk`` *slots* (a document's sequence number
      modulo the ring size) holding its band keys, sequence number, id and group;
    * band keys are found through a chained hash table: ``head[cell]`` is the newest entry
      (``slot * bands + band``) whose key falls in that cell and ``next[entry]`` the previous
      one, so a cell's chain runs from the newest entry to the oldest;
    * shingle sets are copied into shared segments of ``2**18`` hashes, released once every
      document in them is evicted.

    Eviction costs nothing: a chain is read from the newest entry and is cut where an entry is
    older than the window, or was since reused by a newer document (its key falls in another
    cell, or it is not older than the entry before it). First-in-first-out eviction makes
    every cell's stale entries a tail of its chain, so what is cut is exactly what was evicted.
    The ring keeps ``chunk`` slots beyond the capacity so that an :meth:`add_many` chunk can
    be linked at once before it is looked up, without overwriting documents its first members
    must still see.

    Args:
        threshold: Jaccard similarity from which two texts are near-duplicates.
        num_perm: Signature length (ignored when ``hasher`` is given).
        shingle: Syllables per shingle (ignored when ``hasher`` is given).
        seed: Permutation seed (ignored when ``hasher`` is given).
        capacity: How many recent documents are kept for comparison.
        hasher: A shared :class:`MinHasher`, e.g. the one worker processes used.
        target_recall: Candidate probability at exactly ``threshold`` (see :func:`choose_bands`).
        shingle_budget: Bytes of shingles kept at most (in whole segments, two at least).

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
        shingle_budget: int = SHINGLE_BUDGET,
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
        self._next_seq = 0
        self._chunk = min(capacity, _CHUNK)
        ring = self._ring = capacity + self._chunk
        entries = ring * self.bands
        cells = _cell_count(entries)
        self._cell_mask = np.uint64(cells - 1)
        entry_type = np.int32 if entries < 2**31 else np.int64
        self._head = np.full(cells, -1, dtype=entry_type)
        self._next = np.full(entries, -1, dtype=entry_type)
        self._keys = np.zeros((ring, self.bands), dtype=np.uint64)
        self._flat_keys = self._keys.reshape(-1)
        # A slot never used holds a sequence number just older than the first window (not a huge
        # negative one: sequence x bands must not overflow in the vectorised chain walk).
        self._seqs = np.full(ring, -capacity - 1, dtype=np.int64)
        self._ids: list[str | None] = [None] * ring
        self._groups: list[str | None] = [None] * ring
        # Shingles: segment serial, start and size of each slot's set in ``_segments``, which
        # maps serials (from ``_oldest_segment`` on) to arrays; ``_segment_starts`` holds the
        # first sequence number stored in each, so a segment is released once the next one's
        # first document leaves the window.
        self._segment_size = min(_SEGMENT, 64 * capacity)
        # The segments a document's window may reach: its own and the ones before (see
        # _floor_of). At least two, so a window never starts inside the segment being filled.
        self._max_segments = max(2, shingle_budget // (8 * self._segment_size))
        self._segments: dict[int, np.ndarray] = {}
        self._segment_starts: deque[int] = deque()
        self._oldest_segment = 0
        self._open_segment = _EMPTY
        self._segment_fill = 0
        self._release_at = _TOP
        self._shingle_segment = np.zeros(ring, dtype=np.int64)
        self._shingle_start = np.zeros(ring, dtype=np.int32)
        self._shingle_size = np.zeros(ring, dtype=np.int32)
        self._views = self._memoryviews()

    def _memoryviews(self) -> tuple[memoryview, ...]:
        """Views of the arrays :meth:`_add_one` reads and writes one item at a time."""
        arrays = (self._head, self._next, self._flat_keys, self._seqs)
        return tuple(
            memoryview(a) for a in (*arrays, self._shingle_segment, self._shingle_start, self._shingle_size)
        )

    def __getstate__(self) -> dict[str, Any]:
        # Memoryviews do not pickle; they are views of arrays that do.
        state = self.__dict__.copy()
        del state["_views"], state["_flat_keys"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._flat_keys = self._keys.reshape(-1)
        self._views = self._memoryviews()
        if "_max_segments" not in state:  # pickled before the budget: as large as its capacity was
            self._max_segments = 1 << 40

    def __len__(self) -> int:
        return min(self._next_seq, self.capacity)

    def _open_serial(self) -> int:
        """The serial of the segment being filled (-1 before the first)."""
        return self._oldest_segment + len(self._segments) - 1

    def _floor_of(self, serial: int) -> int:
        """The oldest sequence number a document stored in segment ``serial`` is compared with, by
        the budget: the first of the ``_max_segments - 1`` segments before its own (a function of
        the documents' sizes in order alone, so the same however they are batched)."""
        at = serial - self._max_segments + 1 - self._oldest_segment
        return self._segment_starts[at] if at >= 0 else _BOTTOM

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays the index holds (the id strings, shared with the caller, aside)."""
        arrays = (self._head, self._next, self._keys, self._seqs, self._shingle_segment)
        fixed = sum(a.nbytes for a in arrays) + self._shingle_start.nbytes + self._shingle_size.nbytes
        return fixed + sum(s.nbytes for s in self._segments.values())

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

        Raises:
            ValueError: The three arguments do not describe as many documents.
        """
        n = len(doc_ids)
        if len(shingle_sets) != n or len(signatures) != n:
            raise ValueError("doc_ids, shingle_sets and signatures must have the same length")
        if not n:
            return []
        keys = self.band_keys(signatures)
        indexed = [i for i, s in enumerate(shingle_sets) if s.size]
        if len(indexed) == n:
            # Every document is indexed (the usual case): slices, no per-document gathering.
            out: list[NearDuplicateMatch] = []
            for lo in range(0, n, self._chunk):
                hi = min(n, lo + self._chunk)
                out += self._add_chunk(list(doc_ids[lo:hi]), list(shingle_sets[lo:hi]), keys[lo:hi])
            return out
        # A text without syllables resembles nothing; it is not indexed.
        matches = [NearDuplicateMatch(d, d, None, 0.0) for d in doc_ids]
        for lo in range(0, len(indexed), self._chunk):
            part = indexed[lo : lo + self._chunk]
            found = self._add_chunk([doc_ids[i] for i in part], [shingle_sets[i] for i in part], keys[part])
            for i, match in zip(part, found, strict=True):
                matches[i] = match
        return matches

    def remember(
        self, doc_ids: Sequence[str], shingle_sets: Sequence[np.ndarray], groups: Sequence[str]
    ) -> None:
        """Add documents whose groups were decided elsewhere, keeping those groups: a document
        added later that matches one of them joins its group, as if this index had grouped it.

        For an index that goes on from documents another index grouped (the platform's, from
        the signals other processes stored: ``duluan.apps.intake.near``). They are stored in
        order after the documents already here, and not compared with anything: their groups are
        given (2,000 like texts took 0.54 s of CPU to add with :meth:`add_many`, 114,830 exact
        comparisons, for nothing; 2026-12-07).

        Args:
            doc_ids: Ids in stream order.
            shingle_sets: :meth:`MinHasher.shingles` of each document.
            groups: The group of each (its own id when it is first of its group).
        """
        if not len(doc_ids) == len(shingle_sets) == len(groups):
            raise ValueError("doc_ids, shingle_sets and groups must have the same length")
        # A text without syllables resembles nothing; it is not indexed.
        indexed = [i for i, s in enumerate(shingle_sets) if s.size]
        for lo in range(0, len(indexed), self._chunk):
            part = indexed[lo : lo + self._chunk]
            sets = [shingle_sets[i] for i in part]
            keys = self.band_keys(self.hasher.signatures_from_shingles(sets))
            first, m = self._next_seq, len(part)
            slots = np.arange(first, first + m, dtype=np.int64) % self._ring
            self._store(first, slots, [doc_ids[i] for i in part], sets, keys)
            for slot, i in zip(slots.tolist(), part, strict=True):
                self._groups[slot] = groups[i]
            self._next_seq = first + m
            if self._next_seq - self.capacity >= self._release_at or len(self._segments) > self._max_segments:
                self._release_segments()

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
        return self._add_one(doc_id, shingles, keys.tolist())

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
        found = []
        for seq in self._candidate_seqs(keys).tolist():
            slot = seq % self._ring
            if self._may_reach(shingles.size, int(self._shingle_size[slot])):
                sim = jaccard(shingles, self._stored_shingles(slot))
                if sim >= self.threshold:
                    found.append((self._ids[slot] or "", sim))
        return found

    def candidates(self, keys: np.ndarray) -> list[str]:
        """Return the ids sharing at least one LSH bucket with these band keys (unverified)."""
        return [self._ids[seq % self._ring] or "" for seq in self._candidate_seqs(keys).tolist()]

    def _candidate_seqs(self, keys: np.ndarray) -> np.ndarray:
        """Sorted sequence numbers of the documents in the window sharing one of ``keys``."""
        flat = np.asarray(keys, dtype=np.uint64).reshape(-1)
        starts = self._head[(flat & self._cell_mask).astype(np.intp)]
        oldest = max(self._next_seq - self.capacity, self._floor_of(self._open_serial() + 1))
        _query, seqs = self._walk(flat, starts, oldest)
        return np.unique(seqs)

    def _may_reach(self, size: int, other: int) -> bool:
        """False when two sets of these sizes cannot reach the threshold (Jaccard ≤ small/large)."""
        small, large = sorted((size, other))
        return not small < self.threshold * large

    def _stored_shingles(self, slot: int) -> np.ndarray:
        start = int(self._shingle_start[slot])
        return self._segments[int(self._shingle_segment[slot])][start : start + int(self._shingle_size[slot])]

    def _add_one(self, doc_id: str, shingles: np.ndarray, keys: list[int]) -> NearDuplicateMatch:
        """Store and match one document: :meth:`_add_chunk`'s work in plain Python.

        A dozen keys are too few for numpy's per-call cost (a chunk of one took ~100 µs): here
        chains are read through memoryviews of the same arrays, which index in tens of
        nanoseconds, so one document costs about what the dictionary of keys used to cost.
        """
        bands, ring, mask = self.bands, self._ring, int(self._cell_mask)
        first = self._next_seq
        head, after, stored, seqs, *_shingle_views = self._views
        # The segment its shingles go to (_store_one_shingles) bounds its window by the budget.
        fits = self._open_segment.size - self._segment_fill >= shingles.size
        oldest = max(first - self.capacity, self._floor_of(self._open_serial() + (0 if fits else 1)))
        slot = first % ring
        # The slot's previous document is out of the window (first - ring < oldest). Its
        # entries are overwritten band by band below, while this document's earlier bands are
        # already linked: those have this sequence number, so they are passed over (the chain
        # goes on behind them) but never found, and any old entry still met is cut as stale.
        seqs[slot] = first
        new = slot * bands
        found = set()
        for key in keys:
            cell = key & mask
            entry = head[cell]
            # Linked before the walk, which starts from the previous head.
            stored[new] = key
            after[new] = entry
            head[cell] = new
            new += 1
            bound = _TOP
            while entry >= 0:
                # Reused or stale: the rest of the chain is older still (see the class notes).
                # Tested one at a time, cheapest first: most chains end on a reused entry.
                other = stored[entry]
                if other & mask != cell:
                    break
                row = entry // bands
                seq = seqs[row]
                if seq < oldest:
                    break
                order = seq * bands + entry - row * bands
                if order >= bound:
                    break
                if other == key and seq < first:
                    found.add(seq)
                bound = order
                entry = after[entry]
        best_seq, best_sim = -1, 0.0
        if found:
            size, threshold = shingles.size, self.threshold
            for seq in sorted(found):
                other_slot = seq % ring
                if self._may_reach(size, self._shingle_size.item(other_slot)):
                    sim = jaccard(shingles, self._stored_shingles(other_slot))
                    # By increasing sequence number: a strict ">" keeps the earliest tie.
                    if sim >= threshold and sim > best_sim:
                        best_seq, best_sim = seq, sim
        if best_seq < 0:
            match = NearDuplicateMatch(doc_id, doc_id, None, 0.0)
        else:
            other_slot = best_seq % ring
            match = NearDuplicateMatch(
                doc_id, self._groups[other_slot] or doc_id, self._ids[other_slot], best_sim
            )
        self._ids[slot] = doc_id
        self._groups[slot] = match.group
        self._store_one_shingles(first, slot, shingles)
        self._next_seq = first + 1
        if first + 1 - self.capacity >= self._release_at or len(self._segments) > self._max_segments:
            self._release_segments()
        return match

    def _store_one_shingles(self, seq: int, slot: int, shingles: np.ndarray) -> None:
        """:meth:`_store_shingles` for one set."""
        size = shingles.size
        if self._open_segment.size - self._segment_fill < size:
            self._new_segment(seq, size)
        fill = self._segment_fill
        self._open_segment[fill : fill + size] = shingles
        _views = self._views
        _views[4][slot] = self._oldest_segment + len(self._segments) - 1
        _views[5][slot] = fill
        _views[6][slot] = size
        self._segment_fill = fill + size

    def _new_segment(self, seq: int, size: int) -> None:
        """Open a segment for sets from sequence number ``seq`` on, at least ``size`` long."""
        serial = self._oldest_segment + len(self._segments)
        self._open_segment = self._segments[serial] = np.empty(max(self._segment_size, size), dtype=np.uint64)
        self._segment_fill = 0
        self._segment_starts.append(seq)
        if len(self._segment_starts) == 2:
            self._release_at = seq

    def _add_chunk(
        self, doc_ids: list[str], shingle_sets: list[np.ndarray], keys: np.ndarray
    ) -> list[NearDuplicateMatch]:
        """Store and match at most ``_chunk`` documents with non-empty shingle sets.

        The chunk is stored and linked at once; its keys are then looked up from the heads
        their cells had before (the documents stored earlier), and pairs inside the chunk come
        from the few cells that received several of its entries. A document keeps the hits
        older than itself and inside its own window.
        """
        m, bands, ring, capacity = len(doc_ids), self.bands, self._ring, self.capacity
        first = self._next_seq
        slots = np.arange(first, first + m, dtype=np.int64) % ring
        flat_keys = keys.reshape(-1)
        sizes, old_heads, shared = self._store(first, slots, doc_ids, shingle_sets, keys)
        # Each document's floor by the budget, from the segment its shingles went to.
        serials = self._shingle_segment[slots] - self._oldest_segment - self._max_segments + 1
        starts = np.fromiter(self._segment_starts, dtype=np.int64, count=len(self._segment_starts))
        floors = np.where(serials >= 0, starts[np.maximum(serials, 0)], _BOTTOM)
        query, found = self._walk(flat_keys, old_heads, max(first - capacity, int(floors[0])))
        later, earlier = _equal_pairs(flat_keys[shared])
        doc = np.concatenate((query // bands, shared[later] // bands))
        found = np.concatenate((found, shared[earlier] // bands + first))
        own = doc + first
        inside = (found < own) & (found >= own - capacity) & (found >= floors[doc])
        # One code per (document, candidate): sorted, then per document by sequence number.
        stride = capacity + m
        codes = np.unique(doc[inside] * stride + (found[inside] - (first - capacity)))
        doc, found = codes // stride, codes % stride + (first - capacity)
        other_sizes = self._shingle_size[found % ring]
        small, large = np.minimum(sizes[doc], other_sizes), np.maximum(sizes[doc], other_sizes)
        reachable = ~(small < self.threshold * large)
        best: dict[int, tuple[int, float]] = {}
        threshold = self.threshold
        for d, seq in zip(doc[reachable].tolist(), found[reachable].tolist(), strict=True):
            sim = jaccard(shingle_sets[d], self._stored_shingles(seq % ring))
            # Candidates come by increasing sequence number: a strict ">" keeps the earliest tie.
            if sim >= threshold and (d not in best or sim > best[d][1]):
                best[d] = (seq, sim)
        ids, groups = self._ids, self._groups
        out = []
        for d, doc_id in enumerate(doc_ids):
            hit = best.get(d)
            if hit is None:
                out.append(NearDuplicateMatch(doc_id, doc_id, None, 0.0))
                continue
            seq, sim = hit
            slot = seq % ring
            group = groups[slot] or doc_id
            # In order, so a later member of the chunk sees this document's group.
            groups[(first + d) % ring] = group
            out.append(NearDuplicateMatch(doc_id, group, ids[slot], sim))
        self._next_seq = first + m
        if self._next_seq - capacity >= self._release_at or len(self._segments) > self._max_segments:
            self._release_segments()
        return out

    def _store(
        self,
        first: int,
        slots: np.ndarray,
        doc_ids: list[str],
        shingle_sets: list[np.ndarray],
        keys: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Write a chunk into its slots (evicting their previous documents) and link its keys.

        Returns:
            The size of each shingle set; per entry of the chunk (``keys`` flattened), the head
            its cell had before; the sorted positions of the entries whose cell received
            several of the chunk's entries.
        """
        m, bands, ring = len(doc_ids), self.bands, self._ring
        self._keys[slots] = keys
        self._seqs[slots] = np.arange(first, first + m, dtype=np.int64)
        start = first % ring
        split = min(m, ring - start)
        for names in (self._ids, self._groups):
            names[start : start + split] = doc_ids[:split]
            names[: m - split] = doc_ids[split:]
        sizes = self._store_shingles(first, slots, shingle_sets)
        # Link as if the entries were pushed one by one in (document, band) order. Nearly every
        # cell receives one entry: it points to the cell's old head and becomes its head. Cells
        # that received several (their write was lost to another) are then chained in order:
        # sorting only those is ten times cheaper than sorting all the chunk's cells.
        entries = (slots[:, None] * bands + np.arange(bands)).reshape(-1)
        cells = (keys.reshape(-1) & self._cell_mask).astype(np.intp)
        old_heads = self._head[cells]
        self._next[entries] = old_heads
        self._head[cells] = entries
        winners = self._head[cells]
        lost = np.flatnonzero(winners != entries)
        if not lost.size:
            return sizes, old_heads, lost
        won = winners[lost].astype(np.int64)
        won_slots = won // bands
        shared = np.union1d(lost, (won_slots - slots[0]) % ring * bands + won - won_slots * bands)
        order = np.argsort(cells[shared], kind="stable")
        chained, chained_cells = entries[shared[order]], cells[shared[order]]
        same = chained_cells[1:] == chained_cells[:-1]
        self._next[chained[1:][same]] = chained[:-1][same]
        last = np.append(~same, True)
        self._head[chained_cells[last]] = chained[last]
        return sizes, old_heads, shared

    def _store_shingles(self, first: int, slots: np.ndarray, shingle_sets: list[np.ndarray]) -> np.ndarray:
        """Copy shingle sets into the segments; a set never straddles two segments.

        Args:
            first: Sequence number of the first set.
            slots: Slot of each set.
            shingle_sets: The sets.

        Returns:
            The size of each set.
        """
        sizes = np.fromiter((s.size for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
        done = 0
        while done < len(shingle_sets):
            ends = np.cumsum(sizes[done:])
            take = int(np.searchsorted(ends, self._open_segment.size - self._segment_fill, side="right"))
            if take == 0:
                self._new_segment(first + done, int(sizes[done]))
                continue
            stop, fill, total = done + take, self._segment_fill, int(ends[take - 1])
            np.concatenate(shingle_sets[done:stop], out=self._open_segment[fill : fill + total])
            where = slots[done:stop]
            self._shingle_segment[where] = self._oldest_segment + len(self._segments) - 1
            self._shingle_start[where] = fill + ends[:take] - sizes[done:stop]
            self._shingle_size[where] = sizes[done:stop]
            self._segment_fill = fill + total
            done = stop
        return sizes

    def _release_segments(self) -> None:
        """Drop the shingle segments that only hold documents out of every future window: older
        than the capacity's, or than the budget's (a later document's segment is the open one or
        a newer, see _floor_of)."""
        starts = self._segment_starts
        while len(starts) > 1 and (
            starts[1] <= self._next_seq - self.capacity
            or self._oldest_segment < self._open_serial() - self._max_segments + 1
        ):
            starts.popleft()
            del self._segments[self._oldest_segment]
            self._oldest_segment += 1
        self._release_at = starts[1] if len(starts) > 1 else _TOP

    def _walk(self, query_keys: np.ndarray, starts: np.ndarray, oldest: int) -> tuple[np.ndarray, np.ndarray]:
        """Follow many chains at once; return the entries holding the keys looked up.

        Args:
            query_keys: Band keys to look up.
            starts: For each key, the entry its chain is read from (a head; -1: none).
            oldest: Sequence number below which entries are stale.

        Returns:
            ``(query, seq)``: for each entry found, which key found it and its document's
            sequence number (a document appears once per band whose key matched).
        """
        bands, mask = self.bands, self._cell_mask
        query = np.flatnonzero(starts >= 0)
        current = starts[query].astype(np.intp)
        query_cells = query_keys & mask
        # Each step must go to an older entry: (sequence, band) strictly decreasing.
        bound = np.full(current.size, _TOP, dtype=np.int64)
        hit_queries, hit_seqs = [], []
        while current.size:
            key = self._flat_keys[current]
            slot = current // bands
            seq = self._seqs[slot]
            order = seq * bands + (current - slot * bands)
            valid = ((key & mask) == query_cells[query]) & (order < bound) & (seq >= oldest)
            if not valid.all():
                current, query, key, seq, order = (
                    current[valid],
                    query[valid],
                    key[valid],
                    seq[valid],
                    order[valid],
                )
            hit = key == query_keys[query]
            hit_queries.append(query[hit])
            hit_seqs.append(seq[hit])
            current = self._next[current].astype(np.intp)
            more = current >= 0
            current, query, bound = current[more], query[more], order[more]
        if not hit_queries:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
        return np.concatenate(hit_queries), np.concatenate(hit_seqs)


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
