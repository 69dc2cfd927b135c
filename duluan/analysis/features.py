"""Fast, deterministic n-gram features for Vietnamese text classifiers.

:class:`NgramFeaturizer` turns a batch of texts into an L2-normalised, sublinear TF-IDF sparse
matrix over syllable n-grams (and optionally character n-grams), with every step after the
regular-expression split done in numpy over the whole batch. That is what lets a linear model
classify tens of thousands of news leads per second on one core, where scikit-learn's
``HashingVectorizer`` spends most of its time joining n-gram strings in Python.

Syllables are mapped to integer ids through a vocabulary learned in :meth:`NgramFeaturizer.fit`
(unseen syllables carry no learned weight, so they are dropped; a syllable's id is a slot chosen
by a fixed hash of its text, see :func:`_slot_ids`); n-gram keys are built from
those ids and hashed with a fixed 64-bit mixer into ``n_features`` buckets, so the model stores
no n-gram vocabulary and hashing is identical in every process (unlike Python's ``hash``).
Because each bucket is computed from positions in the batch, :meth:`NgramFeaturizer.explain`
can name the exact words that weighed most for a document without a reverse map.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from duluan.analysis import negation
from duluan.analysis.courtesy import courtesy_positions, courtesy_triggers
from duluan.analysis.model_io import model_part
from duluan.analysis.normalise import canonical_tones, fold

if TYPE_CHECKING:
    import scipy.sparse as sp
# scipy.sparse is imported by the functions that make sparse matrices (training, the numpy path),
# not here: ``duluan classify`` by the compiled loops never makes one, and importing it took
# 66-77 ms of the command's start-up, before any row is read (python -X importtime, 2026-12-03).

# A private separator between documents of a batch; it can never be a syllable.
_DOC_SEP = "\x00"
_TOKEN_RE = re.compile(r"\w+|\x00")
# The same tokens in a text without the separator, found 7 % faster (no alternative to try at
# each character; 93 against 100 ms for 8,192 news leads, measured 2026-11-30).
_WORD_RE = re.compile(r"\w+")
# Everything that is not a letter or digit becomes one space for character n-grams.
_NON_WORD_RE = re.compile(r"(?:[^\w\x00]|_)+")
_BITS = 21  # syllable ids fit in 21 bits, so three of them fit in one 64-bit key
_MAX_VOCAB = (1 << _BITS) - 2


def _slot_ids(syllables: Sequence[str]) -> dict[str, int]:
    """Each syllable's id: a slot among _MAX_VOCAB chosen by a fixed hash of its text (CRC-32
    of its UTF-8), the next free one after it when taken, the syllables placed in the order of
    their slots (then of their texts).

    The n-gram buckets are hashed from the ids, so ids that hang on the training set (they were
    the syllables' ranks by frequency) made any text learnt move which n-grams share a bucket,
    and so labels of texts that have nothing to do with it: learning 20 more written messages
    (thanks, greetings) changed 47 of the 1,728 labels of the topic gold sets with ranks, 8 with
    slots (right: 1,363 against 1,367 with ranks, 1,367 against 1,366 with slots; 2026-12-06).
    A slot moves only when another syllable comes to take it first (~100,000 syllables in two
    million slots). A model learnt before keeps its ids: they are only numbers.
    """
    homes = sorted((zlib.crc32(tok.encode("utf-8", "surrogatepass")) % _MAX_VOCAB, tok) for tok in syllables)
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for home, tok in homes:
        slot = home
        while slot in taken:
            slot = (slot + 1) % _MAX_VOCAB
        taken.add(slot)
        ids[tok] = slot
    return ids


_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# Multiplier of the polynomial key of a character n-gram (FNV-1a's 64-bit prime).
_CHAR_PRIME = 0x100000001B3
# A featurizer remembers this many distinct syllables before it starts its memo afresh.
_MAX_TYPES = 200_000
_ROOM = 4096  # unseen syllables a compiled scorer's table first has room for (see _reset)


def prepare(text: str) -> str:
    """Return the form every feature is computed from: NFC, canonical tones, lower case.

    Tone placement matters: "hoà" and "hòa" must be one feature, and the corpora mix both.
    Characters are kept one for one apart from NFC composition.

    Args:
        text: Any text (``None`` is treated as empty).

    Returns:
        The prepared text.
    """
    if not text:
        return ""
    text = str(text)
    if not text.isascii():
        text = canonical_tones(unicodedata.normalize("NFC", text))
    return text.lower()


def syllables(text: str) -> list[str]:
    """Split prepared text into syllables (runs of letters and digits).

    Args:
        text: Text, already passed through :func:`prepare` or not.

    Returns:
        The syllables, lower case, in order.
    """
    return [t for t in _TOKEN_RE.findall(prepare(text)) if t != _DOC_SEP]


@dataclass(frozen=True)
class TokenBatch:
    """A batch of texts split into syllables once, for every featurizer (and lexicon) that reads it.

    Attributes:
        texts: The texts (``None`` as empty, the private separator as a space).
        tokens: The runs of letters, digits and underscores of the texts, NFC and lower case,
            with the separator between two texts.
        lengths: How many tokens each text has (separators apart).
        token_lists: Each text's tokens as the list they were read from: the one given for it
            (the same object) or the one split here; empty when the batch was split at once.

    Character n-grams read every text as if a space stood before and after it, the first and the
    last of the batch too, so that a text's features never depend on the texts beside it.
    """

    texts: list[str]
    tokens: list[str]
    lengths: np.ndarray
    token_lists: list[list[str]] = field(default_factory=list, repr=False, compare=False)
    _numbered: list = field(default_factory=list, init=False, repr=False, compare=False)

    def numbered(self) -> tuple[np.ndarray, list[str], int]:
        """Number the tokens in the process's syllable table, once for every reader of the batch.

        Returns:
            ``(ids, strings, generation)``: each token's id, the table's strings (id → syllable)
            and its generation (the table starts afresh when full; ids of different generations
            must not be mixed).
        """
        if not self._numbered or self._numbered[2] != _SYLLABLES.generation:
            self._numbered[:] = _SYLLABLES.number(self.tokens)
        ids, strings, generation = self._numbered
        return ids, strings, generation

    @property
    def n_docs(self) -> int:
        """Number of texts."""
        return len(self.texts)

    @property
    def joined(self) -> str:
        """The texts, NFC and lower case, one after the other with the separator, a space first
        and last."""
        return _join_batch(self.texts)

    def starts(self) -> np.ndarray:
        """Index in :attr:`tokens` of each text's first token."""
        steps = self.lengths + 1
        return np.cumsum(steps) - steps


def tokenise_batch(
    texts: Sequence[str | None], syllables: Sequence[list[str] | None] | None = None
) -> TokenBatch:
    """Split a batch of texts into syllables, once for all the featurizers that read it.

    Args:
        texts: The texts (``None`` counts as empty).
        syllables: Optionally, per text, its tokens already split (or ``None`` to split it here):
            exactly ``re.findall(r"\\w+", NFC(text).lower())``. A text that is not NFC is split
            here whatever is given.

    Returns:
        The :class:`TokenBatch` that :meth:`NgramFeaturizer.transform` and
        :meth:`NgramFeaturizer.transform_batch` also accept in place of the texts.
    """
    clean = [
        t if t and _DOC_SEP not in t else ("" if t is None else str(t)).replace(_DOC_SEP, " ") for t in texts
    ]
    given = syllables if syllables is not None else [None] * len(clean)
    if len(given) != len(clean):
        raise ValueError("syllables and texts differ in length")
    if syllables is None:
        tokens = _word_runs(_join_batch(clean))
        return TokenBatch(clean, tokens, _lengths_between_separators(tokens, len(clean)))
    tokens: list[str] = []
    token_lists: list[list[str]] = []
    lengths = np.empty(len(clean), dtype=np.int64)
    findall = _WORD_RE.findall  # the texts are clean of the separator
    for i, (text, toks) in enumerate(zip(clean, given, strict=True)):
        if toks is None or not unicodedata.is_normalized("NFC", text):
            toks = findall(_lower_nfc(text))
        if i:
            tokens.append(_DOC_SEP)
        tokens.extend(toks)
        token_lists.append(toks)
        lengths[i] = len(toks)
    return TokenBatch(clean, tokens, lengths, token_lists)


def token_breaks(batch: TokenBatch) -> np.ndarray:
    """Per token of ``batch``, whether a mark that ends a clause or a sentence, or a line break,
    stands before it in its text (:func:`~duluan.analysis.negation.clause_starts_many`): bool.

    Syllables are read without the marks between them, so an n-gram can join the end of one
    sentence to the next one's start ("hôn mê. Lưu bài viết" gave "mê lưu"): such an n-gram
    explains no label (:func:`_phrases`), and an edge never moves across a mark
    (:meth:`NgramFeaturizer._edges`). A text whose runs are not its tokens (they were given
    otherwise split) has none.
    """
    out = np.zeros(len(batch.tokens), dtype=np.bool_)
    texts = batch.texts
    if not texts:
        return out
    # The texts as they are: their runs are their tokens but where lower case or NFC changes
    # them (found apart, then read as the tokens were): 1.5 µs a news lead, not 3.2 by
    # clause_starts_many of the lowered texts (20,000 of bench_steps.py's leads, 2026-12-06).
    broken, text_of, found, astral = negation.clause_marks(texts)
    counts = batch.lengths
    starts = batch.starts()
    ok = (found == counts) & ~astral
    first_index = np.cumsum(found) - found
    at = np.flatnonzero(broken & ok[text_of])
    owner = text_of[at]
    out[starts[owner] + at - first_index[owner]] = True
    for t in np.flatnonzero(~ok).tolist():
        some = negation.clause_starts(_lower_nfc(texts[t]), int(counts[t]))
        out[[int(starts[t]) + i for i in some or ()]] = True
    return out


def negated_batch(batch: TokenBatch, scope: int) -> TokenBatch:
    """``batch`` with the syllables its negators govern marked (:mod:`duluan.analysis.negation`),
    or the same batch when none is; its texts as they are, for what reads them (the layout, the
    emoji).

    The negators are found among the batch's syllable numbers, which the other readers of the
    batch made already, and only the marked syllables are numbered again: 2.2 µs a news lead,
    punctuation found included, against 3.5 for walking every token in Python and numbering the
    marked batch anew, without it (20,000 of ``bench_steps.py``'s leads, best of 5, 2026-12-06).
    """
    if scope <= 0:
        return batch
    numbers = None
    while numbers is None:  # the table may start afresh between the two (another thread's batch)
        ids, _, generation = batch.numbered()
        numbers = _SYLLABLES.numbers_of(negation.NEGATORS, generation)
    if not numbers.size:
        return batch
    hits = np.flatnonzero(np.isin(ids, numbers))
    if not hits.size:
        return batch
    # The syllables after punctuation, in the texts that hold a negator (a scope ends there).
    starts = batch.starts()
    held = np.unique(np.searchsorted(starts, hits, side="right") - 1).tolist()
    found = negation.clause_starts_many(
        [_lower_nfc(batch.texts[t]) for t in held], batch.lengths[held].tolist()
    )
    breaks = {int(starts[t]) + i for t, at in zip(held, found, strict=True) for i in at or ()}
    tokens = batch.tokens
    at = negation.governed(tokens, hits.tolist(), scope, _DOC_SEP, breaks)
    if not at:
        return batch
    marked_tokens = list(tokens)
    for position in at:
        marked_tokens[position] = negation.MARK + tokens[position]
    # token_lists: each text's own list is not what the featurizers read (they read tokens).
    marked = TokenBatch(batch.texts, marked_tokens, batch.lengths)
    new, strings, now = _SYLLABLES.number([marked_tokens[p] for p in at])
    if now == generation:  # else the table started afresh: the whole batch is numbered when read
        marked_ids = ids.copy()
        marked_ids[at] = new
        marked._numbered[:] = (marked_ids, strings, now)
    return marked


def quieted_batch(batch: TokenBatch, intensifiers: bool = True, courtesy: bool = False) -> TokenBatch:
    """``batch`` with the syllables that carry no weight of their own read as
    :data:`~duluan.analysis.negation.QUIET`: with ``intensifiers``, its intensifiers ("rất",
    "cực kỳ") no negator governs (:data:`~duluan.analysis.negation.INTENSIFIERS`); with
    ``courtesy``, the sentences of courtesy of its texts and the thanks before a "but"
    (:func:`~duluan.analysis.courtesy.courtesy_positions`). The same batch when there are none;
    its texts and lengths as they are.

    A quiet syllable is in no n-gram (it is in no vocabulary) and character n-grams read it as a
    space, so "rất nhũng nhiễu" is read as "nhũng nhiễu" is.
    """
    if not intensifiers and not courtesy:
        return batch
    heads = negation.intensifier_heads() if intensifiers else {}
    triggers = courtesy_triggers() if courtesy else ()
    numbers = None
    while numbers is None:  # (see negated_batch)
        ids, strings, generation = batch.numbered()
        numbers = _SYLLABLES.numbers_of(heads, generation)
        cues = _SYLLABLES.numbers_of(triggers, generation)
        if cues is None:
            numbers = None
    tokens = batch.tokens
    at: list[int] = []
    if not numbers.size and not cues.size:
        return batch
    # Both kinds found in one look-up of every syllable's number (two searches by np.isin of the
    # intensifiers' and the triggers' numbers took 0.4 µs more a news lead, 2026-12-07).
    kinds = np.zeros(len(strings), dtype=np.int8)
    kinds[numbers] = 1
    kinds[cues] |= 2
    found_kind = np.take(kinds, ids)
    if numbers.size:
        hits = np.flatnonzero(found_kind & 1)
        if hits.size:
            at = negation.intensifier_positions(tokens, hits.tolist())
    if cues.size:
        cued = np.flatnonzero(found_kind & 2)
        if cued.size:
            starts = batch.starts()
            held = np.unique(np.searchsorted(starts, cued, side="right") - 1).tolist()
            found = [
                int(starts[t]) + i
                for t in held
                for i in courtesy_positions(_lower_nfc(batch.texts[t]), int(batch.lengths[t]))
            ]
            if found:
                at = sorted(set(at).union(found))
    if not at:
        return batch
    quiet_tokens = list(tokens)
    for position in at:
        quiet_tokens[position] = negation.QUIET
    quiet = TokenBatch(batch.texts, quiet_tokens, batch.lengths)
    new, strings, now = _SYLLABLES.number([negation.QUIET])
    if now == generation:  # else the table started afresh: the whole batch is numbered when read
        quiet_ids = ids.copy()
        quiet_ids[at] = new[0]
        quiet._numbered[:] = (quiet_ids, strings, now)
    return quiet


def tokenise_normalised(texts: Sequence[str], tokens: Sequence[list[str] | None]) -> TokenBatch:
    """:func:`tokenise_batch` of normalised texts, reusing the syllables the normaliser split.

    The one adapter from :func:`duluan.analysis.normalise.normalise_many`'s output to what the
    featurizers read, for the pipeline and the model commands alike: a placeholder ``<url>`` is
    the syllable ``url``, and a text holding ``_`` (where the normaliser splits and ``\\w+``
    does not) or without tokens is split again.

    Args:
        texts: The normalised texts (or the raw ones where nothing was normalised).
        tokens: Per text, the normaliser's tokens, or ``None`` to split the text here.
    """
    syllables: list[list[str] | None] = []
    for text, toks in zip(texts, tokens, strict=True):
        if toks is None or "_" in text:
            syllables.append(None)
        elif "<" in text:
            syllables.append([t[1:-1] if t[:1] == "<" else t for t in toks])
        else:
            syllables.append(toks)
    return tokenise_batch(texts, syllables)


@lru_cache(maxsize=1)
def _word_or_space() -> np.ndarray:
    """Per code point of the BMP: itself where ``_TOKEN_RE`` reads it as part of a token (a word
    character or the separator) or where ``str.split`` cuts (white space), a space otherwise.

    Built from the expressions themselves, so that the split below cannot read a character
    otherwise than they do (no character is both a word character and white space).
    """
    bmp = "".join(map(chr, range(0x10000)))
    table = np.full(0x10000, 0x20, dtype="<u2")
    for m in re.finditer(r"[\w\s\x00]+", bmp):
        table[m.start() : m.end()] = np.arange(m.start(), m.end(), dtype="<u2")
    return table


def _word_runs(joined: str) -> list[str]:
    """``_TOKEN_RE.findall(joined)`` for a batch joined by :func:`_join_batch`, found faster.

    The regular-expression engine tries each character (about 20 ns each, 10.3–11.5 µs a news
    lead of 242 characters); here one table look-up over the UTF-16 code units of the batch turns
    every character that is neither part of a token nor white space into a space, and
    ``str.split`` cuts the rest: 6.2 µs a lead (30,000 TC201805 leads, best of 3, 2026-11-30).
    A character beyond the BMP is two surrogates, both made spaces; that is right for those
    that are not word characters (emoji), so only a batch with an astral letter or digit, or a
    lone surrogate, goes to the expression.
    """
    codes = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    halves = np.flatnonzero((codes >= 0xD800) & (codes <= 0xDFFF))
    if halves.size:
        high, low = halves[0::2], halves[1::2]
        if (
            halves.size % 2
            or (low != high + 1).any()
            or (codes[high] > 0xDBFF).any()
            or (codes[low] < 0xDC00).any()
        ):
            return _TOKEN_RE.findall(joined)
        astral = 0x10000 + ((codes[high].astype(np.int64) - 0xD800) << 10) + (codes[low] - 0xDC00)
        if _TOKEN_RE.search("".join(map(chr, astral.tolist()))):
            return _TOKEN_RE.findall(joined)
    return _word_or_space()[codes].tobytes().decode("utf-16-le").split()


def _lengths_between_separators(tokens: list[str], n_texts: int) -> np.ndarray:
    """How many tokens each text has, in ``tokens`` whose texts are cut by the separator."""
    lengths = np.empty(n_texts, dtype=np.int64)
    find = tokens.index
    last = -1
    for i in range(n_texts - 1):
        at = find(_DOC_SEP, last + 1)
        lengths[i] = at - last - 1
        last = at
    if n_texts:
        lengths[-1] = len(tokens) - last - 1
    return lengths


def _lower_nfc(text: str) -> str:
    return (text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)).lower()


def _join_batch(texts: Iterable[str | None], lower: bool = True) -> str:
    # The whole batch is lower-cased (and NFC-composed if needed) in one pass; tone placement
    # is handled per distinct syllable by the vocabulary (see ``NgramFeaturizer._fit``), which is
    # far cheaper than rewriting every document. The compiled loops lower-case it themselves
    # (``lower=False``).
    parts = [t if t and _DOC_SEP not in t else (t or "").replace(_DOC_SEP, " ") for t in texts]
    # A space before the first text and after the last, as between two texts: the first and the
    # last text of a batch had character n-grams the others did not (none at its edges), so a
    # text's sentiment score changed with its place in the batch (e.g. 0.775 alone, 0.764 in the
    # middle of three; nine of the 20,000 leads of `duluan analyze` in batches of 2,000).
    joined = " " + (" " + _DOC_SEP + " ").join(parts) + " "
    if not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)
    return joined.lower() if lower else joined


def count_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> sp.csr_matrix:
    """Count ``(row, col)`` occurrences into a canonical CSR matrix of float32.

    The same matrix as ``csr_matrix((ones, (rows, cols))).sum_duplicates()``, built by sorting one
    packed integer key per occurrence: scipy's COO→CSR conversion plus its per-row index sort
    took a third of a sentiment prediction on news leads, numpy's sort of 32-bit keys a tenth.

    Args:
        rows: Row of each occurrence (non-decreasing or not).
        cols: Column of each occurrence.
        n_rows: Number of rows.
        n_cols: Number of columns.

    Returns:
        A ``(n_rows, n_cols)`` CSR matrix with sorted, unique indices.
    """
    dtype = np.uint32 if n_rows * n_cols < (1 << 32) else np.uint64
    key = np.asarray(rows).astype(dtype) * dtype(n_cols) + np.asarray(cols).astype(dtype)
    return _count_keys(key, n_rows, n_cols)


def _count_keys(key: np.ndarray, n_rows: int, n_cols: int, split: int | None = None, is_sorted: bool = False):
    """:func:`count_matrix` of occurrences given as keys ``row * n_cols + col`` (sorted in place).

    With ``split``, also return the boundaries of each row's two blocks, columns below ``split``
    then the others: ``2 * n_rows + 1`` offsets into the matrix's entries (see
    :func:`_block_sums`), found by a binary search per row in the sorted keys. ``is_sorted``:
    the keys are sorted already (see :func:`_sorted_keys`).
    """
    import scipy.sparse as sp  # (not at the top: see there)

    width = key.dtype.type(n_cols)
    if not is_sorted:
        key.sort()
    first = np.empty(key.size, dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    unique = key[starts]
    counts = np.empty(starts.size, dtype=np.float32)
    np.subtract(starts[1:], starts[:-1], out=counts[:-1], casting="unsafe")
    counts[-1:] = key.size - starts[-1:]
    # Keys are sorted: each row's entries start where its first possible key would go (a few
    # binary searches, where counting the rows of every key cost a tenth of a prediction).
    row_base = np.arange(n_rows + 1, dtype=key.dtype) * width
    indptr = np.searchsorted(unique, row_base)
    if split is not None:
        blocks = np.empty(2 * n_rows + 1, dtype=np.int64)
        blocks[0::2] = indptr
        blocks[1::2] = np.searchsorted(unique, row_base[:-1] + key.dtype.type(split))
    index_dtype = np.int32 if n_cols <= np.iinfo(np.int32).max else np.int64
    indices = unique
    indices -= np.repeat(row_base[:-1], np.diff(indptr))
    # Columns of 32-bit keys fit in 31 bits: the same bits read as signed, without a copy (counting
    # the sentiment model's keys of 1,000 news leads: 5.7 ms, not 5.9; 2026-11-30).
    same_width = indices.dtype.itemsize == np.dtype(index_dtype).itemsize
    indices = indices.view(index_dtype) if same_width else indices.astype(index_dtype)
    matrix = sp.csr_matrix((counts, indices, indptr), shape=(n_rows, n_cols))
    matrix.has_sorted_indices = True
    matrix.has_canonical_format = True
    return matrix if split is None else (matrix, blocks)


# Keys sorted at once by :func:`_sorted_keys`: about 64 KiB of 32-bit keys, within the L2 cache.
_SORT_CHUNK = 1 << 14


def _sorted_keys(parts: Sequence[np.ndarray], n_rows: int, n_cols: int, dtype: type) -> np.ndarray:
    """The keys ``row * n_cols + col`` of ``parts`` in one sorted array; each part's keys must
    come in non-decreasing row order (their columns in any order).

    The keys are written a few rows at a time (each part's keys of those rows, found by a binary
    search: "below the first key of row r" holds for a prefix of a part in row order, so
    ``np.searchsorted`` finds where it ends), and each such chunk is sorted alone. Sorting chunks
    of some 16,000 keys that stay in the cache, rather than the 880,000 keys of the sentiment
    model's 1,000 news leads at once, took joining and sorting them from 4.60 to 4.17 µs a lead
    (best of two, measured 2026-11-30).
    """
    total = sum(part.size for part in parts)
    if total <= _SORT_CHUNK or n_rows <= 1:
        keys = np.concatenate(parts, dtype=dtype) if parts else np.zeros(0, dtype=dtype)
        keys.sort()
        return keys
    rows_per_chunk = -(-n_rows // -(-total // _SORT_CHUNK))
    first_rows = np.append(np.arange(0, n_rows, rows_per_chunk), n_rows)
    bounds = first_rows.astype(dtype) * dtype(n_cols)
    cuts = [np.searchsorted(part, bounds).tolist() for part in parts]
    pieces = [
        part[cut[c] : cut[c + 1]]
        for c in range(bounds.size - 1)
        for part, cut in zip(parts, cuts, strict=True)
    ]
    keys = np.concatenate(pieces, dtype=dtype)
    ends = np.sum(np.asarray(cuts, dtype=np.int64), axis=0).tolist()
    for start, stop in itertools.pairwise(ends):
        keys[start:stop].sort()
    return keys


def _block_sums(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Sum ``values`` (float32) in float64 over each block ``bounds[i]:bounds[i + 1]``.

    The same float64 sums as ``np.bincount(block_of_each_value, weights=values)``: each block's
    values added one after the other, from zero, in their order. ``np.bincount`` waits for each
    addition to reach memory before the next one to the same bin, and numpy's own reductions sum
    pairwise (other roundings); a sparse matrix with one column of ones times a vector of ones
    adds in a register, in the same order: 0.7 ms for 470,000 values (their conversion to float64
    included) against 1.9 ms (measured 2026-11-30). Multiplying by one is exact, so the sums are
    bit for bit the same.
    """
    import scipy.sparse as sp  # (not at the top: see there)

    n_blocks = bounds.size - 1
    index_dtype = np.int32 if values.size < (1 << 31) else np.int64
    ones = sp.csr_matrix(
        (values.astype(np.float64), np.zeros(values.size, dtype=index_dtype), bounds.astype(index_dtype)),
        shape=(n_blocks, 1),
    )
    return ones @ np.ones(1)


def _blocks_of(x: sp.csr_matrix, split: int) -> np.ndarray:
    """Bounds of each row's entries with columns below ``split``, then the others (sorted indices)."""
    below = np.zeros(x.nnz + 1, dtype=np.int64)
    np.cumsum(x.indices < split, out=below[1:])
    blocks = np.empty(2 * x.shape[0] + 1, dtype=np.int64)
    blocks[0::2] = x.indptr
    blocks[1::2] = x.indptr[:-1] + below[x.indptr[1:]] - below[x.indptr[:-1]]
    return blocks


def _mix64(keys: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser of a copy of ``keys`` (as uint64)."""
    return mix64(keys.astype(np.uint64, copy=True))


def mix64(k):
    """MurmurHash3's 64-bit finaliser, a fixed, well-spread integer hash: of a uint64 array (in
    place) or of one uint64. The compiled loops (:mod:`duluan.analysis.kernels`) compile this
    same function, so that their buckets are these."""
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xFF51AFD7ED558CCD)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xC4CEB9FE1A85EC53)
    k ^= k >> np.uint64(33)
    return k


def _bucket(hashes: np.ndarray, n: int) -> np.ndarray:
    """``hashes % n`` (uint64), as a mask when ``n`` is a power of two (a 64-bit division is slow)."""
    if n > 0 and n & (n - 1) == 0:
        hashes &= np.uint64(n - 1)
        return hashes
    return hashes % np.uint64(n)


def _rolling_char_keys(
    codes: np.ndarray, is_sep: np.ndarray, lo: int, hi: int
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Yield ``(n, key, bad)`` for each n-gram length from ``lo`` to ``hi``.

    ``key[i]`` is the polynomial key of the ``n`` characters starting at ``i`` and ``bad[i]``
    says whether they cross a separator (code 0). One definition for the whole-text and the
    per-syllable character n-grams, which must hash alike.
    """
    key, bad = codes.copy(), is_sep.copy()
    prime = np.uint64(_CHAR_PRIME)
    for n in range(1, hi + 1):
        if n > 1:
            key = key[:-1] * prime + codes[n - 1 :]
            bad = bad[:-1] | is_sep[n - 1 :]
        if n >= lo:
            yield n, key, bad


def _hash_char_ngrams(
    chars: str, ngram_range: tuple[int, int], n_features: int
) -> tuple[np.ndarray, np.ndarray]:
    """Document and bucket of every character n-gram of ``chars`` (the defining computation).

    ``chars`` is the batch as character n-grams see it: canonical tones, every run of what is not
    a letter or digit one space, documents apart by the separator, which no n-gram spans.

    Args:
        chars: The batch's characters.
        ngram_range: Smallest and largest n.
        n_features: Hash buckets.

    Returns:
        ``(docs, buckets)``, int64 arrays of one entry per n-gram occurrence.
    """
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == 0
    ch_doc = np.cumsum(is_sep)
    lo, hi = ngram_range
    docs, feats = [], []
    for n, key, bad in _rolling_char_keys(codes, is_sep, lo, hi):
        pos = np.flatnonzero(~bad)
        docs.append(ch_doc[pos])
        feats.append(_bucket(_mix64(key[pos] + np.uint64(n)), n_features).astype(np.int64))
    return np.concatenate(docs), np.concatenate(feats)


class _Growing:
    """A numpy array that grows at its end with amortised copies (entries never change)."""

    def __init__(self, dtype: type) -> None:
        self.data = np.empty(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > self.data.size:
            bigger = np.empty(max(end, 2 * self.data.size), dtype=self.data.dtype)
            bigger[: self.size] = self.data[: self.size]
            self.data = bigger  # readers holding the old array still see their entries
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class _Numbers(dict):
    """Syllable → number, ``-1`` for a syllable not numbered yet.

    Looking tokens up by ``__getitem__`` with this default costs less than ``get`` with a default
    argument: 2.7 against 3.0 ms for the 57,000 tokens of 1,000 news leads (2026-11-30).
    """

    __slots__ = ()

    def __missing__(self, key: str) -> int:
        return -1


class _SyllableTable:
    """Every distinct syllable this process has split, numbered once for all featurizers and lexicons.

    Each reader keeps what it derives from a syllable in arrays indexed by these numbers, so a
    batch's tokens are looked up in one dictionary once, however many models read them. The
    table starts afresh (a new generation) after ``_MAX_TYPES`` syllables, so memory stays bounded.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0
        self._reset()

    def _reset(self) -> None:
        self._index: dict[str, int] = _Numbers()
        self._strings: list[str] = []  # only ever appended to within a generation
        self.generation += 1

    def numbers_of(self, words: Iterable[str], generation: int) -> np.ndarray | None:
        """The numbers of those of ``words`` the table holds, or ``None`` if it is no longer of
        ``generation``."""
        with self._lock:
            if generation != self.generation:
                return None
            found = [self._index[word] for word in words]
        return np.array([n for n in found if n >= 0], np.int64)

    def number(self, tokens: list[str]) -> tuple[np.ndarray, list[str], int]:
        """Return each token's number, the strings numbered so far, and the generation."""
        with self._lock:
            ids = np.fromiter(map(self._index.__getitem__, tokens), np.int64, len(tokens))
            new = np.flatnonzero(ids == -1)
            if new.size:
                fresh = list(dict.fromkeys(tokens[i] for i in new.tolist()))
                if len(self._index) + len(fresh) > _MAX_TYPES:
                    # Start afresh; the whole batch is numbered again (it may exceed the limit
                    # alone, until the next batch).
                    self._reset()
                    fresh, new = list(dict.fromkeys(tokens)), np.arange(len(tokens))
                base = len(self._strings)
                self._strings.extend(fresh)
                self._index.update(zip(fresh, range(base, base + len(fresh)), strict=True))
                index = self._index
                ids[new] = [index[tokens[i]] for i in new.tolist()]
            return ids, self._strings, self.generation


_SYLLABLES = _SyllableTable()


def number_syllables(tokens: list[str]) -> tuple[np.ndarray, list[str], int]:
    """Number tokens in the process's syllable table, as :meth:`TokenBatch.numbered` does.

    Returns:
        ``(ids, strings, generation)`` (see :meth:`TokenBatch.numbered`).
    """
    return _SYLLABLES.number(tokens)


class SyllableMemo:
    """What one reader derives from each syllable of :class:`_SyllableTable`, derived once.

    Subclasses implement :meth:`_reset` (empty their arrays) and :meth:`_add` (append what they
    derive from new syllables, in number order); :meth:`lookup` keeps them in step with the table.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = -1
        self._size = 0

    def lookup(self, batch: TokenBatch) -> tuple[np.ndarray, object]:
        """Return the batch's syllable numbers and this reader's arrays, which they index."""
        ids, strings, generation = batch.numbered()
        return ids, self.sync(strings, generation)

    def sync(self, strings: list[str], generation: int) -> object:
        """Return this reader's arrays, in step with the table's ``strings`` and ``generation``
        (as :meth:`TokenBatch.numbered` or :func:`number_syllables` give them)."""
        with self._lock:
            if generation != self._generation:
                self._reset()
                self._generation, self._size = generation, 0
            end = len(strings)
            if end > self._size:
                self._add(strings[self._size : end])
                self._size = end
            return self._snapshot()

    def _reset(self) -> None:
        raise NotImplementedError

    def _add(self, fresh: list[str]) -> None:
        raise NotImplementedError

    def _snapshot(self) -> object:
        raise NotImplementedError


@dataclass
class _Types:
    """A snapshot of :class:`_TypeTable`'s arrays, indexed by type id (safe to read unlocked)."""

    vocab: np.ndarray  # vocabulary id: -1 unknown, -2 the document separator
    first: np.ndarray  # code of the first character (character n-grams only)
    last: np.ndarray  # code of the last character
    single: np.ndarray  # one character long
    empty: np.ndarray  # only "_": no letter for character n-grams (it merges the spaces around it)
    start: np.ndarray  # offset of the type's character n-grams in ``feats``
    count: np.ndarray  # how many
    feats: np.ndarray  # character n-gram buckets of every type, one after the other


def unstretched(word: str) -> str | None:
    """The word a word stretched at its end stands for, or ``None`` when it is not stretched: its
    last letter repeated three times or more ("xúcccc" is "xúc", "mìnhhhh" "mình", "rồiiii"
    "rồi"), or twice or more after the same vowel with a tone ("quáaaa" is "quá"). Whether that
    is a word is for the reader to say (a vocabulary, a lexicon): see :func:`_vocabulary_form`.

    People stretch a word to shout it: "bức xúcccc" read as an unknown syllable, and the
    complaint lexicon found no "bức xúc" in it.
    """
    if len(word) < 3 or word[-1] != word[-2] or not word[-1].isalpha():
        return None
    last = word[-1]
    base = word.rstrip(last)
    if not base:
        return None
    extra = len(word) - len(base)
    if fold(base[-1]) == fold(last):  # "quá" + "aaa": the stretched vowel follows its toned self
        plain = base
    else:
        plain, extra = base + last, extra - 1
    return plain if extra >= 2 else None


def _vocabulary_form(get, tok: str) -> tuple[int, str]:
    """A syllable's vocabulary id (``get``: the vocabulary's ``get``), or -1 when unknown, and the
    syllable it was read as: the one unstretched where only that is known (:func:`unstretched`)."""
    v = get(tok, -1)
    if v == -1 and not tok.isascii():
        # A spelling not seen in training may still be a known syllable with its tone mark
        # placed the other way.
        v = get(canonical_tones(tok), -1)
    if v == -1 and len(tok) > 2 and tok[-1] == tok[-2]:
        plain = unstretched(tok)
        if plain is not None:
            w, _ = _vocabulary_form(get, plain)
            if w != -1:
                return w, plain
    return v, tok


def _vocabulary_id(get, tok: str) -> int:
    """A syllable's vocabulary id (``get``: the vocabulary's ``get``), or -1 when unknown (see
    :func:`_vocabulary_form`)."""
    return _vocabulary_form(get, tok)[0]


class _TypeTable(SyllableMemo):
    """What a featurizer derives from each distinct syllable, computed once per syllable.

    A syllable (a "type") gets its vocabulary id and, with character n-grams, the buckets of the
    character n-grams that end inside ``" " + syllable + " "`` (after its first space). A batch's
    character n-grams are then gathered from its syllables' entries, plus the trigrams that span
    two syllables (last letter, space, first letter): the same multiset as hashing the whole text
    (:func:`_hash_char_ngrams`), at a fraction of the cost, since most syllables of a batch were
    seen before. Its arrays follow the numbers of :class:`_SyllableTable`.
    """

    def __init__(self, vocabulary: dict[str, int], char_ngram_range: tuple[int, int] | None, n_char: int):
        self._vocabulary = vocabulary
        # Longer character n-grams span several syllables: featurizers hash them from the text.
        self._char_range = char_ngram_range if char_ngram_range and char_ngram_range[1] <= 3 else None
        self._n_char = n_char
        super().__init__()

    def _reset(self) -> None:
        self._columns = {
            "vocab": _Growing(np.int64),
            "first": _Growing(np.uint64),
            "last": _Growing(np.uint64),
            "single": _Growing(np.bool_),
            "empty": _Growing(np.bool_),
            "start": _Growing(np.int64),
            "count": _Growing(np.int64),
            "feats": _Growing(np.uint32),
        }

    def _snapshot(self) -> _Types:
        return _Types(**{name: col.view() for name, col in self._columns.items()})

    def _add(self, fresh: list[str]) -> None:
        get = self._vocabulary.get
        vocab, cores = [], []
        for tok in fresh:
            v, tok = _vocabulary_form(get, tok)  # (a stretched syllable's characters unstretched)
            vocab.append(v)
            if self._char_range is not None:
                c = tok if tok.isascii() else canonical_tones(tok)
                if "_" in c:  # character n-grams see a run of "_" as a space, like punctuation
                    c = " ".join(part for part in c.split("_") if part)
                cores.append(c)
        cols = self._columns
        cols["vocab"].extend(np.asarray(vocab, dtype=np.int64))
        if self._char_range is None:
            return
        feats, owner = self._ngrams_of(cores)
        order = np.argsort(owner, kind="stable")  # per type
        n_counts = np.bincount(owner, minlength=len(cores))
        cols["start"].extend(cols["feats"].size + np.cumsum(n_counts) - n_counts)
        cols["count"].extend(n_counts)
        cols["first"].extend(np.array([ord(c[0]) if c else 0 for c in cores], dtype=np.uint64))
        cols["last"].extend(np.array([ord(c[-1]) if c else 0 for c in cores], dtype=np.uint64))
        cols["single"].extend(np.array([len(c) == 1 and c != _DOC_SEP for c in cores], dtype=np.bool_))
        cols["empty"].extend(np.array([not c for c in cores], dtype=np.bool_))
        cols["feats"].extend(feats[order])

    def _ngrams_of(self, cores: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The character n-grams ending inside ``" " + core + " "`` after its first space, per core.

        The n-gram made of both spaces and one letter is left out (it is counted per occurrence);
        the separator keeps only the space after it (no n-gram spans a separator), and a core
        with no letter has none.

        Returns:
            ``(bucket, core)`` per n-gram.
        """
        lo, hi = self._char_range
        kept = [i for i, c in enumerate(cores) if c]
        padded = [f" {cores[i]} " for i in kept]
        # The padded cores one after the other, apart by the separator, as code points.
        codes = np.frombuffer(_DOC_SEP.join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        lengths = np.array([len(p) for p in padded], dtype=np.int64)
        offset = np.cumsum(lengths + 1) - lengths - 1
        owner = np.repeat(np.arange(len(kept)), lengths + 1)[: codes.size]
        local = np.arange(codes.size) - offset[owner]
        is_sep = codes == 0
        feats, owners = [], []
        for n, key, bad in _rolling_char_keys(codes, is_sep, lo, hi):
            last = lengths[owner[: key.size]] - 1
            begin = local[: key.size]
            end = begin + n - 1
            pos = np.flatnonzero(~bad & (end >= 1) & ~((begin == 0) & (end == last)))
            feats.append(_bucket(_mix64(key[pos] + np.uint64(n)), self._n_char).astype(np.uint32))
            owners.append(np.asarray(kept, dtype=np.int64)[owner[pos]])
        if not feats:
            return np.zeros(0, np.uint32), np.zeros(0, np.int64)
        return np.concatenate(feats), np.concatenate(owners)


# Counts of one n-gram in one text that the compiled loops take the logarithm of from a table.
_LOG_TABLE = 1 << 16


@functools.lru_cache(maxsize=1)
def _count_logs() -> np.ndarray:
    """``np.log`` of the counts 1 to ``_LOG_TABLE`` (float32), as numpy computes them, for the
    compiled loops (one table per process)."""
    return np.log(np.arange(1, _LOG_TABLE + 1, dtype=np.float32))


class _CompiledScorer:
    """A featurizer's margins for a linear model, by the compiled loops of
    :mod:`duluan.analysis.kernels` (the same to the last bit as :meth:`NgramFeaturizer.transform`
    times the weights; syllable n-grams only).

    The vocabulary is an open-addressing table of syllable hashes. A syllable the table has no
    slot for is looked up as the numpy path does (its spelling, then its canonical tone
    placement) and added with its id, or as unknown: the next batches find it in the table (and
    this one's texts that hold one found known are scored again). After ``_MAX_TYPES`` such
    syllables the table starts afresh from the vocabulary, so memory stays bounded.
    """

    def __init__(self, featurizer: NgramFeaturizer, placing: bool = False) -> None:
        from duluan.analysis import kernels  # numba: imported only by those who score this way

        self._k = kernels
        self._featurizer = featurizer
        self._lock = threading.Lock()
        self._vocabulary = featurizer.vocabulary_
        # With ``placing``, a syllable is looked up with its tones placed (canonical_tones): the
        # id the numpy path gives it once the normaliser has placed the tones of its text.
        self._placing = placing
        self._logs = _count_logs()
        self._no_marks = np.zeros(16, dtype=np.uint64)  # a table of no syllables
        self._reset()

    def _reset(self) -> None:
        known = {tok: i for tok, i in self._vocabulary.items() if tok != _DOC_SEP}
        if self._placing:
            # Each key's id is its placed spelling's; a syllable with no slot is looked up placed
            # already (_resolve, _vocabulary_id), and only its texts are scored again (_scored).
            get = self._vocabulary.get
            known = {tok: (i if tok.isascii() else get(canonical_tones(tok), -1)) for tok, i in known.items()}
        # Room for the vocabulary and a few unseen syllables; it grows as more are added
        # (_resolve). Sized for _MAX_TYPES more at once, in two arrays (hashes, ids), the VNTC
        # model's table took 6 MB, and score_texts 28.2-28.6 µs a VNTC article; this way 2 MB,
        # each hash beside its id, and 25.8-26.0 µs (8,192 articles, best of 7, 2026-12-03).
        self._table = self._k.id_table_of(list(known), known.values(), len(known) + _ROOM)
        self._held = len(known)
        self._added = 0

    def margins(
        self, texts: Sequence[str], weights: np.ndarray, marks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``transform(texts) @ weights`` (float32) and per text whether a syllable of it is in the
        table ``marks`` (all false without one), or ``None`` for the numpy path to compute (and,
        with ``marks``, for a batch with a character only ``str.lower`` reads right)."""
        if not texts:
            return np.zeros((0, weights.shape[1]), dtype=np.float32), np.zeros(0, dtype=bool)
        joined = _join_batch(texts, lower=False)
        return self._scored(self._k.code_points(joined), joined, weights, marks)

    def code_margins(
        self, codes: np.ndarray, weights: np.ndarray, marks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`margins` of texts given as their code points (uint32, NFC, apart by a zero), or
        ``None`` for a batch the loops leave to numpy or with a character only ``str.lower``
        reads right."""
        return self._scored(codes, None, weights, marks)

    def _scored(
        self, codes: np.ndarray, joined: str | None, weights: np.ndarray, marks: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The loop of :meth:`margins` over ``codes``, the code points of ``joined`` (``None``:
        the code points are all there is, and a batch with a character only ``str.lower`` reads
        right is left to the caller).

        A text with a syllable the table had no slot for, which :meth:`_resolve` then finds in
        the vocabulary, is scored again alone with the texts like it, not with its whole batch:
        each text's margins are its own. A fresh ``duluan classify`` of the 33,709 VNTC articles
        (model trained on VNTC) scored 46 of its 143 batches again whole, for tone placements
        such as "hoá" and "huỷ" that the vocabulary knows placed the other way, and for a few
        syllables glued to a number ("2thuỵ").
        """
        fz, k = self._featurizer, self._k
        lower = True
        lo, hi = fz.word_ngram_range
        lead = getattr(fz, "lead_tokens", 0)
        with self._lock:
            packed = fz.packed_rows(weights)
            table = self._no_marks if marks is None else marks
            out = marked = None
            texts = None  # the texts of ``codes`` that ``batch`` holds (None: all of them)
            batch = codes
            while True:
                found, status, hashes, starts, ends, flags = k.score_texts(
                    batch, k.folding(lower).for_codes(batch), self._table,
                    lo, hi, lead, fz.n_features_, packed, weights.shape[1], self._logs, table,
                )  # fmt: skip
                if status == k.HAS_SPECIAL and marks is None and joined is not None and texts is None:
                    joined, lower = joined.lower(), False
                    codes = batch = k.code_points(joined)
                    continue
                if status != k.DONE:
                    return None
                if texts is None:
                    out, marked = found, flags
                else:
                    out[texts], marked[texts] = found, flags
                if not hashes.size:
                    return out, marked
                known = self._resolve(batch, joined if texts is None else None, hashes, starts, ends)
                if known is None:
                    return None
                if not known.size:
                    return out, marked  # they counted as unknown, which they are
                # The texts of ``batch`` with one of them, by the separators before it.
                separators = np.flatnonzero(batch == 0)
                again = np.unique(np.searchsorted(separators, starts[np.isin(hashes, known)]))
                bounds = np.concatenate(([-1], separators, [batch.size]))
                batch = k.joined_codes([batch[bounds[t] + 1 : bounds[t + 1]] for t in again.tolist()])
                texts = again if texts is None else texts[again]

    def _resolve(
        self, codes: np.ndarray, joined: str | None, hashes: np.ndarray, starts: np.ndarray, ends: np.ndarray
    ) -> np.ndarray | None:
        """Look up the syllables the table had no slot for (as ``_TypeTable._add``) and add them:
        their spans are in ``codes``, the code points of ``joined`` when that is given.

        Returns:
            The hashes of those found in the vocabulary (their texts are scored again), or
            ``None`` when one is but they are too many to add (the numpy path scores it).
        """
        get = self._vocabulary.get
        ids: dict[int, int] = {}
        for h, s, e in zip(hashes.tolist(), starts.tolist(), ends.tolist(), strict=True):
            if h not in ids:
                # (placed or not, the same: a syllable with no slot is no key of the vocabulary,
                # so it is looked up placed)
                text = joined[s:e] if joined is not None else codes[s:e].tobytes().decode("utf-32-le")
                ids[h] = _vocabulary_id(get, text.lower())
        if self._added + len(ids) > _MAX_TYPES:
            self._reset()
        new = np.fromiter(ids, dtype=np.uint64, count=len(ids))
        values = np.fromiter(ids.values(), dtype=np.int64, count=len(ids))
        known = new[values >= 0]
        if len(ids) > _MAX_TYPES:  # more than the table has room for
            return None if known.size else known
        self._table = self._k.id_table_with_room(self._table, self._held + len(ids))
        self._k.insert_ids(self._table, new, values)
        self._held += len(ids)
        self._added += len(ids)
        return known


def round_4(values: np.ndarray) -> list[float]:
    """Return ``[round(v, 4) for v in values]``, computed for the whole array at once.

    ``rint(v * 1e4) / 1e4`` is that correctly rounded decimal unless ``v * 1e4`` lies next to a
    half (where the product's rounding error could tip it): those few are rounded by Python.

    Args:
        values: float64 values.

    Returns:
        The rounded values, as Python floats.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # infinities and NaN are rounded by Python
        scaled = np.asarray(values, dtype=np.float64) * 1e4
        out = (np.rint(scaled) / 1e4).tolist()
        doubtful = ~(np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) > 1e-6) | ~(np.abs(scaled) < 1e12)
    for i in np.flatnonzero(doubtful).tolist():
        out[i] = round(float(values[i]), 4)
    return out


def _best_within_rows(rows: np.ndarray, values: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """Positions of each row's ``k`` largest values, by row, then value descending, ties in order.

    ``order[rank < k]`` of ``order = np.lexsort((-values, rows))``, where ``rank`` is each
    position's rank within its row, with the rows' bounds found once for both.

    Values must be positive float32 and ``rows`` non-decreasing. The row, the value's bits
    (ordered like positive floats) and the position within the row are packed into one integer
    key and sorted unstably, which is many times faster than the stable two-key sort it equals.
    """
    if not rows.size:
        return np.zeros(0, dtype=np.int64)
    row_start = np.searchsorted(rows, np.arange(n_rows))
    position = np.arange(rows.size) - np.take(row_start, rows)
    pos_bits = max(1, int(position.max()).bit_length())
    row_bits = max(1, int(n_rows - 1).bit_length())
    if values.dtype != np.float32 or row_bits + 31 + pos_bits > 64:
        order = np.lexsort((-values, rows))
        return order[np.flatnonzero(position < k)]  # row bounds are those of ``rows``
    inverted = np.uint64(0x7FFFFFFF) - values.view(np.uint32).astype(np.uint64)
    key = (rows.astype(np.uint64) << np.uint64(31 + pos_bits)) | (inverted << np.uint64(pos_bits))
    key |= position.astype(np.uint64)
    key.sort()
    # After the sort each row still spans the same positions: the first ``k`` of each are kept.
    key = np.take(key, np.flatnonzero(position < k))
    sorted_rows = (key >> np.uint64(31 + pos_bits)).astype(np.int64)
    return np.take(row_start, sorted_rows) + (key & np.uint64((1 << pos_bits) - 1)).astype(np.int64)


def _top_within_short_rows(
    rows: np.ndarray, values: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of each row's ``k`` largest values, and where each row's begin among them.

    The positions are ``order[rank < k]`` of ``order = np.lexsort((-values, rows))`` (row, then
    value descending, ties in order), for ``rows`` non-decreasing and values that are not NaN.
    Each value's rank in its row is the count of the row's values that come before it, compared
    in a grid of one row's values per line: for rows of a few entries, many times faster than
    the sort (longer rows are sorted).

    Returns:
        ``(positions, bounds)``: row ``r``'s chosen positions are ``positions[bounds[r]:bounds[r + 1]]``.
    """
    row_first = np.searchsorted(rows, np.arange(n_rows + 1))
    counts = np.diff(row_first)
    kept = np.minimum(counts, k)
    bounds = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(kept, out=bounds[1:])
    if not rows.size:
        return np.zeros(0, dtype=np.int64), bounds
    width = int(counts.max())
    if width > 64:
        order = np.lexsort((-values, rows))
        return order[np.flatnonzero(np.arange(rows.size) - np.take(row_first, rows) < k)], bounds
    position = np.arange(rows.size) - np.take(row_first, rows)
    grid = np.full((n_rows, width), -np.inf, dtype=np.float64)
    grid[rows, position] = values
    peers = np.take(grid, rows, axis=0)
    mine = np.asarray(values, dtype=np.float64)[:, None]
    before = (peers > mine) | ((peers == mine) & (np.arange(width) < position[:, None]))
    rank = np.count_nonzero(before, axis=1)
    chosen = np.flatnonzero(rank < k)
    out = np.empty(bounds[-1], dtype=np.int64)
    out[np.take(bounds, np.take(rows, chosen)) + np.take(rank, chosen)] = chosen
    return out, bounds


def _stable_sort(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(order, keys[order])`` with ``order = np.argsort(keys, kind="stable")``, for keys >= 0.

    Each key is packed with its index into one integer and sorted unstably (numpy's stable sort
    of 64-bit keys is many times slower), when both fit in 63 bits.
    """
    if not keys.size:
        return np.zeros(0, dtype=np.int64), keys
    index_bits = max(1, int(keys.size - 1).bit_length())
    if int(keys.max()).bit_length() + index_bits > 63 or keys.min() < 0:
        order = np.argsort(keys, kind="stable")
        return order, keys[order]
    packed = (keys << index_bits) | np.arange(keys.size)
    packed.sort()
    return packed & ((1 << index_bits) - 1), packed >> index_bits


# The longest phrase, in syllables, that overlapping explaining n-grams are joined into (see
# _phrases): "làm thủ", "thủ tục" and "tục chậm" read as "làm thủ tục chậm", where five joined
# read as half a sentence.
PHRASE_SYLLABLES = 4
# How many of a text's best n-grams are read for each phrase it is explained by.
_PIECES = 2
# Prepositions and conjunctions (closed classes of Vietnamese grammar, written out here: the
# models' counts cannot tell "ở" from "nhà", both one-syllable words in 12-14 % of texts), which
# begin or end no phrase read off a text: neither an explanation's ("bộ nông nghiệp và", _phrases)
# nor an issue's key word ("buổi tuyên truyền ở", cluster.summary_phrases).
EDGE_WORDS = frozenset(
    "ở tại từ vào với cho của về bằng theo giữa gần cùng để do bởi vì trong trên dưới đến tới qua "
    "sau trước ngoài và hay hoặc nhưng mà thì nếu khi rằng nên còn lẫn".split()
)
# How much two syllables must stick together (the log of the share of the documents holding the
# rarer one that hold both side by side; see NgramFeaturizer._edges) for an n-gram's edge to be
# read as cutting their word.
_STICK = float(np.log(0.15))


def _phrases(
    tokens: list[str],
    starts: np.ndarray,
    lengths: np.ndarray,
    bounds: np.ndarray,
    totals: np.ndarray,
    top: int,
    hidden: str | None = None,
    edges: tuple[np.ndarray, ...] | None = None,
    breaks: np.ndarray | None = None,
    edge_words: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's explaining n-grams (best first, ``bounds`` as in :func:`_name_terms`) read as
    the phrases an official reads: the best ``top`` of them, as ``(starts, lengths, bounds,
    totals)`` again.

    N-grams are named by where they stand in the text, so the best ones of a text are often
    pieces of one phrase, and cut its words: "sổ đỏ", "cấp sổ", "sổ" and "đỏ" explained a message
    about a land-use certificate by four terms, where "cấp sổ đỏ" says it, and "ơn công an"
    a thanks to the police ("cảm ơn công an"). So:

    1. an n-gram holding the ``hidden`` syllable (the masked place) is left out, as no official
       reads it, before it could join another; so is one that runs across a mark of its text
       (``breaks``, see :func:`token_breaks`: syllables are read without their marks, so "hôn
       mê. Lưu bài viết" has the bigram "mê lưu"), which is no phrase of it;
    2. with ``edges`` (see :meth:`NgramFeaturizer._edges`), an n-gram whose edge syllable sticks
       to the one beside it, outside, more than to its neighbour inside (and at least
       :data:`_STICK`), and no mark stands between them, takes it in while at most
       :data:`PHRASE_SYLLABLES` long, else gives the edge syllable up; a single syllable takes in
       the side it sticks to more (the left on a tie);
    3. n-grams that overlap in the text join into one, in the order of their first token (then
       of their length, then as given), their contributions added up, while the phrase is at
       most :data:`PHRASE_SYLLABLES` long (else the weaker is folded into the stronger, whose
       words stay); a phrase then loses the prepositions and conjunctions at its edges
       (``edge_words``: per token, whether it is one of :data:`EDGE_WORDS`) but its last
       syllable: "bộ nông nghiệp và" reads "bộ nông nghiệp", "đưa và" "đưa";
    4. a phrase whose words are within another's (an n-gram named elsewhere in the text) is
       folded into the longest such (the first of those), the shorter phrases first;
    5. the ``top`` phrases of largest total are kept, ties by position.

    ``kernels._phrase_text`` does the same in the compiled loops.

    On its written gold messages and gold sets (2,064 texts), the shipped topic model's five
    best n-grams had one within another in 80.3 % of the texts, and 37.6 % of them cut a word
    as underthesea segments the text; its phrases 0.0 %, and 23.5 % with their edges unmoved,
    11.7 % moved. The sentiment model's (1,555 texts): 69.3 % and 32.1 %, then 0.1 % and 26.4 %,
    15.1 % (``bench/bench_models.py --only phrases``, 2026-12-06). Phrases beginning or ending with
    a preposition or a conjunction (underthesea's tags): topic 6.4 → 1.0 %, sentiment 11.7 → 2.6 %
    once edge words are given up (those left are such a word alone, "nhưng"), while those cutting
    a word went 11.7 → 11.9 % and 15.1 → 15.4 % ("cho vay" reads "vay"). With the marks unread, 2.4 %
    of the topic model's phrases ran across one (4.9 % of the sentiment model's); none do. (The
    phrases were once cut at marks after they were read, by looking each one up in its text: the
    same words but in 213 of the 2,064 texts and 353 of the 1,555, where a piece across a mark
    had joined a phrase or lent it weight.) An edge moved takes in a
    syllable underthesea puts in the same word about 60 % of the time (the topic model's, on the
    written gold messages and 891 news leads; 52 % the sentiment model's): the others add a word
    beside the phrase ("được nạo vét"), which cuts nothing. Read in the compiled loops as well,
    the topic step took no longer: 27.4-30.4 µs a lead against 27.1-31.9 without phrases, and
    24.7-27.9 against 24.7-27.2 without moving edges (``bench_steps``, three alternating pairs).
    """
    cut = bounds.tolist()
    firsts, sizes, weights = starts.tolist(), lengths.tolist(), totals.tolist()
    sides = [e.tolist() for e in edges] if edges is not None else None
    edge = edge_words.tolist() if edge_words is not None else None
    out_starts: list[int] = []
    out_lengths: list[int] = []
    out_totals: list[float] = []
    out_bounds = [0]
    for a, b in itertools.pairwise(cut):
        pieces = []
        for i in range(a, b):
            s, e = firsts[i], firsts[i] + sizes[i]
            if hidden is not None and hidden in tokens[s:e]:
                continue
            if breaks is not None and e - s > 1 and breaks[s + 1 : e].any():
                continue
            if sides is not None:
                s, e = snapped(s, e, sides[0][i], sides[1][i], sides[2][i], sides[3][i])
            pieces.append((s, e, weights[i]))
        pieces.sort(key=lambda p: (p[0], p[1]))  # stable: as given on a tie
        groups: list[list] = []  # [start, end, total, total of the strongest piece]
        for s, e, t in pieces:
            last = groups[-1] if groups else None
            if last is None or s >= last[1]:
                groups.append([s, e, t, t])
            elif max(e, last[1]) - last[0] <= PHRASE_SYLLABLES:
                last[1] = max(e, last[1])
                last[2] += t
                last[3] = max(last[3], t)
            elif t > last[3]:  # too long to join: the stronger one's words stay
                groups[-1] = [s, e, t + last[2], t]
            else:
                last[2] += t
        if edge is not None:
            for g in groups:
                while g[1] - g[0] > 1 and edge[g[0]]:
                    g[0] += 1
                while g[1] - g[0] > 1 and edge[g[1] - 1]:
                    g[1] -= 1
        if len(groups) > 1:
            # Words padded with spaces: one is within another as a run of its syllables.
            words = [" " + " ".join(tokens[g[0] : g[1]]) + " " for g in groups]
            size = [g[1] - g[0] for g in groups]
            for i in sorted(range(len(groups)), key=size.__getitem__):
                within = [
                    j
                    for j in range(len(groups))
                    if j != i and groups[j][2] is not None and (size[j] > size[i] or j < i)
                    and words[i] in words[j]
                ]  # fmt: skip
                if within:
                    j = max(within, key=lambda k: (size[k], -k))
                    groups[j][2] += groups[i][2]
                    groups[i][2] = None
            groups = [g for g in groups if g[2] is not None]
        groups.sort(key=lambda g: (-g[2], g[0]))
        for s, e, t, _ in groups[:top]:
            out_starts.append(s)
            out_lengths.append(e - s)
            out_totals.append(t)
        out_bounds.append(len(out_starts))
    return (
        np.asarray(out_starts, dtype=np.int64),
        np.asarray(out_lengths, dtype=np.int64),
        np.asarray(out_bounds, dtype=np.int64),
        np.asarray(out_totals, dtype=np.float64),
    )


def snapped(
    s: int,
    e: int,
    left_out: float,
    left_in: float,
    right_out: float,
    right_in: float,
    longest: int = PHRASE_SYLLABLES,
) -> tuple[int, int]:
    """The span ``[s, e)`` of an n-gram with its edges moved to the words they cut (step 2 of
    :func:`_phrases`; an issue's key words, :func:`~duluan.analysis.cluster.summary_phrases`):
    ``left_out`` is how much its first syllable sticks to the one before, ``left_in`` to the one
    after it within the n-gram (``-inf`` for none), and the same for the right edge (see
    :meth:`NgramFeaturizer.stickiness`); an edge that takes in a syllable gives one up instead
    where the span would pass ``longest`` syllables."""
    if e - s == 1:
        if max(left_out, right_out) >= _STICK:
            return (s - 1, e) if left_out >= right_out else (s, e + 1)
        return s, e
    if left_out >= _STICK and left_out > left_in:
        s = s - 1 if e - s < longest else s + 1
    if right_out >= _STICK and right_out > right_in:
        e = e + 1 if e - s < longest else e - 1
    return s, e


def _name_terms(
    tokens: list[str],
    starts: np.ndarray,
    lengths: np.ndarray,
    bounds: np.ndarray,
    totals: np.ndarray | None,
) -> list[list[str]] | list[tuple[tuple[str, float], ...]]:
    """Each row's terms, from the first token and the length of each term in ``tokens``: the words
    alone (``totals`` ``None``), else ``(words, contribution rounded to 4 places)`` pairs; row
    ``r``'s terms are ``bounds[r]:bounds[r + 1]``."""
    cut = bounds.tolist()
    if totals is None:
        # The words without their contributions: the topic step keeps only these, so they are
        # neither rounded nor paired (part of its 3 µs a news lead, see TopicStep). Two words are
        # joined by a format, not by a slice and join (0.47 against 0.62 ms for 5,000 terms,
        # measured 2026-11-30).
        words = [
            tokens[s] if n == 1 else f"{tokens[s]} {tokens[s + 1]}" if n == 2 else " ".join(tokens[s : s + n])
            for s, n in zip(starts.tolist(), lengths.tolist(), strict=True)
        ]
        return list(map(words.__getitem__, map(slice, cut[:-1], cut[1:])))
    terms = [
        (tokens[s] if n == 1 else " ".join(tokens[s : s + n]), c)
        for s, n, c in zip(starts.tolist(), lengths.tolist(), round_4(totals), strict=True)
    ]
    return list(map(tuple, map(terms.__getitem__, map(slice, cut[:-1], cut[1:]))))


@dataclass(frozen=True)
class _Batch:
    """N-gram occurrences of one batch, before they are counted into a matrix.

    Every occurrence has its count key ``row * n_features + column``, in pieces (one per length
    of word n-grams, and for the lead's, then a few of character n-grams), each in row order:
    they are written once, into the array of all the batch's keys that counting sorts (see
    :func:`_sorted_keys`). With naming (see :meth:`NgramFeaturizer._analyse`), each word
    occurrence also has what names it, in the order of the word pieces; its document and bucket
    are read from its key, not kept in arrays of their own (the topic model's featurising,
    product and explanations of news leads took 12.9 µs a lead, not 13.2; best of five,
    alternating runs, measured 2026-11-30).
    """

    n_docs: int
    n_features: int
    word_parts: tuple[np.ndarray, ...]
    char_parts: tuple[np.ndarray, ...]
    tokens: list[str]
    word_start: np.ndarray  # index of its first token in ``tokens`` (naming only)
    word_n: np.ndarray  # its length in syllables (naming only)
    # Each word occurrence's bucket without the lead salt, so that the lead and body buckets of
    # one n-gram can be told to be the same words (naming only).
    word_plain: np.ndarray | None = None
    # Each token's vocabulary id (-1 unknown, -2 the separator), for the edges of the phrases
    # that name n-grams (naming only; see NgramFeaturizer._edges).
    token_ids: np.ndarray | None = None
    # Whether a mark stands before each token in its text (naming only; see token_breaks).
    token_breaks: np.ndarray | None = None

    @property
    def char_keys(self) -> np.ndarray:
        """The character n-gram keys in one array."""
        return _joined(self.char_parts)

    @property
    def word_keys(self) -> np.ndarray:
        """The word n-gram keys in one array."""
        return _joined(self.word_parts)

    @property
    def word_doc(self) -> np.ndarray:
        """The document of each word n-gram occurrence."""
        return (self.word_keys // self.word_keys.dtype.type(self.n_features)).astype(np.int64)

    @property
    def word_feat(self) -> np.ndarray:
        """The bucket of each word n-gram occurrence."""
        return (self.word_keys % self.word_keys.dtype.type(self.n_features)).astype(np.int64)


def _joined(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


# Bits of the hash that :meth:`NgramFeaturizer.explain_matrix` filters occurrences by.
_NAMING_BITS = 20


def _naming_hash(keys: np.ndarray) -> np.ndarray:
    """A :data:`_NAMING_BITS`-bit hash of count keys (Fibonacci hashing of their low 32 bits)."""
    hashed = keys.astype(np.uint32, copy=False) * np.uint32(0x9E3779B1)
    hashed >>= np.uint32(32 - _NAMING_BITS)
    return hashed


@model_part
class NgramFeaturizer:
    """Sublinear TF-IDF over hashed syllable n-grams and character n-grams.

    Args:
        word_ngram_range: Smallest and largest syllable n-gram (at most 3).
        char_ngram_range: Smallest and largest character n-gram, or ``None`` for none.
        n_word_features: Hash buckets for syllable n-grams.
        n_char_features: Hash buckets for character n-grams.
        min_count: A syllable seen fewer times than this in training is dropped.
        char_weight: Weight of the (separately L2-normalised) character block relative to the
            syllable block; the whole row is L2-normalised again.
        lead_tokens: Syllable n-grams starting within a document's first ``lead_tokens``
            syllables (its title and lead) are counted a second time as features of their own,
            so the opening can weigh more than the body. ``0`` turns this off.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = None,
        n_word_features: int = 1 << 20,
        n_char_features: int = 1 << 19,
        min_count: int = 2,
        char_weight: float = 1.0,
        lead_tokens: int = 0,
        negation_scope: int = 0,
        quiet_intensifiers: bool = False,
        quiet_courtesy: bool = False,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.n_word_features = n_word_features
        self.n_char_features = n_char_features
        self.min_count = min_count
        self.char_weight = char_weight
        self.lead_tokens = lead_tokens
        self.negation_scope = negation_scope
        self.quiet_intensifiers = quiet_intensifiers
        self.quiet_courtesy = quiet_courtesy

    # -- learning -------------------------------------------------------------------------------

    def fit(self, texts: Sequence[str]) -> NgramFeaturizer:
        """Learn the syllable vocabulary and the inverse document frequencies.

        Args:
            texts: Training texts.

        Returns:
            ``self``.
        """
        self._fit(texts)
        return self

    def _fit(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp  # (not at the top: see there)

        texts = list(texts)
        self.__dict__.pop("_types", None)  # the memos belong to the previous vocabulary
        self.__dict__.pop("_compiled", None)
        self.__dict__.pop("_compiled_placing", None)
        lo, hi = self.word_ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError("word_ngram_range must lie within (1, 3)")
        freq: Counter[str] = Counter()
        for start in range(0, len(texts), 4096):
            chunk = texts[start : start + 4096]
            freq.update(self._batch(chunk).tokens if self._rewrites() else _word_runs(_join_batch(chunk)))
        freq.pop(_DOC_SEP, None)
        if self._quiets():
            freq.pop(negation.QUIET, None)  # a quiet syllable has no weight of its own
        # Spellings that differ only in tone placement ("hoà", "hòa") share one id.
        canonical = {tok: canonical_tones(tok) for tok in freq}
        merged: Counter[str] = Counter()
        for tok, c in freq.items():
            merged[canonical[tok]] += c
        kept = [tok for tok, c in merged.most_common(_MAX_VOCAB) if c >= self.min_count]
        ids = _slot_ids(kept)
        self.vocabulary_ = {tok: ids[canon] for tok, canon in canonical.items() if canon in ids}
        self.vocabulary_.update(ids)
        self.vocabulary_[_DOC_SEP] = -2
        blocks = [
            self._counts(self._analyse(texts[s : s + 4096], naming=False)) for s in range(0, len(texts), 4096)
        ]
        counts = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, self.n_features_))
        df = np.bincount(counts.indices, minlength=self.n_features_)
        # Smoothed idf, as scikit-learn's TfidfTransformer(smooth_idf=True).
        n_docs = counts.shape[0]
        self.idf_ = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        return counts

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit, then return the matrix of the training texts (one pass over them, not two).

        Args:
            texts: Training texts.

        Returns:
            The same matrix as ``fit(texts).transform(texts)``.
        """
        return self._weigh(self._fit(texts))

    @property
    def n_features_(self) -> int:
        """Total width of the feature matrix."""
        return self.n_word_features + (self.n_char_features if self.char_ngram_range else 0)

    # -- transforming ---------------------------------------------------------------------------

    def transform(self, texts: Sequence[str] | TokenBatch) -> sp.csr_matrix:
        """Return the L2-normalised sublinear TF-IDF matrix of ``texts``.

        Args:
            texts: Texts to featurise, or their :func:`tokenise_batch` (split once, read by
                several featurizers).

        Returns:
            A ``(len(texts), n_features_)`` CSR matrix of float32.
        """
        return self._weigh(*self._counts_and_blocks(self._analyse(texts, naming=False)))

    def explain(
        self,
        texts: Sequence[str],
        weights: np.ndarray,
        columns: np.ndarray,
        top: int = 5,
        hidden: str | None = None,
    ) -> list[tuple[tuple[str, float], ...]]:
        """Name, for each text, the phrases of n-grams whose feature value times weight is largest.

        Args:
            texts: Texts to explain.
            weights: ``(n_features_, n_columns)`` weights, e.g. a linear model's coefficients.
            columns: For each text, the column of ``weights`` to explain (its predicted class).
            top: How many terms to return per text.
            hidden: A syllable no term may hold (see :func:`_phrases`).

        Returns:
            One tuple of ``(term, contribution)`` pairs per text, largest first, positive only:
            each term is a phrase of the text, the n-grams within it added up (:func:`_phrases`).
        """
        x, batch = self.transform_batch(texts)
        return self.explain_matrix(x, batch, weights, columns, top, hidden=hidden)

    def transform_batch(
        self, texts: Sequence[str] | TokenBatch, naming: bool = True
    ) -> tuple[sp.csr_matrix, _Batch]:
        """Like :meth:`transform`, also returning the n-gram occurrences for :meth:`explain_matrix`.

        Args:
            texts: Texts to featurise, or their :func:`tokenise_batch`.
            naming: Keep what :meth:`explain_matrix` needs to name the n-grams (``False``: the
                batch cannot be explained, and costs less).

        Returns:
            ``(matrix, batch)``.
        """
        batch = self._analyse(texts, naming=naming)
        return self._weigh(*self._counts_and_blocks(batch)), batch

    def pack_weights(self, weights: np.ndarray) -> np.ndarray:
        """A linear model's ``(n_features_, n_columns)`` weights with the idf as a last column.

        Args:
            weights: float32 weights, one row per feature.

        Returns:
            The C-contiguous float32 table :meth:`transform_scores` reads.
        """
        packed = np.empty((self.n_features_, weights.shape[1] + 1), dtype=np.float32)
        packed[:, :-1] = weights
        packed[:, -1] = self.idf_
        return packed

    def packed_rows(self, weights: np.ndarray) -> np.ndarray:
        """A linear model's weights and this featurizer's idf as the compiled loops read them
        (:func:`~duluan.analysis.kernels.packed_rows`), made when these weights (the same
        object) are first given, and kept (not pickled): a model's weights are not changed in
        place.

        A second copy beside the weights, for the loops that score raw texts and explain
        syllables (models of syllable n-grams). :meth:`pack_weights` is the other packing: for
        models of at most three classes (the sentiment model) the weights and the idf are views
        of that table, the only copy (its rows are 16 bytes at most).

        Args:
            weights: ``(n_features_, n_columns)`` float32.

        Returns:
            The packed table.
        """
        cached = self.__dict__.get("_packed_rows")
        if cached is None or cached[0] is not weights or cached[1] is not self.idf_:
            from duluan.analysis import kernels  # numba: imported only by those who score this way

            cached = self.__dict__["_packed_rows"] = (
                weights,
                self.idf_,
                kernels.packed_rows(weights, self.idf_),
            )
        return cached[2]

    def compiled_margins(self, texts: Sequence[str], weights: np.ndarray) -> np.ndarray | None:
        """``transform(texts) @ weights`` by compiled loops, or ``None`` where they do not apply.

        The same float32 margins to the last bit, from raw texts (not a :class:`TokenBatch`), for
        featurizers of syllable n-grams only (no character n-grams). The loops and their tables
        are made on first use (numba's import, compilation or cache, the table of word
        characters: about a second), so this pays for large batches of long texts: see
        :mod:`duluan.analysis.kernels`.

        Args:
            texts: Texts (not ``None``).
            weights: ``(n_features_, n_columns)`` float32, C-contiguous.

        Returns:
            ``(len(texts), n_columns)`` float32, or ``None``.
        """
        found = self.compiled_margins_marked(texts, weights)
        return None if found is None else found[0]

    def compiled_margins_marked(
        self, texts: Sequence[str], weights: np.ndarray, marks: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`compiled_margins`, and per text whether one of its syllables (a run of word
        characters, lower-cased) is in ``marks``, written in one of the cases the table gives
        it (:func:`~duluan.analysis.normalise.chat_form_table`); all false without a table.

        Returns:
            ``(margins, marked)``, or ``None`` where the loops do not apply, and (with ``marks``)
            for a batch with a character whose lower case is not one character or depends on
            its neighbours ("İ", "Σ").
        """
        scorer = self._scorer(weights, "_compiled")
        return None if scorer is None else scorer.margins(texts, weights, marks)

    def compiled_code_margins(
        self, codes: np.ndarray, weights: np.ndarray, marks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`compiled_margins_marked` of texts given as their code points, whose tones the
        normaliser has not placed: each syllable is looked up with its tones placed
        (:func:`~duluan.analysis.normalise.canonical_tones`), so the margins are those of the
        texts with their tones placed.

        Args:
            codes: The texts' code points (uint32), NFC, apart by a zero.
            weights: As for :meth:`compiled_margins`.
            marks: As for :meth:`compiled_margins_marked`.

        Returns:
            ``(margins, marked)``, or ``None`` where the loops do not apply, and for a batch with
            a character whose lower case is not one character or depends on its neighbours.
        """
        scorer = self._scorer(weights, "_compiled_placing")
        return None if scorer is None else scorer.code_margins(codes, weights, marks)

    def _scorer(self, weights: np.ndarray, name: str) -> _CompiledScorer | None:
        """The compiled scorer kept under ``name`` (made on first use; ``"_compiled_placing"``
        places tones), or ``None`` where the loops do not apply to this featurizer and weights."""
        if (
            self.char_ngram_range
            or self._rewrites()  # the loops read characters, not the marked or quiet syllables
            or self.n_features_ >= 1 << 31
            or weights.dtype != np.float32
            or not weights.flags.c_contiguous
        ):
            return None
        scorer = self.__dict__.get(name)
        if scorer is None:
            scorer = self.__dict__[name] = _CompiledScorer(self, placing=name == "_compiled_placing")
        return scorer

    def load_compiled_placing(self, weights: np.ndarray) -> bool:
        """Make now the scorer of :meth:`compiled_code_margins` (say, before forking workers,
        which then inherit it); return whether it applies to this featurizer and weights."""
        return self._scorer(weights, "_compiled_placing") is not None

    def load_typed_scores(self, packed: np.ndarray) -> bool:
        """Load the compiled loops of :meth:`typed_scores` now (numba's import and its cache,
        about a second: say, before forking workers, which then inherit them); return whether
        they apply to this featurizer and these packed weights."""
        if (
            not self.char_ngram_range
            or self.char_ngram_range[1] > 3
            or self.n_features_ >= 1 << 31
            or packed.dtype != np.float32
            or not packed.flags.c_contiguous
        ):
            return False
        from duluan.analysis import kernels  # numba: imported only by those who score this way

        self.__dict__["_typed"] = (kernels, _count_logs())
        return self.typed_scores(tokenise_batch(["hoà bình _ a"]), packed) is not None

    def typed_scores(self, texts: Sequence[str] | TokenBatch, packed: np.ndarray) -> np.ndarray | None:
        """The margins of :meth:`transform_scores` by compiled loops, once
        :meth:`load_typed_scores` loaded them (else, or where they do not apply, ``None``).

        The same float32 margins to the last bit, from the syllables' types as ``_analyse``
        numbers them, for featurizers with character n-grams of at most 3 characters: no
        occurrence keys, count matrix or gathered rows are made. On 20,000 news leads in
        batches of 1,000 this took 25.7 µs of CPU a lead against 33.4 for
        :meth:`transform_scores`, and the sentiment step of ``bench_steps.py --compiled`` (30,000
        leads) 37-44 against 52-54 (three alternating runs, 2026-12-02). What is left is mostly
        memory: a lead reads some 600 rows of the 21 MB weight table, and a compiled loop read
        rows at random in 24-38 ns each from tables of 8 MB or more, against 2-4 ns from tables
        of 4 MB or less (measured the same day).

        Args:
            texts: Texts, or their :func:`tokenise_batch`.
            packed: ``(n_features_, n_columns + 1)`` float32 from :meth:`pack_weights`.

        Returns:
            ``(len(texts), n_columns)`` float32, or ``None``.
        """
        typed = self._typed_input("_typed", texts)
        if typed is None:
            return None
        kernels, logs, tb, type_ids, types = typed
        if not type_ids.size or types.empty[type_ids].all():
            return None  # the character n-grams of the whole text (_analyse): left to numpy
        lo, hi = self.word_ngram_range
        c_lo, c_hi = self.char_ngram_range
        params = (
            lo,
            hi,
            getattr(self, "lead_tokens", 0),
            self.n_word_features,
            c_lo,
            c_hi,
            self.n_char_features,
        )
        margins, status = kernels.score_types(
            type_ids.astype(np.int64, copy=False), types.vocab, types.first, types.last, types.single,
            types.empty, types.start, types.count, types.feats, tb.n_docs, params,
            np.float32(self.char_weight), packed, logs,
        )  # fmt: skip
        return margins if status == kernels.DONE else None

    def load_typed_explain(self, weights: np.ndarray) -> bool:
        """Load the compiled loops of :meth:`typed_explain` now (as :meth:`load_typed_scores`);
        return whether they apply to this featurizer and these weights."""
        if (
            self.char_ngram_range
            or self.word_ngram_range[1] > 3
            or self.n_features_ >= 1 << 31
            or self.idf_.dtype != np.float32
            or weights.dtype != np.float32
            or weights.ndim != 2
            or weights.strides[1] != weights.itemsize  # rows of their own (a packed table's are)
        ):
            return False
        from duluan.analysis import kernels  # numba: imported only by those who score this way

        self.__dict__["_explaining"] = (kernels, _count_logs())
        probe = np.zeros(weights.shape[1], np.float32)
        return self.typed_explain(tokenise_batch(["hoà bình"]), weights, probe, 1) is not None

    def typed_explain(
        self,
        texts: Sequence[str] | TokenBatch,
        weights: np.ndarray,
        intercept: np.ndarray,
        top: int,
        words_only: bool = False,
        layout: np.ndarray | None = None,
        hidden: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray, list] | None:
        """A linear model's margins, best classes and explanations by compiled loops, once
        :meth:`load_typed_explain` loaded them (else, or where they do not apply, ``None``).

        The margins are those of the product of :meth:`transform_batch` with ``weights`` to the
        last bit; each text's best class is the first largest of ``margins + intercept``, and its
        terms are those :meth:`explain_matrix` gives for that class, in the same order (see
        :func:`duluan.analysis.kernels.explain_types`). For featurizers of syllable n-grams only.
        The shipped topic model's labels, scores, runner-ups and terms of 20,000 news leads (in
        batches of 1,000, already split and numbered) took 21.0 µs of CPU a lead (median 26.4)
        this way against 27.4 (36.4) by :meth:`transform_batch`, the product and
        :meth:`explain_matrix` (seven alternating rounds in one process, 2026-12-02).

        Args:
            texts: Texts, or their :func:`tokenise_batch`.
            weights: ``(n_features_, n_classes)`` float32, each row contiguous.
            intercept: float32, one per class.
            layout: float32, ``(n_texts, n_classes)``: the part of each text's layout in its
                margins, added before the intercept to choose its best class (``None``: none).
            top: Terms per text.
            words_only: As in :meth:`explain_matrix`.
            hidden: As in :meth:`explain`.

        Returns:
            ``(margins, best, terms)``, or ``None``.
        """
        typed = self._typed_input("_explaining", texts)
        if typed is None:
            return None
        kernels, logs, tb, type_ids, types = typed
        lo, hi = self.word_ngram_range
        params = (lo, hi, getattr(self, "lead_tokens", 0), self.n_word_features)
        if layout is None:
            layout = np.zeros((tb.n_docs, weights.shape[1]), np.float32)
        margins, best, starts, lengths, totals, n_terms, status = kernels.explain_types(
            type_ids.astype(np.int64, copy=False), types.vocab, tb.n_docs, params,
            self.packed_rows(weights), weights.shape[1], np.ascontiguousarray(layout, np.float32),
            np.asarray(intercept, np.float32), logs, top,
            (
                _PIECES * top, self.vocabulary_.get(hidden, -3) if hidden else -3, PHRASE_SYLLABLES, _STICK,
                token_breaks(tb), self._edge_word_ids(),
            ),
        )  # fmt: skip
        if status != kernels.DONE:
            return None
        named = np.arange(top) < n_terms[:, None]
        bounds = np.zeros(tb.n_docs + 1, np.int64)
        np.cumsum(n_terms, out=bounds[1:])
        terms = _name_terms(
            tb.tokens, starts[named], lengths[named], bounds, None if words_only else totals[named]
        )
        return margins, best, terms

    def _negation_scope(self) -> int:
        """How many syllables after a negator are read as negated (0: none; files written before
        ``negation_scope`` existed have no such attribute)."""
        return getattr(self, "negation_scope", 0)

    def _quiets(self) -> bool:
        """Whether intensifiers or sentences of courtesy are read as no syllable (files written
        before ``quiet_intensifiers`` or ``quiet_courtesy`` existed have no such attribute: they
        are not)."""
        return getattr(self, "quiet_intensifiers", False) or getattr(self, "quiet_courtesy", False)

    def _rewrites(self) -> bool:
        """Whether this featurizer reads other syllables than a text's own (marked or quiet)."""
        return bool(self._negation_scope() or self._quiets())

    def _batch(self, texts: Sequence[str] | TokenBatch) -> TokenBatch:
        """The syllables this featurizer reads of ``texts``: split (unless given split), with the
        syllables its negators govern marked when it marks them (:mod:`duluan.analysis.negation`),
        then its intensifiers and sentences of courtesy quiet when it quiets them
        (:func:`quieted_batch`)."""
        tb = texts if isinstance(texts, TokenBatch) else tokenise_batch(texts)
        scope = self._negation_scope()
        if scope:
            tb = negated_batch(tb, scope)
        if not self._quiets():
            return tb
        return quieted_batch(
            tb, getattr(self, "quiet_intensifiers", False), getattr(self, "quiet_courtesy", False)
        )

    def _typed_input(self, loaded: str, texts: Sequence[str] | TokenBatch) -> tuple | None:
        """What the compiled loops loaded under ``loaded`` read of ``texts``: ``(kernels, logs, batch,
        type ids, types)``, or ``None`` when they are not loaded."""
        if loaded not in self.__dict__:
            return None
        kernels, logs = self.__dict__[loaded]
        tb = self._batch(texts)
        type_ids, types = self._type_table().lookup(tb)
        return kernels, logs, tb, type_ids, types

    def transform_scores(
        self, texts: Sequence[str] | TokenBatch, packed: np.ndarray, naming: bool = True
    ) -> tuple[sp.csr_matrix, _Batch, np.ndarray]:
        """:meth:`transform_batch`, and the matrix times a linear model's weights.

        ``packed`` holds, per feature, the model's weights then this featurizer's idf (see
        :meth:`pack_weights`): each matrix entry's row of it is gathered once, in one access to
        memory, for its idf and for the product, where weighing gathered the idf and the sparse
        product the weights, each from its own table at random places. The product is then the
        matrix with one column per entry times the gathered rows, which scipy computes like the
        plain ``x @ weights`` (per row, one float32 addition per entry, in the entries' order),
        so the margins are the same to the last bit. With the sentiment model's weights (3
        classes: rows of 16 bytes), counting, weighing and the product took 11.8 µs a news lead
        against 13.0, and the whole sentiment step 23.5 against 24.7 (best of four and of three
        alternating runs over 20,000 leads, batches of 1,000; measured 2026-11-30).

        Args:
            texts: Texts to featurise, or their :func:`tokenise_batch`.
            packed: ``(n_features_, n_columns + 1)`` float32 from :meth:`pack_weights`.
            naming: As in :meth:`transform_batch`.

        Returns:
            ``(matrix, batch, product)``: the product is ``(len(texts), n_columns)`` float32.
        """
        import scipy.sparse as sp  # (not at the top: see there)

        batch = self._analyse(texts, naming=naming)
        counts, blocks = self._counts_and_blocks(batch)
        gathered = np.take(packed, counts.indices, axis=0)
        x = self._weigh(counts, blocks, idf=gathered[:, -1])
        index_dtype = counts.indices.dtype if x.nnz <= np.iinfo(counts.indices.dtype).max else np.int64
        by_entry = sp.csr_matrix(
            (x.data, np.arange(x.nnz, dtype=index_dtype), x.indptr.astype(index_dtype, copy=False)),
            shape=(x.shape[0], x.nnz),
        )
        return x, batch, (by_entry @ gathered)[:, :-1]

    def explain_matrix(
        self,
        x: sp.csr_matrix,
        batch: _Batch,
        weights: np.ndarray,
        columns: np.ndarray,
        top: int = 5,
        words_only: bool = False,
        hidden: str | None = None,
    ) -> list[tuple[tuple[str, float], ...]] | list[list[str]]:
        """:meth:`explain` on a matrix already computed by :meth:`transform_batch` (no second pass).

        Args:
            x: The matrix.
            batch: Its n-gram occurrences.
            weights: ``(n_features_, n_columns)`` weights.
            columns: Column of ``weights`` to explain, per row.
            top: Terms per row.
            words_only: Return each row's terms as a list of the words alone, in the same order
                (their contributions are neither rounded nor paired with them).
            hidden: As in :meth:`explain`.

        Returns:
            As :meth:`explain`, or with ``words_only`` one list of terms per row.
        """
        n_rows = x.shape[0]
        sizes = np.diff(x.indptr)
        if weights.ndim == 2 and weights.flags.c_contiguous:
            # The same entries as weights[x.indices, column], found by one flat gather (the
            # two-array index costs three times as much).
            at = x.indices.astype(np.int64)
            at *= weights.shape[1]
            at += np.repeat(np.asarray(columns, dtype=np.int64), sizes)
            contrib = x.data * np.take(weights.reshape(-1), at)
        else:
            contrib = x.data * weights[x.indices, np.repeat(np.asarray(columns), sizes)]
        # Officials read words: character n-grams count in the score but are not named.
        good = contrib > 0
        if self.char_ngram_range:
            good &= x.indices < self.n_word_features
        # Positions, then ``take``: indexing by a mask cost four times as much (0.55 against 0.15 ms
        # for 113,000 entries, as many as the topic model's 1,000 news leads; 2026-11-30).
        kept = np.flatnonzero(good)
        rows = np.take(np.repeat(np.arange(n_rows), sizes), kept)
        # The best candidates of every row at once (row ascending, contribution descending):
        # a per-row argpartition and lookup in Python cost more than the whole prediction. With
        # lead features an n-gram can fill two buckets, so twice ``pieces`` candidates are taken
        # and the contributions of the same words added up below.
        pieces = _PIECES * top  # n-grams read for the ``top`` phrases (see _phrases)
        best = _best_within_rows(rows, np.take(contrib, kept), n_rows, 2 * pieces)
        rows, kept = np.take(rows, best), np.take(kept, best)
        feats, contrib = np.take(x.indices, kept).astype(np.int64), np.take(contrib, kept)
        # Name each candidate by one occurrence of its bucket in its document (the first one).
        # Only occurrences whose key hashes like a candidate's can name one: the others (most of
        # them) are left out before the sort. Filtering by the candidates' buckets, in any
        # document, kept 38,000 of the 131,000 occurrences of 1,000 news leads; by a hash of the
        # whole key, 17,000, and explaining took 6.0 µs a lead, not 6.6 (best of three
        # alternating runs of five, measured 2026-11-30).
        keys = rows * self.n_features_ + feats
        wanted = np.zeros(1 << _NAMING_BITS, dtype=bool)
        wanted[_naming_hash(keys)] = True
        word_keys = batch.word_keys
        among = np.flatnonzero(np.take(wanted, _naming_hash(word_keys)))
        w_order, w_sorted = _stable_sort(np.take(word_keys, among).astype(np.int64))
        at = np.minimum(np.searchsorted(w_sorted, keys), max(w_sorted.size - 1, 0))
        found = w_sorted[at] == keys if w_sorted.size else np.zeros(keys.size, dtype=bool)
        rows, contrib, occ = rows[found], contrib[found], np.take(among, w_order[at[found]])
        plain = feats[found] if batch.word_plain is None else batch.word_plain[occ]
        # Add up the lead and body buckets of the same words among the candidates, and keep the
        # best ``pieces`` of each row, still for the whole batch at once.
        merged, inverse = np.unique(rows * self.n_word_features + plain, return_inverse=True)
        total = np.bincount(inverse, weights=contrib, minlength=merged.size)
        named_by = np.empty(merged.size, dtype=np.int64)
        named_by[inverse] = occ
        m_rows = merged // self.n_word_features
        # Each row's best ``pieces``, in the order of ``np.lexsort((-total, m_rows))``: a row has
        # at most ``2 * pieces`` entries here, so ranks are counted in a small grid (0.6 ms for 7,600
        # entries, where the sort and ranking took 1.0).
        chosen, row_bounds = _top_within_short_rows(m_rows, total, n_rows, pieces)
        named_by = np.take(named_by, chosen)
        firsts = np.take(batch.word_start, named_by).astype(np.int64)
        sizes = np.take(batch.word_n, named_by).astype(np.int64)
        edges = self._edges(batch.token_ids, firsts, sizes, hidden, batch.token_breaks)
        firsts, sizes, row_bounds, weights = _phrases(
            batch.tokens,
            firsts,
            sizes,
            row_bounds,
            np.take(total, chosen),
            top,
            hidden,
            edges,
            batch.token_breaks,
            None if batch.token_ids is None else np.isin(batch.token_ids, self._edge_word_ids()),
        )
        return _name_terms(batch.tokens, firsts, sizes, row_bounds, None if words_only else weights)

    def stickiness(self, left: Sequence[str], right: Sequence[str]) -> np.ndarray | None:
        """How much each syllable of ``left`` sticks to the one of ``right`` written after it, as
        :meth:`_edges` reads it (about the log of the share of the documents holding the rarer
        one that hold both side by side): float64, ``-inf`` for a syllable this featurizer does
        not know; ``None`` for a featurizer without syllable unigrams and bigrams.

        Syllables are given in lower case, as normalised text writes them. What an issue's key
        words are moved by (:func:`~duluan.analysis.cluster.summary_phrases`).
        """
        if not self._reads_pairs():
            return None
        get, unknown = self.vocabulary_.get, itertools.repeat(-1)
        ids = np.array([*map(get, left, unknown), *map(get, right, unknown)], dtype=np.int64)
        n = len(left)
        return self._stick_ids(ids[:n], ids[n:], np.ones(n, dtype=bool))

    # -- internals ------------------------------------------------------------------------------

    def _edges(
        self,
        ids: np.ndarray | None,
        starts: np.ndarray,
        lengths: np.ndarray,
        hidden: str | None,
        breaks: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """How much each n-gram's edge syllables stick to their neighbours, for :func:`_phrases`
        (step 2): ``(left_out, left_in, right_out, right_in)``, float64, ``-inf`` where there is no
        such neighbour (the text's edge, an unknown syllable, the ``hidden`` one, one across a
        mark, as ``breaks`` says, or an n-gram of one syllable inside); ``None`` for a featurizer
        without syllable unigrams and bigrams.

        Two syllables stick by ``max(idf(a), idf(b)) - idf(ab)`` of this featurizer's own buckets,
        about the log of the share of the documents holding the rarer syllable that hold both side
        by side. As shares, in the shipped topic model: "cảm ơn" 0.89, "ơn công" 0.04; "đề nghị"
        0.49, "nghị kiểm" 0.04; "gia đình" 0.62, "đình tôi" 0.04. Buckets that other n-grams share
        blur it, so an edge moves only where the outside pair sticks more than the inside one (on
        24 such pairs written out, the right one stuck more in 20 for both shipped models). No
        word list is needed: the featurizer learnt these counts from its corpus (the word lists
        that segmenters use hold some 74,000 entries, to ship and keep up to date).
        """
        if ids is None or not self._reads_pairs():
            return None
        hidden_id = self.vocabulary_.get(hidden, -3) if hidden else -3
        n = ids.size
        ends = starts + lengths

        def stick(left: np.ndarray, right: np.ndarray) -> np.ndarray:
            ok = (left >= 0) & (right < n)
            a = np.take(ids, np.clip(left, 0, max(n - 1, 0)))
            b = np.take(ids, np.clip(right, 0, max(n - 1, 0)))
            ok &= (a != hidden_id) & (b != hidden_id)
            if breaks is not None:
                ok &= ~np.take(breaks, np.clip(right, 0, max(n - 1, 0)))
            return self._stick_ids(a, b, ok)

        if starts.size == 0:  # nothing to explain (and maybe no token at all)
            return None
        single = lengths == 1
        return (
            stick(starts - 1, starts),
            np.where(single, -np.inf, stick(starts, starts + 1)),
            stick(ends - 1, ends),
            np.where(single, -np.inf, stick(ends - 2, ends - 1)),
        )

    def _edge_word_ids(self) -> np.ndarray:
        """The vocabulary ids of the :data:`EDGE_WORDS` this featurizer knows (int64, sorted): a
        phrase's edge syllable is always a known one, so its id says whether it is one."""
        get = self.vocabulary_.get
        return np.array(sorted({get(w, -1) for w in EDGE_WORDS} - {-1}), dtype=np.int64)

    def _reads_pairs(self) -> bool:
        """Whether this featurizer counts syllables and syllable pairs, which stickiness reads."""
        lo, hi = self.word_ngram_range
        return lo == 1 and hi >= 2

    def _stick_ids(self, a: np.ndarray, b: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """How much syllables of ids ``a`` stick to those of ids ``b`` after them, where ``ok``
        and both are known (ids ``>= 0``), else ``-inf``: ``max(idf(a), idf(b)) - idf(ab)`` of
        this featurizer's own buckets."""
        ok = ok & (a >= 0) & (b >= 0)
        n = ok.size
        # The keys of a, b and the pair hashed and looked up in one go (an issue's key words ask
        # for a few pairs at a time, where each numpy call costs more than its work).
        keys = np.ones(3 * n, dtype=np.uint64)
        np.add(a, 1, out=keys[:n], where=ok, casting="unsafe")
        np.add(b, 1, out=keys[n : 2 * n], where=ok, casting="unsafe")
        np.bitwise_or(keys[:n] << np.uint64(_BITS), keys[n : 2 * n], out=keys[2 * n :])
        idf = np.take(self.idf_, _bucket(mix64(keys), self.n_word_features)).astype(np.float64)
        alone = np.maximum(idf[:n], idf[n : 2 * n])
        return np.where(ok, alone - idf[2 * n :], -np.inf)

    def _type_table(self) -> _TypeTable:
        """The memo of syllable types, built on first use (never pickled with the model)."""
        table = self.__dict__.get("_types")
        if table is None:
            table = self.__dict__["_types"] = _TypeTable(
                self.vocabulary_, self.char_ngram_range, self.n_char_features
            )
        return table

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("_types", None)
        state.pop("_compiled", None)
        state.pop("_compiled_placing", None)
        state.pop("_typed", None)
        state.pop("_explaining", None)
        state.pop("_packed_rows", None)
        if "idf_" in state:  # a view of a classifier's packed weights when loaded
            state["idf_"] = np.ascontiguousarray(state["idf_"])
        return state

    def _analyse(self, texts: Sequence[str] | TokenBatch, naming: bool = True) -> _Batch:
        """The batch's n-gram occurrences; without ``naming``, only the keys that are counted.

        Explanations name n-grams from each word occurrence's document, bucket, first token and
        length; a prediction that does not explain only needs each occurrence's count key, made
        here at once (the sentiment model featurised 1,000 news leads in 16.9 ms, not 17.6, and
        the topic model in 4.0, not 4.5; 2026-11-30).
        """
        tb = self._batch(texts)
        tokens = tb.tokens
        type_ids, types = self._type_table().lookup(tb)
        # -1: unknown syllable; -2: document separator (in the vocabulary). Both break n-grams.
        ids = types.vocab[type_ids]
        tok_doc = np.cumsum(ids == -2)
        dtype = self._key_dtype(tb.n_docs)
        # Files written before ``lead_tokens`` existed have no such attribute: no lead features.
        lead = getattr(self, "lead_tokens", 0)
        if lead:
            doc_start = np.concatenate([[0], np.flatnonzero(ids == -2) + 1])
            in_lead = np.arange(ids.size) - doc_start[tok_doc] < lead
        starts, lens, plains, word_keys = [], [], [], []

        def add(pos: np.ndarray, buckets: np.ndarray, n: int, plain: np.ndarray) -> None:
            keys = np.take(tok_doc, pos).astype(dtype)
            keys *= dtype(self.n_features_)
            keys += buckets.astype(dtype)
            word_keys.append(keys)
            if naming:
                plains.append(plain)
                starts.append(pos)
                lens.append(np.full(pos.size, n, dtype=np.int8))

        lo, hi = self.word_ngram_range
        valid = ids >= 0
        # Ids shifted by one are never zero, so keys of different lengths never coincide.
        shifted = np.where(valid, ids + 1, 0).astype(np.uint64)
        key = shifted
        ok = valid
        for n in range(1, hi + 1):
            if n > 1:
                key = (key[:-1] << np.uint64(_BITS)) | shifted[n - 1 :]
                ok = ok[:-1] & valid[n - 1 :]
            if n < lo:
                continue
            pos = np.flatnonzero(ok)
            at = np.take(key, pos)
            plain = _bucket(_mix64(at), self.n_word_features)
            plain_ids = plain.astype(np.int64) if naming else plain
            add(pos, plain, n, plain_ids)
            if lead:
                in_opening = np.flatnonzero(np.take(in_lead, pos))
                # Another fixed salt gives the lead's n-grams buckets of their own.
                salted = np.take(at, in_opening) ^ np.uint64(0x9E3779B97F4A7C15)
                opening = np.take(plain_ids, in_opening)
                add(np.take(pos, in_opening), _bucket(_mix64(salted), self.n_word_features), n, opening)
        if naming:
            word_start = np.concatenate(starts) if starts else np.zeros(0, np.int64)
            word_n = np.concatenate(lens) if lens else np.zeros(0, np.int8)
            word_plain = np.concatenate(plains) if plains else np.zeros(0, np.int64)
        else:
            word_start, word_n, word_plain = np.zeros(0, np.int64), np.zeros(0, np.int8), None
        char_parts: tuple[np.ndarray, ...] = (np.zeros(0, dtype=dtype),)
        if self.char_ngram_range:
            # The memo covers n-grams that span at most one space.
            if self.char_ngram_range[1] <= 3:
                if types.empty[type_ids].any():  # drop syllables made of "_" only
                    keep = ~types.empty[type_ids]
                    type_ids, tok_doc = type_ids[keep], tok_doc[keep]
                if type_ids.size:
                    char_parts = self._char_ngrams(tb, type_ids, types, tok_doc, dtype)
                else:
                    char_parts = self._in_row_order(self._text_char_ngrams(tb, dtype))
            else:
                char_parts = self._in_row_order(self._text_char_ngrams(tb, dtype))
        return _Batch(
            tb.n_docs,
            self.n_features_,
            tuple(word_keys) or (np.zeros(0, dtype),),
            char_parts,
            tokens,
            word_start,
            word_n,
            word_plain,
            ids if naming else None,
            token_breaks(tb) if naming else None,
        )

    def _key_dtype(self, n_docs: int) -> type:
        """The integer type of ``row * n_features_ + column`` keys for a batch of ``n_docs``."""
        return np.uint32 if n_docs * self.n_features_ < (1 << 32) else np.uint64

    def _text_char_ngrams(self, tb: TokenBatch, dtype: type = np.uint64) -> np.ndarray:
        """Character n-grams by their definition: hash every n-gram of the whole batch's text, each
        word as the featurizer reads it (:meth:`_read_joined`).

        Returns:
            The key (``row * n_features_ + column``) of each occurrence.
        """
        chars = _NON_WORD_RE.sub(" ", canonical_tones(self._read_joined(tb)))
        docs, feats = _hash_char_ngrams(chars, self.char_ngram_range, self.n_char_features)
        return self._keys(docs, feats + self.n_word_features, dtype)

    def _read_joined(self, tb: TokenBatch) -> str:
        """The batch's joined text (:attr:`TokenBatch.joined`) with every word stretched at its end
        that the vocabulary knows only unstretched written as that word ("xúcccc" as "xúc": see
        :func:`_vocabulary_form`), as the syllables' memo reads its characters. Without this, a
        text's character n-grams depended on the n-gram lengths: "Aàà" (the known "a" stretched)
        gave the n-grams of " a " up to trigrams and of " aàà " beyond (found by Hypothesis,
        2026-12-07).
        """
        joined = tb.joined
        get = self.vocabulary_.get
        plain = {}
        for tok in {t for t in tb.tokens if len(t) > 2 and t[-1] == t[-2]}:
            read = _vocabulary_form(get, tok)[1]
            if read != tok:
                plain[tok] = read
        if not plain:
            return joined
        return _WORD_RE.sub(lambda m: plain.get(m.group(), m.group()), joined)

    def _in_row_order(self, keys: np.ndarray) -> tuple[np.ndarray, ...]:
        """``keys`` cut where their row goes down: pieces in row order (see :func:`_sorted_keys`)."""
        rows = keys // keys.dtype.type(self.n_features_)
        return tuple(np.split(keys, np.flatnonzero(rows[1:] < rows[:-1]) + 1))

    def _keys(self, rows: np.ndarray, cols: np.ndarray, dtype: type) -> np.ndarray:
        return rows.astype(dtype) * dtype(self.n_features_) + cols.astype(dtype)

    def _char_ngrams(
        self, tb: TokenBatch, type_ids: np.ndarray, types: _Types, tok_doc: np.ndarray, dtype: type
    ) -> tuple[np.ndarray, ...]:
        """The keys of :meth:`_text_char_ngrams`, gathered from the syllables' memo, in pieces.

        Each piece's keys come in document order (as :func:`_sorted_keys` takes them).

        The batch's characters are its syllables one space apart (the separator counts as one),
        with a space before the first and after the last; each syllable's entries assume both
        spaces.
        """
        import scipy.sparse as sp  # (not at the top: see there)

        lo, hi = self.char_ngram_range
        counts = types.count[type_ids]
        # The syllables' entries one after the other: the rows of a sparse matrix with one row per
        # type, whose row selection copies each row's slice in C (1.1 ms for 1,000 news leads,
        # where a gather by an index of every entry took 2.3; measured 2026-11-30).
        n_types = types.start.size
        indptr = np.empty(n_types + 1, dtype=np.int32 if types.feats.size < (1 << 31) else np.int64)
        indptr[:-1] = types.start
        indptr[-1] = types.feats.size
        feats = types.feats.view(np.int32)  # buckets fit in 31 bits; the data is not read
        by_type = sp.csr_matrix((feats, feats, indptr), shape=(n_types, max(self.n_char_features, 1)))
        gathered = by_type[type_ids].indices.view(np.uint32)
        # Each occurrence's key: its syllable's row base plus the n-gram's column.
        base = tok_doc.astype(dtype) * dtype(self.n_features_) + dtype(self.n_word_features)
        keys = np.repeat(base, counts)
        keys += gathered
        hashes, key_docs = [], []
        if lo <= 1:
            hashes.append(np.array([32 + 1], dtype=np.uint64))  # the leading space, as a unigram
            key_docs.append(np.zeros(1, dtype=np.int64))
        if lo <= 3 <= hi:
            word = types.vocab[type_ids] != -2
            # Last letter, space, first letter of two syllables in a row.
            pair = np.flatnonzero(word[1:] & word[:-1]) + 1
            prime = np.uint64(_CHAR_PRIME)
            spanning = (types.last[type_ids[pair - 1]] * prime + np.uint64(32)) * prime
            hashes.append(spanning + types.first[type_ids[pair]] + np.uint64(3))
            key_docs.append(tok_doc[pair])
            # A one-letter syllable between two spaces.
            at = np.flatnonzero(types.single[type_ids])
            hashes.append((np.uint64(32) * prime + types.first[type_ids[at]]) * prime + np.uint64(32 + 3))
            key_docs.append(tok_doc[at])
        if not hashes:
            return (keys,)
        feats = _bucket(_mix64(np.concatenate(hashes)), self.n_char_features)
        extra = self._keys(np.concatenate(key_docs), feats + np.uint64(self.n_word_features), dtype)
        # Each kind of extra n-gram in its own piece: every piece in document order.
        return keys, *np.split(extra, np.cumsum([h.size for h in hashes[:-1]]))

    def _counts(self, batch: _Batch) -> sp.csr_matrix:
        return self._counts_and_blocks(batch)[0]

    def _counts_and_blocks(self, batch: _Batch) -> tuple[sp.csr_matrix, np.ndarray | None]:
        """The count matrix and, with character n-grams, its rows' word and character blocks."""
        # Every piece's keys come in row order: written once, a few rows at a time, and sorted
        # so (joining the pieces of each kind first, then both, the sentiment model featurised
        # and counted news leads in 11.0 µs a lead, not 10.7; best of five, alternating runs,
        # 2026-11-30).
        dtype = self._key_dtype(batch.n_docs)
        keys = _sorted_keys([*batch.word_parts, *batch.char_parts], batch.n_docs, self.n_features_, dtype)
        if not self.char_ngram_range:
            return _count_keys(keys, batch.n_docs, self.n_features_, is_sorted=True), None
        return _count_keys(keys, batch.n_docs, self.n_features_, split=self.n_word_features, is_sorted=True)

    def _weigh(
        self, counts: sp.csr_matrix, blocks: np.ndarray | None = None, idf: np.ndarray | None = None
    ) -> sp.csr_matrix:
        """Sublinear TF-IDF, L2-normalised (each block first, when there are character n-grams).

        ``counts`` is weighed in place. Every float operation is the one of the plain definition,
        in the same order, so the matrix is the same to the last bit: the sums of squares are
        float64 sums in the entries' order, as ``np.bincount`` makes them (see
        :func:`_block_sums`), and each row's (or block's) factor is spread over its entries by
        ``np.repeat``, not by indexing. ``blocks`` are the rows' word and character blocks as
        :func:`_count_keys` gives them (found here when not given). On 1,000 news leads with the
        sentiment model's features this took 4.2 ms against 8.6 with ``np.bincount`` and indexing,
        with the topic model's 0.6 against 1.0 (measured 2026-11-30). ``idf``, when given, is the
        idf of each entry, already gathered (see :meth:`transform_scores`).
        """
        x = counts
        data = x.data
        np.log(data, out=data)
        data += 1.0
        data *= np.take(self.idf_, x.indices) if idf is None else idf  # take: 2.5 times faster than indexing
        n_rows = x.shape[0]
        if self.char_ngram_range:
            if blocks is None:
                blocks = _blocks_of(x, self.n_word_features)
            sizes = np.diff(blocks)
            # Each row's word block (even blocks), then its character block (odd ones).
            norms = np.sqrt(_block_sums(np.multiply(data, data), blocks))
            norms[norms == 0] = 1.0
            data /= np.repeat(norms.astype(np.float32), sizes)
            weight = np.empty(2 * n_rows, dtype=np.float32)
            weight[0::2] = 1.0
            weight[1::2] = self.char_weight
            data *= np.repeat(weight, sizes)
        norms = np.sqrt(_block_sums(np.multiply(data, data), x.indptr))
        norms[norms == 0] = 1.0
        data /= np.repeat(norms.astype(np.float32), np.diff(x.indptr))
        return x
