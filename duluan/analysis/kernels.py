"""Compiled loops that score texts with a linear model of syllable n-grams, from their characters.

:class:`~duluan.analysis.features.NgramFeaturizer` does every step after the split into syllables
in numpy over a whole batch. Before that step, each syllable is a Python string, made by the split
and looked up in a dictionary: for whole articles (VNTC: 2,100 characters, 480 syllables each),
that is half of featurising them (69 and 35 of 215 µs an article, 1,000 VNTC articles,
2026-12-01). :func:`score_texts` reads the characters instead: it finds each syllable, hashes it
and looks the hash up in the vocabulary's open-addressing table, and goes on to the n-gram
buckets, their counts (a radix sort of each text's buckets), the sublinear TF-IDF, its norm and
the product with the weights, one text at a time, so that a text's arrays stay in the CPU's caches.

:func:`syllables_in_table` reads characters the same way to find the syllables of a batch
that are in a small table (the chat forms, for :func:`duluan.analysis.normalise.normalise_texts`).

numba compiles these functions (written in Python, plain data in and out, as everywhere in the
engine) on first use and caches the machine code beside this file (or in numba's cache folder
where that is read-only). numpy cannot do these
steps for a whole batch at once: each goes from one character, syllable or slot to the next with
a branch (is this a word character? is this slot taken? is this bucket the last one?).

The margins are those of the numpy path to the last bit (``test_kernels.py`` checks it on real
texts): counts are float32 and their logarithms are numpy's (a table of ``np.log`` of 1, 2, ...);
each entry's value and square are float32 operations in the same order; the sum of squares is a
float64 sum in column order; the product adds, per class, one float32 product per entry in
column order from zero, as scipy's sparse product does (numba, like scipy's build, does not
fuse a multiplication and an addition).

A syllable is known by a 64-bit hash of its code points (FNV-1a, then MurmurHash3's finaliser).
Two syllables with one hash would share a vocabulary id: with a million distinct syllables the
chance that any two do is about 3 in 10**8.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numba as nb
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from duluan.analysis.features import _WORD_RE, mix64

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@intrinsic
def _prefetch(typingctx, array, row):
    """Ask the CPU to bring ``array[row]`` (its first item) into its caches, and go on at once.

    numba has no call for LLVM's prefetch instruction; this emits it. A weight table of 2**20
    rows (40-70 MB) is far larger than the caches, and a text's rows are scattered in it: loading
    each row only when the product reaches it waits for memory once a row.
    """
    sig = types.void(array, row)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        ary = context.make_array(array_type)(context, builder, args[0])
        index = [args[1]] + [context.get_constant(types.intp, 0)] * (array_type.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, array_type, ary, index, wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]), "llvm.prefetch.p0"
        )
        # A read (0), to be kept in every level of cache (3), of data (1).
        builder.call(
            fn,
            [builder.bitcast(ptr, byte_ptr), ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)],
        )
        return context.get_dummy_value()

    return sig, codegen


# The featurizers' hash, compiled from the same function (so the buckets are the same).
_mix64 = nb.njit(cache=True)(mix64)


@nb.njit(cache=True)
def hash_strings(codes):
    """The syllable hash of each string of ``codes`` (code points, strings apart by a zero)."""
    out = np.empty(codes.size + 1, np.uint64)
    m = 0
    h = _FNV_OFFSET
    for i in range(codes.size):
        c = codes[i]
        if c == 0:
            out[m] = _mix64(h) | np.uint64(1)  # never zero: zero marks an empty slot
            m += 1
            h = _FNV_OFFSET
        else:
            h = (h ^ np.uint64(c)) * _FNV_PRIME
    out[m] = _mix64(h) | np.uint64(1)
    return out[: m + 1]


@nb.njit(cache=True)
def _probe(table_keys, h):
    """The slot of hash ``h`` in an open-addressing table (linear probing), or the empty slot
    where it would go."""
    mask = np.uint64(table_keys.size - 1)
    slot = h & mask
    while table_keys[slot] != 0 and table_keys[slot] != h:
        slot = (slot + np.uint64(1)) & mask
    return slot


@nb.njit(cache=True)
def insert(keys, values, hashes, ids):
    """Put ``hashes`` with their ``ids`` in the open-addressing table ``keys``/``values``."""
    for j in range(hashes.size):
        slot = _probe(keys, hashes[j])
        keys[slot] = hashes[j]
        values[slot] = ids[j]


# Codes in the folding table (see :func:`score_texts`): not a word character; a character whose
# lower case is not one character or depends on its neighbours ("İ", "Σ").
NOT_WORD = -1
SPECIAL = -2
# What :func:`score_texts` says of a batch.
DONE = 0
HAS_SPECIAL = 1  # lower-case the batch with str.lower and score it again
COUNT_TOO_LARGE = 2  # an n-gram occurs in a text more often than the table of logarithms covers
# Texts with at most this many n-gram occurrences are sorted by insertion, longer ones by radix,
# in digits of at most this many bits.
_SHORT = 48
_DIGIT_BITS = 11


@nb.njit(cache=True)
def _radix_pass(src, dst, m, shift, width, counts):
    """One pass of a least-significant-digit radix sort: ``src[:m]`` into ``dst`` by the
    ``width`` bits at ``shift``."""
    digits = 1 << width
    low = digits - 1
    counts[: digits + 1] = 0
    for a in range(m):
        counts[((src[a] >> shift) & low) + 1] += 1
    for b in range(digits):
        counts[b + 1] += counts[b]
    for a in range(m):
        digit = (src[a] >> shift) & low
        dst[counts[digit]] = src[a]
        counts[digit] += 1


@nb.njit(cache=True)
def _sort_columns(buf, tmp, m, bits, counts):
    """Sort ``buf[:m]`` (values below ``2**bits``), in ``buf`` or ``tmp``: return whether in ``tmp``.

    Short runs by insertion; others by radix, in as few passes of at most 11 bits as cover
    ``bits`` (two for 2**20 columns).
    """
    if m <= _SHORT:
        for a in range(1, m):
            v = buf[a]
            b = a - 1
            while b >= 0 and buf[b] > v:
                buf[b + 1] = buf[b]
                b -= 1
            buf[b + 1] = v
        return False
    passes = (bits + _DIGIT_BITS - 1) // _DIGIT_BITS
    width = (bits + passes - 1) // passes
    in_tmp = False
    for shift in range(0, bits, width):
        if in_tmp:
            _radix_pass(tmp, buf, m, shift, width, counts)
        else:
            _radix_pass(buf, tmp, m, shift, width, counts)
        in_tmp = not in_tmp
    return in_tmp


@nb.njit(cache=True)
def _bucket(h, n_features, pow2):
    return np.int64(h & np.uint64(n_features - 1)) if pow2 else np.int64(h % np.uint64(n_features))


# What _next_syllable found.
_SYLLABLE = 0
_TEXT_END = 1  # the text ended (a separator or the batch's end) before another syllable
_SPECIAL_MET = 2  # a SPECIAL character


@nb.njit(cache=True)
def _next_syllable(codes, fold, i):
    """The next syllable of the text at ``i``: ``(what, start, end, hash)``.

    A syllable is a run of characters that ``fold`` reads as word characters, hashed as
    :func:`hash_strings` hashes the folded code points. ``what`` is :data:`_SYLLABLE` (found at
    ``start:end``), :data:`_TEXT_END` (``end`` is the separator or the batch's end) or
    :data:`_SPECIAL_MET` (at ``end``).
    """
    n = codes.size
    while i < n and codes[i] != 0:
        c = fold[codes[i]]
        if c == SPECIAL:
            return _SPECIAL_MET, i, i, np.uint64(0)
        if c >= 0:
            start = i
            h = _FNV_OFFSET
            while True:
                h = (h ^ np.uint64(c)) * _FNV_PRIME
                i += 1
                if i == n or codes[i] == 0:
                    break
                c = fold[codes[i]]
                if c < 0:
                    break  # a SPECIAL character is met by the next call
            return _SYLLABLE, start, i, _mix64(h) | np.uint64(1)  # never zero: an empty slot
        i += 1
    return _TEXT_END, i, i, np.uint64(0)


@nb.njit(cache=True)
def _slot_of(table_keys, h):
    """The slot of hash ``h`` in an open-addressing table, or -1 when it has none."""
    slot = _probe(table_keys, h)
    return np.int64(slot) if table_keys[slot] == h else np.int64(-1)


@nb.njit(cache=True)
def _put(buf, m, col, idf, weights):
    """Write bucket ``col`` at ``buf[m]`` and ask for its idf and row of weights, which arrive
    while the text's buckets are sorted; return ``m + 1``."""
    _prefetch(idf, col)
    _prefetch(weights, col)
    buf[m] = col
    return m + 1


@nb.njit(cache=True)
def score_texts(codes, fold, table_keys, table_values, lo, hi, lead, n_features, idf, weights, logs):
    """A linear model's margins for a batch of texts, from their characters.

    For each text: its syllables (runs of word characters, lower case), their vocabulary ids
    (the table; a syllable it has no slot for counts as unknown and is reported), the n-gram
    count keys of ``NgramFeaturizer._analyse`` (n-grams of known syllables from ``lo`` to ``hi``
    long, hashed into ``n_features`` buckets; again under a salted hash when they start within
    the first ``lead`` syllables), their counts (a radix sort of the text's buckets), sublinear
    TF-IDF normalised to unit length, and its product with ``weights``. See the module's doc
    for why this is the numpy path's result to the last bit.

    Args:
        codes: The batch's code points (uint32, NFC), texts apart by a zero.
        fold: Per code point, its lower case when that is one word character, else
            :data:`NOT_WORD` or :data:`SPECIAL`.
        table_keys: The vocabulary table's hashes (a power of two of them; zero: empty).
        table_values: Its vocabulary ids (``-1``: not in the vocabulary).
        lo, hi: The n-gram lengths (``1 <= lo <= hi <= 3``).
        lead: Syllables of a text's opening whose n-grams count twice (0: none).
        n_features: Hash buckets (columns).
        idf: float32, one per column.
        weights: ``(n_features, n_classes)`` float32.
        logs: ``np.log`` of the counts 1, 2, ... (float32), as numpy computes them.

    Returns:
        ``(margins, status, unseen_hashes, unseen_starts, unseen_ends)``: the margins (float32)
        when ``status`` is :data:`DONE`, and the syllables the table had no slot for (hash, span
        in ``codes``), which the caller looks up: if one of them is in the vocabulary, the
        batch must be scored again.
    """
    n = codes.size
    k = weights.shape[1]
    # The number of texts and the longest: every array is made once, large enough for any text
    # (an array assigned again inside the loops costs reference counting at every syllable).
    n_docs = 1
    longest = 0
    last = -1
    for i in range(n):
        if codes[i] == 0:
            n_docs += 1
            longest = max(longest, i - last)
            last = i
    longest = max(longest, n - last)
    out = np.zeros((n_docs, k), np.float32)
    unseen_h = np.empty(n // 2 + 1, np.uint64)
    unseen_s = np.empty(n // 2 + 1, np.int64)
    unseen_e = np.empty(n // 2 + 1, np.int64)
    n_unseen = 0
    cap = (longest // 2 + 1) * hi * 2  # syllables of a text, times the n-grams each ends
    buf = np.empty(cap, np.uint32)
    tmp = np.empty(cap, np.uint32)
    columns = np.empty(cap, np.int64)
    data = np.empty(cap, np.float32)
    acc = np.zeros(k, np.float32)
    counts = np.empty((1 << _DIGIT_BITS) + 1, np.int64)
    pow2 = n_features & (n_features - 1) == 0
    bits = 1
    while (1 << bits) < n_features:
        bits += 1
    salt = np.uint64(0x9E3779B97F4A7C15)
    one = np.float32(1.0)
    i = 0
    for d in range(n_docs):
        m = 0  # n-gram occurrences of this text
        p = 0  # syllables of this text so far
        prev1 = -1  # ids of the two syllables before (-1: unknown, or none)
        prev2 = -1
        while True:
            what, start, i, h = _next_syllable(codes, fold, i)
            if what == _SPECIAL_MET:
                return out, HAS_SPECIAL, unseen_h[:0], unseen_s[:0], unseen_e[:0]
            if what == _TEXT_END:
                break
            slot = _slot_of(table_keys, h)
            v = -1
            if slot >= 0:
                v = table_values[slot]
            else:
                unseen_h[n_unseen] = h
                unseen_s[n_unseen] = start
                unseen_e[n_unseen] = i
                n_unseen += 1
            if v >= 0:
                # The n-grams that end with this syllable, by length; each starts at p - length + 1.
                gram = np.uint64(v + 1)
                for length in range(1, hi + 1):
                    if length == 2:
                        if prev1 < 0:
                            break
                        gram |= np.uint64(prev1 + 1) << np.uint64(21)
                    elif length == 3:
                        if prev2 < 0:
                            break
                        gram |= np.uint64(prev2 + 1) << np.uint64(42)
                    if length < lo:
                        continue
                    m = _put(buf, m, _bucket(_mix64(gram), n_features, pow2), idf, weights)
                    if p - length + 1 < lead:
                        m = _put(buf, m, _bucket(_mix64(gram ^ salt), n_features, pow2), idf, weights)
            prev2 = prev1
            prev1 = v
            p += 1
        i += 1  # the separator
        if m == 0:
            continue
        ordered = tmp if _sort_columns(buf, tmp, m, bits, counts) else buf
        # Distinct columns and their counts.
        u = 0
        a = 0
        total = 0.0
        while a < m:
            col = ordered[a]
            b = a + 1
            while b < m and ordered[b] == col:
                b += 1
            if b - a > logs.size:
                return out, COUNT_TOO_LARGE, unseen_h[:0], unseen_s[:0], unseen_e[:0]
            x = (logs[b - a - 1] + one) * idf[col]
            columns[u] = col
            data[u] = x
            total += np.float64(x * x)
            u += 1
            a = b
        norm = np.sqrt(total)
        if norm == 0.0:
            norm = 1.0
        norm32 = np.float32(norm)
        acc[:] = 0
        for e in range(u):
            x = data[e] / norm32
            row = weights[columns[e]]
            for c in range(k):
                acc[c] += x * row[c]
        out[d] = acc
    return out, DONE, unseen_h[:n_unseen], unseen_s[:n_unseen], unseen_e[:n_unseen]


@nb.njit(cache=True)
def syllables_in_table(codes, fold, table_keys):
    """The syllables of ``codes`` (runs of characters ``fold`` reads as word characters) whose
    hash is in the table: ``(starts, ends, special)``, their spans in ``codes`` in order, and
    the starts of the :data:`SPECIAL` characters (which only ``str.lower`` reads right)."""
    n = codes.size
    starts = np.empty(n // 2 + 1, np.int64)
    ends = np.empty(n // 2 + 1, np.int64)
    special = np.empty(n // 2 + 1, np.int64)
    m = 0
    n_special = 0
    i = 0
    while i < n:
        what, start, i, h = _next_syllable(codes, fold, i)
        if what == _TEXT_END:
            i += 1  # the separator
        elif what == _SPECIAL_MET:
            special[n_special] = i
            n_special += 1
            i += 1
        elif _slot_of(table_keys, h) >= 0:
            starts[m] = start
            ends[m] = i
            m += 1
    return starts[:m], ends[:m], special[:n_special]


class Folding:
    """Per code point, what the compiled loops read it as (int32), filled as texts need it.

    With ``lower``, a character's lower case (``str.lower``) when that is one word character,
    else the character itself when it is a word character: one that ``\\w`` matches (the
    featurizers' syllables), or with ``underscore=False`` a letter or digit (the normaliser's).
    Other characters are :data:`NOT_WORD`; with ``lower``, those whose lower case is not one
    character or depends on the characters around it ("İ", "Σ") are :data:`SPECIAL`. Read from
    ``str.lower`` and the expression itself: for the Basic Multilingual Plane at once (20 ms),
    for the code points beyond it when a batch has them (all of Unicode took 0.4 s).
    """

    _UNREAD = -3

    def __init__(self, lower: bool, underscore: bool = True) -> None:
        self._lower = lower
        self._underscore = underscore
        self._lock = threading.Lock()
        self.table = np.full(0x110000, self._UNREAD, dtype=np.int32)
        self._read(np.arange(0x10000))

    def _read(self, codes: np.ndarray) -> None:
        chars = [chr(c) for c in codes.tolist()]
        lowered = [ch.lower() for ch in chars] if self._lower else chars
        values = []
        for ch, low in zip(chars, lowered, strict=True):
            if self._lower and (len(low) != 1 or ch == "\u03a3"):  # "Σ": "ς" ending a word, else "σ"
                values.append(SPECIAL)
            elif _WORD_RE.fullmatch(low) and (self._underscore or low != "_"):
                values.append(ord(low))
            else:
                values.append(NOT_WORD)
        self.table[codes] = values

    def for_codes(self, codes: np.ndarray) -> np.ndarray:
        """The table, read for every code point of ``codes``."""
        if codes.size and int(codes.max()) >= 0x10000:
            beyond = np.unique(codes[codes >= 0x10000])
            unread = beyond[self.table[beyond] == self._UNREAD]
            if unread.size:
                with self._lock:
                    self._read(unread)
        return self.table


@lru_cache(maxsize=3)
def folding(lower: bool, underscore: bool = True) -> Folding:
    """The process's :class:`Folding` of these options."""
    return Folding(lower, underscore)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32; a lone surrogate is its own code)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def hash_table(strings: Iterable[str], ids: Iterable[int] | None = None, spare: int = 0):
    """An open-addressing table of the syllable hashes of ``strings`` (lower-case NFC) and their
    ``ids`` (0 each if not given), at most half full with ``spare`` more: ``(keys, values)``."""
    strings = list(strings)
    keys = np.zeros(1 << max(4, (2 * (len(strings) + spare)).bit_length()), dtype=np.uint64)
    values = np.zeros(keys.size, dtype=np.int32)
    if strings:
        hashes = hash_strings(code_points("\x00".join(strings)))
        given = np.zeros(len(strings), np.int32) if ids is None else np.fromiter(ids, np.int32, len(strings))
        insert(keys, values, hashes, given)
    return keys, values


def syllables_holding(texts: Sequence[str], table_keys: np.ndarray) -> tuple[dict[int, list], set[int]]:
    """Where the texts (NFC) have a syllable whose hash is in the table (:func:`hash_table`'s
    keys): a syllable is a run of letters and digits, lower-cased (``underscore=False``).

    Returns:
        ``(spans, special)``: per text that has such syllables, their ``(start, end)`` in it, in
        order (hashes may collide: a span may be another syllable); and the texts with a
        character only ``str.lower`` reads right, which the caller must look at as a whole.
    """
    if not texts:
        return {}, set()
    codes = code_points("\x00".join(t.replace("\x00", " ") for t in texts))
    starts, ends, special = syllables_in_table(
        codes, folding(True, underscore=False).for_codes(codes), table_keys
    )
    # Each text's first code point; after the last text, one past the batch.
    first = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts], out=first[1:])
    spans: dict[int, list] = {}
    owner = np.searchsorted(first, starts, side="right") - 1
    base = first[owner]
    for k, s, e in zip(owner.tolist(), (starts - base).tolist(), (ends - base).tolist(), strict=True):
        spans.setdefault(k, []).append((s, e))
    return spans, set((np.searchsorted(first, special, side="right") - 1).tolist())


def warm() -> None:
    """Compile the loops for the argument types the engine gives them, so that numba's cache
    holds them (10 s once; ``make`` runs this after installing, as it byte-compiles)."""
    from duluan.analysis.features import NgramFeaturizer
    from duluan.analysis.normalise import normalise_texts

    featurizer = NgramFeaturizer(min_count=1, lead_tokens=2).fit(["hoà bình", "quận ba"])
    featurizer.compiled_margins(["hoà bình ở quận ba"], np.zeros((featurizer.n_features_, 2), np.float32))
    normalise_texts(["ko biết"])


if __name__ == "__main__":
    warm()
