"""Compiled loops: scoring texts with a linear model of syllable n-grams from their characters,
and clustering a stream.

:class:`~duluan.analysis.features.NgramFeaturizer` does every step after the split into syllables
in numpy over a whole batch. Before that step, each syllable is a Python string, made by the split
and looked up in a dictionary: for whole articles (VNTC: 2,100 characters, 480 syllables each),
that is half of featurising them (69 and 35 of 215 µs an article, 1,000 VNTC articles,
2026-12-01). :func:`score_texts` reads the characters instead: it finds each syllable, hashes it
and looks the hash up in the vocabulary's open-addressing table, and goes on to the n-gram
buckets, their counts (a radix sort of each text's buckets), the sublinear TF-IDF, its norm and
the product with the weights, one text at a time, so that a text's arrays stay in the CPU's caches.

:func:`score_types` and :func:`explain_types` start from syllables already split and numbered
(``_TypeTable``'s ids): the first scores models with character n-grams, the second scores and
explains models of syllable n-grams (the topic step's).

:func:`syllables_in_table` reads characters the same way to find the syllables of a batch
that are in a small table (the chat forms, for :func:`duluan.analysis.normalise.normalise_texts`).

:func:`assign_documents` and its helpers are the online clusterer's assignment loop (see
:mod:`duluan.analysis.cluster_compiled`), and :func:`count_document_frequencies` and
:func:`strongest_terms` the weighing of its vectors.

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

from duluan.analysis.features import _CHAR_PRIME, _WORD_RE, mix64
from duluan.analysis.normalise import lower_each
from duluan.analysis.runtime import load_blas_alone

# Before numba first compiles or loads a function of this module (or of plain_rows, which
# imports it), when it looks for a BLAS: without importing the scipy.linalg package.
load_blas_alone()

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


@intrinsic
def _popcount(typingctx, value):
    """The number of bits set in a uint64: LLVM's ``ctpop`` (one instruction where the CPU has
    one), which numba does not offer as a call."""
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


# The featurizers' hash, compiled from the same function (so the buckets are the same).
_mix64 = nb.njit(cache=True)(mix64)


@nb.njit(cache=True)
def _fnv(h, values, lo, hi):
    """FNV-1a from ``h`` on over ``values[lo:hi]`` (code points or bytes)."""
    for i in range(lo, hi):
        h = (h ^ np.uint64(values[i])) * _FNV_PRIME
    return h


@nb.njit(cache=True)
def _run_hash(values, lo, hi):
    """The 64-bit hash of ``values[lo:hi]`` (code points or bytes): FNV-1a, then MurmurHash3's
    finaliser; never zero (zero marks an empty slot of a table)."""
    return _mix64(_fnv(_FNV_OFFSET, values, lo, hi)) | np.uint64(1)


@nb.njit(cache=True)
def hash_strings(codes):
    """The syllable hash of each string of ``codes`` (code points, strings apart by a zero)."""
    out = np.empty(codes.size + 1, np.uint64)
    m = 0
    lo = 0
    for i in range(codes.size + 1):
        if i == codes.size or codes[i] == 0:
            out[m] = _run_hash(codes, lo, i)
            m += 1
            lo = i + 1
    return out[:m]


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


# A vocabulary table that a scoring loop reads (see :func:`id_table`) holds each slot's hash and
# id side by side, so that a look-up reads one cache line, not one in each of two arrays.
NO_SLOT = -2  # what _id_of gives for a hash with no slot in the table


@nb.njit(cache=True)
def _pair_slot(table, h):
    """The slot of hash ``h`` in an :func:`id_table` (linear probing), or the empty slot where it
    would go."""
    mask = np.uint64((table.size >> 1) - 1)
    slot = h & mask
    while True:
        key = table[2 * slot]
        if key == 0 or key == h:
            return slot
        slot = (slot + np.uint64(1)) & mask


@nb.njit(cache=True)
def _id_of(table, h):
    """The id of hash ``h`` in an :func:`id_table` (-1: not in the vocabulary), or :data:`NO_SLOT`."""
    slot = _pair_slot(table, h)
    if table[2 * slot] != h:
        return NO_SLOT
    return np.int64(table[2 * slot + 1]) - 1


@nb.njit(cache=True)
def insert_ids(table, hashes, ids):
    """Put ``hashes`` with their ``ids`` (at least -1) in the :func:`id_table` ``table``."""
    for j in range(hashes.size):
        slot = _pair_slot(table, hashes[j])
        table[2 * slot] = hashes[j]
        table[2 * slot + 1] = np.uint64(ids[j] + 1)


# Codes in the folding table (see :func:`score_texts`): not a word character; a character whose
# lower case is not one character or depends on its neighbours ("İ", "Σ").
NOT_WORD = -1
SPECIAL = -2
# What :func:`score_texts` says of a batch.
DONE = 0
HAS_SPECIAL = 1  # lower-case the batch with str.lower and score it again
COUNT_TOO_LARGE = 2  # an n-gram occurs in a text more often than the table of logarithms covers
BAD_SEPARATORS = 3  # score_types: the separators do not part the batch into its texts
# Texts with at most this many n-gram occurrences are sorted by insertion, longer ones by radix,
# in digits of at most this many bits.
_SHORT = 48
_DIGIT_BITS = 11


@nb.njit(cache=True)
def _text_buffers(size, k):
    """The arrays a scoring loop reuses for each text of at most ``size`` n-gram occurrences and
    ``k`` classes: its buckets and the sort's spare, its columns and their values, the margins,
    and the sort's digit counts. Made once a batch: an array assigned again inside the loops costs
    reference counting at every syllable."""
    return (
        np.empty(size, np.uint32),
        np.empty(size, np.uint32),
        np.empty(size, np.int64),
        np.empty(size, np.float32),
        np.zeros(k, np.float32),
        np.empty((1 << _DIGIT_BITS) + 1, np.int64),
    )


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

    Short runs by insertion; others by radix, in the number of passes (digits of at most 11
    bits) that costs least for ``m`` entries: each pass clears and adds up a count per digit
    value and moves every entry, the second about four times the first. For 2**20 columns, a
    text of 100 entries goes in three passes of 7 bits, one of 1,000 in two of 10; for 2**21
    (the sentiment model's word and character columns), 700 entries in three. Before, always
    in the fewest passes: 100 entries of 20 bits took 0.95-0.96 µs against 0.54-0.55 now, of
    21 bits 1.54-1.59 against 0.53, and 700 entries of 21 bits 3.20-3.29 against 2.82; 1,000
    and 2,000 entries the same either way (keys 40 % from 300 frequent ones, the rest at
    random; two alternating runs, 2026-12-03).
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
    passes = cost = 0
    for digit in range(_DIGIT_BITS, 3, -1):  # the widest first: it wins a tie
        more = (bits + digit - 1) // digit
        if passes == 0 or more * ((1 << digit) + 4 * m) < cost:
            passes, cost = more, more * ((1 << digit) + 4 * m)
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
def _put(buf, m, col):
    """Write bucket ``col`` at ``buf[m]``; return ``m + 1``."""
    buf[m] = col
    return m + 1


# Another fixed salt gives n-grams within a text's opening buckets of their own (as
# NgramFeaturizer._analyse salts them).
_LEAD_SALT = np.uint64(0x9E3779B97F4A7C15)


@nb.njit(cache=True)
def _put_ngrams(buf, m, v, prev1, prev2, p, lo, hi, lead, n_features, pow2):
    """Write at ``buf[m:]`` the buckets of the n-grams from ``lo`` to ``hi`` long that end with the
    ``p``-th syllable of a text, of vocabulary id ``v`` (``prev1``, ``prev2``: the ids of the two
    before, -1 for unknown or none), again salted for those that start within the first ``lead``
    syllables; return the new ``m``."""
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
        m = _put(buf, m, _bucket(_mix64(gram), n_features, pow2))
        if p - length + 1 < lead:
            m = _put(buf, m, _bucket(_mix64(gram ^ _LEAD_SALT), n_features, pow2))
    return m


# How far ahead of the entry it counts _count_columns asks for rows: for texts of fewer n-gram
# occurrences than _LONG, and for longer ones (see _count_columns).
_AHEAD_SHORT = 24
_AHEAD_LONG = 64
_LONG = 256


@nb.njit(cache=True)
def _count_columns(ordered, m, logs, idf, columns, data, rows):
    """The distinct columns of ``ordered[:m]`` (sorted) into ``columns``, and each one's sublinear
    TF-IDF, ``(log(count) + 1) * idf`` in float32, into ``data``; return how many, or -1 when a
    count is past the table of logarithms.

    The row of ``rows`` (a table of :func:`packed_rows`, whose idf ``idf`` is) of the entry some
    way ahead is asked for as each entry is counted, so that the rows arrive in column order
    just before they are read here and by the product. They used to be asked for as the
    buckets were written, in text order before the sort: :func:`score_texts` took 31.6-32.5 µs
    of CPU a VNTC article (a model trained on VNTC) and 5.3-5.6 a TC201805 lead (the shipped
    topic model), against 27.3-28.3 and 4.39-4.43 now (8,192 texts of each, best of five,
    three alternating pairs, 2026-12-03); in the two workers of ``duluan classify`` of all VNTC,
    0.55-0.63 against 0.48-0.59 CPU-s each. How far ahead, tried from 16 to 256 entries: short
    texts gain most at 24-32 and lose it all from about 40 (the CPU keeps only so many reads in
    flight), long ones most at 64 and beyond.
    """
    one = np.float32(1.0)
    u = 0
    a = 0
    ahead = 0  # the next entry whose row to ask for
    reach = _AHEAD_SHORT if m < _LONG else _AHEAD_LONG
    while a < m:
        while ahead < m and ahead < a + reach:
            _prefetch(rows, np.int64(ordered[ahead]))
            ahead += 1
        col = ordered[a]
        b = a + 1
        while b < m and ordered[b] == col:
            b += 1
        if b - a > logs.size:
            return -1
        columns[u] = col
        data[u] = (logs[b - a - 1] + one) * idf[col]
        u += 1
        a = b
    return u


@nb.njit(cache=True)
def _to_unit(data, lo, hi, factor):
    """Divide ``data[lo:hi]`` by its norm, then multiply it by ``factor`` (float32): the norm is the
    square root of the float64 sum, in order, of the float32 squares (1 when zero), divided by as
    float32, as ``NgramFeaturizer._weigh`` does."""
    total = 0.0
    for e in range(lo, hi):
        total += np.float64(data[e] * data[e])
    norm = np.sqrt(total)
    if norm == 0.0:
        norm = 1.0
    norm32 = np.float32(norm)
    for e in range(lo, hi):
        data[e] = (data[e] / norm32) * factor


@nb.njit(cache=True)
def _multiply(data, columns, u, weights, acc):
    """``acc`` = the row ``data[:u]`` at ``columns`` times ``weights``: per column of ``acc``, one
    float32 addition per entry, in order, as scipy's sparse product."""
    acc[:] = 0
    for e in range(u):
        x = data[e]
        row = weights[columns[e]]
        for c in range(acc.size):
            acc[c] += x * row[c]


@nb.njit(cache=True)
def score_texts(codes, fold, table, lo, hi, lead, n_features, packed, k, logs, marks):
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
        table: The vocabulary's :func:`id_table`.
        lo, hi: The n-gram lengths (``1 <= lo <= hi <= 3``).
        lead: Syllables of a text's opening whose n-grams count twice (0: none).
        n_features: Hash buckets (columns).
        packed: :func:`packed_rows` of the weights and the idf: per column its ``k`` weights,
            then its idf, in a row that one or two reads from memory bring whole.
        k: The number of classes.
        logs: ``np.log`` of the counts 1, 2, ... (float32), as numpy computes them.
        marks: An :func:`id_table` of lower-case syllables (all zero: none) to look each
            syllable up in too, each with the cases it is marked in (bits ``LOWER_CASE`` ...).

    Returns:
        ``(margins, status, unseen_hashes, unseen_starts, unseen_ends, marked)``: the margins
        (float32) when ``status`` is :data:`DONE`, the syllables the table had no slot for (hash,
        span in ``codes``), which the caller looks up: if one of them is in the vocabulary, the
        texts holding it must be scored again; and per text whether a syllable of it is in
        ``marks``, written in one of its cases there.
    """
    n = codes.size
    idf = packed[:, k]
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
    marked = np.zeros(n_docs, np.bool_)
    unseen_h = np.empty(n // 2 + 1, np.uint64)
    unseen_s = np.empty(n // 2 + 1, np.int64)
    unseen_e = np.empty(n // 2 + 1, np.int64)
    n_unseen = 0
    cap = (longest // 2 + 1) * hi * 2  # syllables of a text, times the n-grams each ends
    buf, tmp, columns, data, acc, counts = _text_buffers(cap, k)
    pow2 = n_features & (n_features - 1) == 0
    bits = 1
    while (1 << bits) < n_features:
        bits += 1
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
                return out, HAS_SPECIAL, unseen_h[:0], unseen_s[:0], unseen_e[:0], marked
            if what == _TEXT_END:
                break
            if not marked[d]:
                cases = _id_of(marks, h)
                if cases > 0 and _written_as(codes, fold, start, i, cases):
                    marked[d] = True
            v = _id_of(table, h)
            if v == NO_SLOT:
                v = -1
                unseen_h[n_unseen] = h
                unseen_s[n_unseen] = start
                unseen_e[n_unseen] = i
                n_unseen += 1
            if v >= 0:
                m = _put_ngrams(buf, m, v, prev1, prev2, p, lo, hi, lead, n_features, pow2)
            prev2 = prev1
            prev1 = v
            p += 1
        i += 1  # the separator
        if m == 0:
            continue
        ordered = tmp if _sort_columns(buf, tmp, m, bits, counts) else buf
        u = _count_columns(ordered, m, logs, idf, columns, data, packed)
        if u < 0:
            return out, COUNT_TOO_LARGE, unseen_h[:0], unseen_s[:0], unseen_e[:0], marked
        _to_unit(data, 0, u, one)
        _multiply(data, columns, u, packed, acc)  # the first k of each row: acc has k
        out[d] = acc
    return out, DONE, unseen_h[:n_unseen], unseen_s[:n_unseen], unseen_e[:n_unseen], marked


# The cases a syllable of :func:`score_texts`' ``marks`` is marked in: all lower case; its first
# character alone upper case; any.
LOWER_CASE = 1
CAPITALISED = 2
ANY_CASE = 4


@nb.njit(cache=True)
def _written_as(codes, fold, lo, hi, cases):
    """Whether the syllable ``codes[lo:hi]`` is written in one of ``cases`` (bits ``LOWER_CASE``
    ...): a character is upper case where ``fold`` gives another."""
    if cases & ANY_CASE:
        return True
    for j in range(lo + 1, hi):
        if fold[codes[j]] != codes[j]:
            return False
    return bool(cases & (CAPITALISED if fold[codes[lo]] != codes[lo] else LOWER_CASE))


@nb.njit(cache=True)
def _char_bucket(h, n_char, pow2):
    """The column, after the word columns, of a character n-gram's polynomial key ``h``."""
    return _bucket(_mix64(h), n_char, pow2)


@nb.njit(cache=True)
def score_types(
    type_ids, vocab, t_first, t_last, t_single, t_empty, t_start, t_count, t_feats, n_docs, params,
    char_weight,
    packed, logs,
):  # fmt: skip
    """A linear model's margins for a batch of texts given as syllable types, with character
    n-grams: ``NgramFeaturizer.transform_scores`` to the last bit, without its arrays.

    The n-grams are those of ``NgramFeaturizer._analyse``: syllable n-grams of known syllables
    (salted again within the first ``lead`` syllables), and character n-grams gathered from the
    syllables' entries of ``_TypeTable`` (a syllable of "_" only has none and does not part its
    neighbours), the trigrams that span two syllables and those of a one-letter syllable, and
    for the first text the leading space. Each text's columns are sorted and counted, weighed
    (sublinear TF-IDF, each block normalised, the character block times ``char_weight``, the
    row normalised) and multiplied by the packed weights, every float operation the numpy
    path's, in its order (see ``NgramFeaturizer._weigh`` and the module's doc).

    Args:
        type_ids: The batch's tokens as ``_TypeTable`` ids; a text ends at a separator (vocabulary
            id -2), which begins the next one.
        vocab, t_first, t_last, t_single, t_empty, t_start, t_count, t_feats: ``_Types``' arrays.
        n_docs: The number of texts.
        params: ``(word_lo, word_hi, lead, n_word, char_lo, char_hi, n_char)`` (``char_hi <= 3``).
        char_weight: float32.
        packed: ``(n_word + n_char, n_classes + 1)`` float32: weights, then the idf.
        logs: ``np.log`` of the counts 1, 2, ... (float32), as numpy computes them.

    Returns:
        ``(margins, status)``: float32 ``(n_docs, n_classes)`` when ``status`` is :data:`DONE`;
        :data:`COUNT_TOO_LARGE` or :data:`BAD_SEPARATORS` otherwise.
    """
    word_lo, word_hi, lead, n_word, char_lo, char_hi, n_char = params
    k = packed.shape[1] - 1
    out = np.zeros((n_docs, k), np.float32)
    n = type_ids.size
    # The most n-gram occurrences a text can have, for buffers made once.
    per_token = word_hi * (2 if lead > 0 else 1) + 2
    longest = 1
    size = 1
    separators = 0
    for i in range(n):
        t = type_ids[i]
        if vocab[t] == -2:
            longest = max(longest, size)
            size = 1
            separators += 1
        size += per_token + t_count[t]
    longest = max(longest, size)
    if separators != n_docs - 1:
        return out, BAD_SEPARATORS
    buf, tmp, columns, data, acc, counts = _text_buffers(longest, k)
    idf = packed[:, k]
    n_features = n_word + n_char
    bits = 1
    while (1 << bits) < n_features:
        bits += 1
    word_pow2 = n_word & (n_word - 1) == 0
    char_pow2 = n_char & (n_char - 1) == 0
    prime = np.uint64(_CHAR_PRIME)
    spans = char_lo <= 3 <= char_hi
    one = np.float32(1.0)
    weight = np.float32(char_weight)
    d = 0
    m = 0
    if char_hi > 0 and char_lo <= 1:
        m = _put(buf, m, n_word + _char_bucket(np.uint64(32 + 1), n_char, char_pow2))
    p = 0  # syllables of the text so far
    prev1 = -1  # vocabulary ids of the two syllables before (-1: unknown, or none)
    prev2 = -1
    before = -1  # the type before, character n-grams' way ("_" skipped; -1: none)
    for i in range(n + 1):
        if i == n or vocab[type_ids[i]] == -2:
            # The text's end: its columns counted, weighed and multiplied.
            if m > 0:
                ordered = tmp if _sort_columns(buf, tmp, m, bits, counts) else buf
                u = _count_columns(ordered, m, logs, idf, columns, data, packed)
                if u < 0:
                    return out, COUNT_TOO_LARGE
                words = 0  # the word block's entries, then the character block's
                while words < u and columns[words] < n_word:
                    words += 1
                _to_unit(data, 0, words, one)
                _to_unit(data, words, u, weight)
                _to_unit(data, 0, u, one)
                _multiply(data, columns, u, packed, acc)  # the first k of each row: acc has k
                out[d] = acc
            if i == n:
                break
            d += 1
            m = 0
            p = 0
            prev1 = -1
            prev2 = -1
        t = type_ids[i]
        v = vocab[t]
        if v != -2:
            if v >= 0:
                m = _put_ngrams(buf, m, v, prev1, prev2, p, word_lo, word_hi, lead, n_word, word_pow2)
            prev2 = prev1
            prev1 = v
            p += 1
        if char_hi == 0 or t_empty[t]:
            continue
        for j in range(t_start[t], t_start[t] + t_count[t]):
            m = _put(buf, m, n_word + np.int64(t_feats[j]))
        if spans and v != -2:
            if before >= 0 and vocab[before] != -2:
                # Last letter, space, first letter of two syllables in a row.
                h = ((t_last[before] * prime + np.uint64(32)) * prime) + t_first[t] + np.uint64(3)
                m = _put(buf, m, n_word + _char_bucket(h, n_char, char_pow2))
            if t_single[t]:
                # A one-letter syllable between two spaces.
                h = (np.uint64(32) * prime + t_first[t]) * prime + np.uint64(32 + 3)
                m = _put(buf, m, n_word + _char_bucket(h, n_char, char_pow2))
        before = t
    return out, DONE


@nb.njit(cache=True)
def explain_types(type_ids, vocab, n_docs, params, packed, k, layout, intercept, logs, top, phrasing):
    """A linear model of syllable n-grams on a batch of texts given as syllable types: each text's
    margins, its best class and the phrases that pushed it most towards that class, as
    ``NgramFeaturizer.transform_batch``, the product and ``NgramFeaturizer.explain_matrix``
    give them, without their arrays.

    The margins are :func:`score_types`' (a model without character n-grams). The best class is
    the first largest of ``margins + layout + intercept`` (float32, added in this order as the
    caller adds them), which is the most probable one of the calibrated softmax: the caller
    checks that it is. The explanation is ``explain_matrix``'s, in
    its order: its best n-grams (see :func:`_explain_text`) read as phrases (see
    :func:`_phrase_text`).

    Args:
        type_ids: The batch's tokens as ``_TypeTable`` ids; a text ends at a separator
            (vocabulary id -2), which begins the next one.
        vocab: The vocabulary id of each type (-1: unknown, -2: the separator).
        n_docs: The number of texts.
        params: ``(word_lo, word_hi, lead, n_word)``.
        packed: :func:`packed_rows` of the weights and the idf.
        k: The number of classes.
        layout: float32, ``(n_docs, k)``: the part of each text's layout (zeros for a model that
            does not read it).
        intercept: float32, one per class.
        logs: ``np.log`` of the counts 1, 2, ... (float32), as numpy computes them.
        top: Terms (phrases) per text.
        phrasing: ``(pieces, hidden, longest, stick, breaks, edge_words)``: how many of a
            text's best n-grams are read for its phrases, the vocabulary id of the syllable no
            term holds (-3: none), the longest phrase in syllables, how much an edge syllable
            must stick to its neighbour for an n-gram's edge to move (see :func:`_phrase_text`;
            edges move only in models of syllable unigrams and bigrams, as
            ``NgramFeaturizer._edges`` says), per token whether a mark stands before it
            (``features.token_breaks``), and the vocabulary ids of the words a phrase does not
            begin or end with (``features.EDGE_WORDS``).

    Returns:
        ``(margins, best, starts, lengths, totals, n_terms, status)``: per text its float32
        margins, best class, and ``n_terms`` terms, best first: the index of each one's first
        token in the batch, its length in syllables and its contribution (float64); all these
        when ``status`` is :data:`DONE`, else :data:`COUNT_TOO_LARGE` or :data:`BAD_SEPARATORS`.
    """
    word_lo, word_hi, lead, n_word = params
    pieces, hidden, longest_phrase, stick, breaks, edge_words = phrasing
    snap = word_lo == 1 and word_hi >= 2
    idf = packed[:, k]
    out = np.zeros((n_docs, k), np.float32)
    best = np.zeros(n_docs, np.int64)
    starts = np.zeros((n_docs, top), np.int64)
    lengths = np.zeros((n_docs, top), np.int64)
    totals = np.zeros((n_docs, top), np.float64)
    n_terms = np.zeros(n_docs, np.int64)
    n = type_ids.size
    per_token = word_hi * (2 if lead > 0 else 1)
    longest = 1
    size = 1
    separators = 0
    for i in range(n):
        if vocab[type_ids[i]] == -2:
            longest = max(longest, size)
            size = 1
            separators += 1
        size += per_token
    longest = max(longest, size)
    if separators != n_docs - 1:
        return out, best, starts, lengths, totals, n_terms, BAD_SEPARATORS
    buf, tmp, columns, data, acc, counts = _text_buffers(longest, k)
    scratch = _explain_scratch(pieces)
    p_starts = np.empty(pieces, np.int64)  # one text's best n-grams, before they are phrases
    p_lengths = np.empty(pieces, np.int64)
    p_totals = np.empty(pieces, np.float64)
    # _phrase_text's: the pieces' order, starts and ends, then each group's start and end; each
    # group's total and strongest piece; whether it is still a term.
    p_scratch = (
        np.empty((5, pieces), np.int64),
        np.empty((2, pieces), np.float64),
        np.empty(pieces, np.bool_),
    )
    bits = 1
    while (1 << bits) < n_word:
        bits += 1
    pow2 = n_word & (n_word - 1) == 0
    one = np.float32(1.0)
    d = 0
    m = 0
    p = 0  # syllables of the text so far
    first = 0  # the text's first token
    prev1 = -1  # vocabulary ids of the two syllables before (-1: unknown, or none)
    prev2 = -1
    for i in range(n + 1):
        if i == n or vocab[type_ids[i]] == -2:
            u = 0
            if m > 0:
                ordered = tmp if _sort_columns(buf, tmp, m, bits, counts) else buf
                u = _count_columns(ordered, m, logs, idf, columns, data, packed)
                if u < 0:
                    return out, best, starts, lengths, totals, n_terms, COUNT_TOO_LARGE
                _to_unit(data, 0, u, one)
                _multiply(data, columns, u, packed, acc)
                out[d] = acc
            b = 0
            for c in range(1, k):
                if (out[d, c] + layout[d, c]) + intercept[c] > (out[d, b] + layout[d, b]) + intercept[b]:
                    b = c
            best[d] = b
            if u > 0:
                n_pieces = _explain_text(
                    data, columns, u, packed, b, type_ids, vocab, first, i, params, pow2, pieces, scratch,
                    p_starts, p_lengths, p_totals,
                )  # fmt: skip
                edges = (snap, stick, idf, n_word, pow2, first, i, breaks, edge_words)
                n_terms[d] = _phrase_text(
                    p_starts, p_lengths, p_totals, n_pieces, type_ids, vocab, hidden, longest_phrase, top,
                    edges, p_scratch, starts[d], lengths[d], totals[d],
                )  # fmt: skip
            if i == n:
                break
            d += 1
            m = 0
            p = 0
            first = i + 1
            prev1 = -1
            prev2 = -1
            continue
        v = vocab[type_ids[i]]
        if v >= 0:
            m = _put_ngrams(buf, m, v, prev1, prev2, p, word_lo, word_hi, lead, n_word, pow2)
        prev2 = prev1
        prev1 = v
        p += 1
    return out, best, starts, lengths, totals, n_terms, DONE


@nb.njit(cache=True)
def _explain_scratch(top):
    """The candidates' arrays of :func:`_explain_text`, made once a batch: columns, values, first
    tokens, lengths, plain buckets, then the merged terms' plain buckets, totals and namings."""
    wide = 2 * top
    return (
        np.empty(wide, np.int64),
        np.empty(wide, np.float32),
        np.empty(wide, np.int64),
        np.empty(wide, np.int64),
        np.empty(wide, np.int64),
        np.empty(wide, np.int64),
        np.empty(wide, np.float64),
        np.empty(wide, np.int64),
    )


@nb.njit(cache=True)
def _explain_text(
    data, columns, u, weights, b, type_ids, vocab, first, end, params, pow2, top, scratch,
    starts, lengths, totals,
):  # fmt: skip
    """One text's explaining terms for class ``b``, as ``NgramFeaturizer.explain_matrix`` finds
    them, into ``starts``/``lengths``/``totals``; return how many.

    1. Each entry's contribution is its weighed value times its weight for ``b`` (float32); the
       ``2 * top`` largest positive ones are the candidates (ties: the lower column first).
    2. Each candidate is named by the first n-gram of the text in the featurizer's order that
       falls in its bucket (:func:`_name_candidates`).
    3. Candidates named by n-grams of one plain bucket (an n-gram's lead and body buckets) are
       one term: their contributions are added up in float64 in the candidates' order, and the
       last one names it.
    4. The ``top`` terms of largest total are kept, ties by plain bucket.
    """
    c_col, c_val, c_start, c_len, c_plain, t_plain, t_total, t_name = scratch
    wide = 2 * top
    n_cand = 0
    for e in range(u):
        value = data[e] * weights[columns[e], b]
        if not value > 0:
            continue
        if n_cand == wide and not value > c_val[n_cand - 1]:
            continue  # a tie with the last one: the lower column stays
        at = n_cand if n_cand < wide else wide - 1
        while at > 0 and c_val[at - 1] < value:
            if at < wide:
                c_col[at] = c_col[at - 1]
                c_val[at] = c_val[at - 1]
            at -= 1
        c_col[at] = columns[e]
        c_val[at] = value
        if n_cand < wide:
            n_cand += 1
    if n_cand == 0:
        return 0
    _name_candidates(c_col, c_start, c_len, c_plain, n_cand, type_ids, vocab, first, end, params, pow2)
    n_merged = 0
    for j in range(n_cand):
        if c_start[j] < 0:
            continue  # unnamed: cannot happen for the text's own buckets
        g = 0
        while g < n_merged and t_plain[g] != c_plain[j]:
            g += 1
        if g == n_merged:
            t_plain[g] = c_plain[j]
            t_total[g] = 0.0
            n_merged += 1
        t_total[g] += np.float64(c_val[j])
        t_name[g] = j
    kept = min(top, n_merged)
    for r in range(kept):
        pick = -1
        for g in range(n_merged):
            if t_name[g] < 0:
                continue
            if (
                pick < 0
                or t_total[g] > t_total[pick]
                or (t_total[g] == t_total[pick] and t_plain[g] < t_plain[pick])
            ):
                pick = g
        j = t_name[pick]
        starts[r] = c_start[j]
        lengths[r] = c_len[j]
        totals[r] = t_total[pick]
        t_name[pick] = -1
    return kept


@nb.njit(cache=True)
def _phrase_text(
    c_start, c_len, c_total, n, type_ids, vocab, hidden, longest, top, edges, scratch, starts, lengths, totals
):  # fmt: skip
    """One text's ``n`` best n-grams (first token, length, contribution) read as phrases, as
    ``features._phrases`` reads them, into ``starts``/``lengths``/``totals``; return how many.

    The same steps on token types where ``_phrases`` compares the tokens' strings (one type per
    string): the pieces holding the ``hidden`` syllable or running across a mark (``breaks``)
    left out; with ``edges`` saying so, each piece's edges moved as ``features.snapped`` moves
    them (see :func:`_stick`); the pieces in the order of their first token, then length, then
    as given; overlapping ones joined while at
    most ``longest`` syllables long (else the weaker folded into the stronger); each group's
    edge syllables of ``edge_words`` given up but its last (see :func:`_edge_word`); a group whose
    syllables run within another's folded into the longest such (ties: the first), the shorter
    groups first; the ``top`` largest totals kept, ties by first token. Totals are added in the
    same order, in float64.

    ``edges`` is ``(snap, stick, idf, n_word, pow2, first, end, breaks, edge_words)``: whether
    edges move, the least stickiness that moves one, the featurizer's idf and word buckets, the
    text's tokens, the batch's breaks (a mark before a token), and the vocabulary ids of the
    words no phrase begins or ends with.
    """
    snap, least, idf, n_word, pow2, first, end, breaks, edge_words = edges
    ints, floats, alive = scratch
    order, p_s, p_e, g_s, g_e = ints[0], ints[1], ints[2], ints[3], ints[4]
    g_t, g_best = floats[0], floats[1]
    m = 0
    for j in range(n):
        s = c_start[j]
        e = s + c_len[j]
        held = False
        for t in range(s, e):
            if vocab[type_ids[t]] == hidden or (t > s and breaks[t]):
                held = True
        if held:
            continue
        if snap:
            left_out = _stick(type_ids, vocab, s - 1, s, first, end, hidden, idf, n_word, pow2, breaks)
            right_out = _stick(type_ids, vocab, e - 1, e, first, end, hidden, idf, n_word, pow2, breaks)
            if e - s == 1:
                if max(left_out, right_out) >= least:
                    if left_out >= right_out:
                        s -= 1
                    else:
                        e += 1
            else:
                left_in = _stick(type_ids, vocab, s, s + 1, first, end, hidden, idf, n_word, pow2, breaks)
                right_in = _stick(
                    type_ids, vocab, e - 2, e - 1, first, end, hidden, idf, n_word, pow2, breaks
                )
                if left_out >= least and left_out > left_in:
                    s = s - 1 if e - s < longest else s + 1
                if right_out >= least and right_out > right_in:
                    e = e + 1 if e - s < longest else e - 1
        p_s[j] = s
        p_e[j] = e
        at = m  # insertion by first token, then length (stable: as given on a tie)
        while at > 0 and (p_s[order[at - 1]] > s or (p_s[order[at - 1]] == s and p_e[order[at - 1]] > e)):
            order[at] = order[at - 1]
            at -= 1
        order[at] = j
        m += 1
    n_groups = 0
    for q in range(m):
        j = order[q]
        s = p_s[j]
        e = p_e[j]
        t = c_total[j]
        g = n_groups - 1
        if n_groups == 0 or s >= g_e[g]:
            g_s[n_groups] = s
            g_e[n_groups] = e
            g_t[n_groups] = t
            g_best[n_groups] = t
            n_groups += 1
        elif max(e, g_e[g]) - g_s[g] <= longest:
            g_e[g] = max(e, g_e[g])
            g_t[g] += t
            g_best[g] = max(g_best[g], t)
        elif t > g_best[g]:
            g_t[g] = t + g_t[g]
            g_s[g] = s
            g_e[g] = e
            g_best[g] = t
        else:
            g_t[g] += t
    for g in range(n_groups):
        while g_e[g] - g_s[g] > 1 and _edge_word(type_ids, vocab, g_s[g], edge_words):
            g_s[g] += 1
        while g_e[g] - g_s[g] > 1 and _edge_word(type_ids, vocab, g_e[g] - 1, edge_words):
            g_e[g] -= 1
    for g in range(n_groups):
        alive[g] = True
    if n_groups > 1:
        for q in range(n_groups):  # the groups by length, shorter first, then in order
            at = q
            while at > 0 and g_e[order[at - 1]] - g_s[order[at - 1]] > g_e[q] - g_s[q]:
                order[at] = order[at - 1]
                at -= 1
            order[at] = q
        for q in range(n_groups):
            i = order[q]
            size_i = g_e[i] - g_s[i]
            pick = -1
            for j in range(n_groups):
                size_j = g_e[j] - g_s[j]
                if j == i or not alive[j] or not (size_j > size_i or j < i):
                    continue
                if not _runs_within(type_ids, g_s[i], size_i, g_s[j], size_j):
                    continue
                if pick < 0 or size_j > g_e[pick] - g_s[pick]:
                    pick = j
            if pick >= 0:
                g_t[pick] += g_t[i]
                alive[i] = False
    kept = 0
    while kept < top:
        pick = -1
        for g in range(n_groups):
            if alive[g] and (pick < 0 or g_t[g] > g_t[pick] or (g_t[g] == g_t[pick] and g_s[g] < g_s[pick])):
                pick = g
        if pick < 0:
            break
        starts[kept] = g_s[pick]
        lengths[kept] = g_e[pick] - g_s[pick]
        totals[kept] = g_t[pick]
        alive[pick] = False
        kept += 1
    return kept


@nb.njit(cache=True)
def _edge_word(type_ids, vocab, t, edge_words):
    """Whether token ``t`` is one of ``edge_words`` (vocabulary ids, a few dozen: a scan)."""
    v = vocab[type_ids[t]]
    for w in edge_words:
        if w == v:
            return True
    return False


@nb.njit(cache=True)
def _stick(type_ids, vocab, x, y, first, end, hidden, idf, n_word, pow2, breaks):
    """How much the syllables at tokens ``x`` and ``y = x + 1`` stick together, as
    ``NgramFeaturizer._edges`` measures it: ``max(idf(a), idf(b)) - idf(ab)`` in float64 from the
    float32 idf of their plain buckets, ``-inf`` outside the text ``[first, end)``, for an
    unknown, separating or ``hidden`` syllable, or with a mark between them (``breaks[y]``)."""
    if x < first or y >= end or breaks[y]:
        return -np.inf
    a = vocab[type_ids[x]]
    b = vocab[type_ids[y]]
    if a < 0 or b < 0 or a == hidden or b == hidden:
        return -np.inf
    ua = np.uint64(a + 1)
    ub = np.uint64(b + 1)
    alone = max(
        np.float64(idf[_bucket(_mix64(ua), n_word, pow2)]), np.float64(idf[_bucket(_mix64(ub), n_word, pow2)])
    )
    return alone - np.float64(idf[_bucket(_mix64((ua << np.uint64(21)) | ub), n_word, pow2)])


@nb.njit(cache=True)
def _runs_within(type_ids, a, size_a, b, size_b):
    """Whether the ``size_a`` tokens from ``a`` are, in order, some run of the ``size_b`` from ``b``."""
    for o in range(size_b - size_a + 1):
        same = True
        for t in range(size_a):
            if type_ids[a + t] != type_ids[b + o + t]:
                same = False
                break
        if same:
            return True
    return False


@nb.njit(cache=True)
def _name_candidates(c_col, c_start, c_len, c_plain, n_cand, type_ids, vocab, first, end, params, pow2):
    """Name each of the ``n_cand`` candidate columns ``c_col`` by the first n-gram of the text
    ``type_ids[first:end]`` in the featurizer's order (by length, the plain buckets before the
    lead's, then by position) that falls in it: its first token, length and plain bucket (first
    token -1: none). The text's n-grams are hashed again, as :func:`_put_ngrams` hashes them."""
    word_lo, word_hi, lead, n_word = params
    for j in range(n_cand):
        c_start[j] = -1
    unnamed = n_cand
    for length in range(word_lo, word_hi + 1):
        for salted in range(2 if lead > 0 else 1):
            stop = end - length + 1
            if salted and first + lead < stop:
                stop = first + lead
            for s in range(first, stop):
                gram = np.uint64(0)
                known = True
                for t in range(s, s + length):
                    v = vocab[type_ids[t]]
                    if v < 0:
                        known = False
                        break
                    gram = (gram << np.uint64(21)) | np.uint64(v + 1)
                if not known:
                    continue
                plain = _bucket(_mix64(gram), n_word, pow2)
                col = _bucket(_mix64(gram ^ _LEAD_SALT), n_word, pow2) if salted else plain
                for j in range(n_cand):
                    if c_start[j] < 0 and c_col[j] == col:
                        c_start[j] = s
                        c_len[j] = length
                        c_plain[j] = plain
                        unnamed -= 1
                if unnamed == 0:
                    return


@nb.njit(cache=True)
def layout_counts(codes, n, table, head, n_marks, n_separators):
    """:func:`duluan.analysis.layout.layout_values` in one pass over the characters: the same
    values to the last bit (each count a float64 sum of ones, then ``count * 1000.0 / size``).

    ``table`` is :func:`~duluan.analysis.layout.layout_code_table` (per code point its mark,
    whether it is a capital and its number separator, in one look-up: most characters are none
    of these); ``head`` is :data:`~duluan.analysis.layout.HEAD`, ``n_marks`` and
    ``n_separators`` the lengths of its marks and number separators.
    """
    numbers_at = 4 + 2 * n_marks
    out = np.zeros((n, numbers_at + 2 * n_separators))
    if n == 0:
        return out
    t = 0
    position = 0
    out[0, 1] = -1.0
    for i in range(codes.size + 1):
        if i == codes.size or codes[i] == 0:
            size = position + 1.0
            out[t, 0] = position
            out[t, 3] = out[t, 3] * 1000.0 / size
            for k in range(4, 4 + n_marks):
                out[t, k] = out[t, k] * 1000.0 / size
            for k in range(numbers_at, numbers_at + n_separators):
                out[t, k] = out[t, k] * 1000.0 / size
            t += 1
            position = 0
            if t < n:
                out[t, 1] = -1.0
            continue
        c = codes[i]
        kind = table[c] if c < 0x10000 else 0
        if kind:
            if kind & 32:  # a capital
                if position == 0:
                    out[t, 2] = 1.0
                out[t, 3] += 1.0
            m = kind & 31
            if m:
                out[t, 3 + m] += 1.0
                if position < head:
                    out[t, 3 + n_marks + m] += 1.0
                if c == 10 and out[t, 1] < 0:
                    out[t, 1] = position
            s = kind >> 6
            if s and 0 < i < codes.size - 1 and 48 <= codes[i - 1] <= 57 and 48 <= codes[i + 1] <= 57:
                out[t, numbers_at - 1 + s] += 1.0
                if position < head:
                    out[t, numbers_at - 1 + n_separators + s] += 1.0
        position += 1
    return out


@nb.njit(cache=True)
def syllables_in_table(codes, fold, table):
    """The syllables of ``codes`` (runs of characters ``fold`` reads as word characters) that an
    :func:`id_table` holds, written in one of the cases it gives them (as :func:`score_texts`
    reads its ``marks``): ``(starts, ends, special)``, their spans in ``codes`` in order, and
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
        else:
            cases = _id_of(table, h)
            if cases > 0 and _written_as(codes, fold, start, i, cases):
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
    ``str.lower`` and the expression itself: for the Basic Multilingual Plane at once (3.4 ms),
    for the code points beyond it when a batch has them.
    """

    _UNREAD = -3

    def __init__(self, lower: bool, underscore: bool = True, table: np.ndarray | None = None) -> None:
        """``table``: this folding's table, read already for the Basic Multilingual Plane (taken,
        not copied); read here without one."""
        self._lower = lower
        self._underscore = underscore
        self._lock = threading.Lock()
        if table is None:
            self.table = np.full(0x110000, self._UNREAD, dtype=np.int32)
            self._read(np.arange(0x10000))
        else:
            self.table = table

    def _read(self, codes: np.ndarray) -> None:
        # Whole strings at a time, and the expression over them all at once, instead of one
        # character at a time: the plane took 23 ms with lower case and 16 without, in every
        # process that scores (before the workers of classify and analyze fork), and takes 3.4
        # and 2.1 (best of 3, 2026-12-03).
        chars = np.asarray(codes, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
        if self._lower:
            # (a character whose lower case is more than one character is no word character)
            chars, longer = lower_each(chars, "\x00")
        values = np.full(len(chars), NOT_WORD, dtype=np.int32)
        ords = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int32)
        for m in _WORD_RE.finditer(chars):
            values[m.start() : m.end()] = ords[m.start() : m.end()]
        if not self._underscore:
            values[ords == ord("_")] = NOT_WORD
        if self._lower:
            values[longer] = SPECIAL
            values[np.asarray(codes) == 0x3A3] = SPECIAL  # "Σ": "ς" ending a word, else "σ"
        self.table[codes] = values

    def without_underscore(self) -> Folding:
        """This folding with ``underscore=False``: the same table but for "_", the only character
        whose lower case is "_", now :data:`NOT_WORD`. Copied (2 ms) rather than read again (20
        ms, in every worker of ``duluan classify`` and ``analyze``, which fork after this one is
        made)."""
        with self._lock:
            table = self.table.copy()
        table[ord("_")] = NOT_WORD
        return Folding(self._lower, underscore=False, table=table)

    def for_codes(self, codes: np.ndarray) -> np.ndarray:
        """The table, read for every code point of ``codes``."""
        if codes.size and int(codes.max()) >= 0x10000:
            beyond = np.unique(codes[codes >= 0x10000])
            unread = beyond[self.table[beyond] == self._UNREAD]
            if unread.size:
                with self._lock:
                    self._read(unread)
        return self.table


# -- clustering (duluan.analysis.cluster) ------------------------------------------------------


@nb.njit(cache=True)
def count_document_frequencies(codes, sizes, table):
    """Count each document of a batch in turn in the document frequencies ``table`` (in place),
    and return each term's frequency just after its document was counted.

    Args:
        codes: The term codes of every document's terms, one document after the other
            (non-negative).
        sizes: How many terms each document has.
        table: Document frequencies by bucket (``code % table.size``); a document counts once in
            a bucket however many of its terms fall in it.
    """
    n_buckets = table.size
    counted_by = np.full(n_buckets, -1, np.int64)  # the last document counted in each bucket
    df = np.empty(codes.size, np.int64)
    at = 0
    for doc in range(sizes.size):
        for k in range(at, at + sizes[doc]):
            b = codes[k] % n_buckets
            if counted_by[b] != doc:
                counted_by[b] = doc
                table[b] += 1
            df[k] = table[b]
        at += sizes[doc]
    return df


@nb.njit(cache=True)
def fsum(values, n, partials):
    """:func:`math.fsum` of the finite ``values[:n]``, to the last bit (CPython's algorithm:
    Shewchuk's exact partial sums, then their correctly rounded total).

    ``partials`` is scratch space of at least ``n + 1`` floats.
    """
    m = 0
    for k in range(n):
        x = values[k]
        i = 0
        for j in range(m):
            y = partials[j]
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        m = i
        if x != 0.0:
            partials[m] = x
            m += 1
    hi = 0.0
    lo = 0.0
    if m > 0:
        m -= 1
        hi = partials[m]
        while m > 0:
            x = hi
            m -= 1
            y = partials[m]
            hi = x + y
            lo = y - (hi - x)
            if lo != 0.0:
                break
        # Half-even rounding across partials, as CPython does.
        if m > 0 and ((lo < 0.0 and partials[m - 1] < 0.0) or (lo > 0.0 and partials[m - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            if y == x - hi:
                hi = x
    return hi


@nb.njit(cache=True)
def strongest_terms(weights, sizes, limit):
    """Each document's strongest terms, scaled to unit length.

    Args:
        weights: Every document's term weights (positive), one document after the other.
        sizes: How many terms each document has.
        limit: Terms kept per document, at most.

    Returns:
        ``(keep, unit, kept)``: the positions of each document's kept terms, strongest first
        (ties in position order), one document after the other; their weights over the
        document's Euclidean norm (the square root of :func:`fsum` of the squares); how many
        each document kept.
    """
    kept = np.minimum(sizes, limit)
    keep = np.empty(kept.sum(), np.int64)
    unit = np.empty(keep.size, np.float64)
    squares = np.empty(limit, np.float64)
    partials = np.empty(limit + 1, np.float64)
    at = 0
    out = 0
    for doc in range(sizes.size):
        n = sizes[doc]
        k = kept[doc]
        # A stable sort of the negated weights: strongest first, ties in position order.
        order = np.argsort(-weights[at : at + n], kind="mergesort")
        for j in range(k):
            keep[out + j] = at + order[j]
            unit[out + j] = weights[at + order[j]]
        norm = _norm(unit[out : out + k], k, squares, partials)
        for j in range(k):
            unit[out + j] /= norm
        at += n
        out += k
    return keep, unit, kept


@nb.njit(cache=True)
def _norm(values, n, squares, partials):
    """The Euclidean norm of ``values[:n]``: the square root of :func:`fsum` of the squares
    (scratch space: ``squares``, ``partials``)."""
    for k in range(n):
        squares[k] = values[k] * values[k]
    return np.sqrt(fsum(squares, n, partials))


# What the online clusterer's compiled loops keep (see duluan.analysis.cluster_compiled): the
# indices of its int64 scalars, and the "no time" value.
NO_TIME = np.iinfo(np.int64).min
S_NOW = 0  # the newest time seen (microseconds since the epoch, UTC), or NO_TIME
S_NOW_OFFSET = 1  # its UTC offset, in microseconds
S_NEXT_ID = 2  # the next cluster's sequence number
S_OPEN = 3  # open clusters
S_HEAD = 4  # the least recently updated open cluster's slot (-1: none)
S_TAIL = 5  # the most recently updated one's
S_FREE_SLOTS = 6  # slots on the free stack
S_FREE_NODES = 7  # posting nodes on the free stack
S_STAMP = 8  # marks of the current document (and of the cluster being updated)
S_FREED = 9  # terms that lost their last holder, written to the freed array
S_TERMS = 10  # terms numbered (in the table)
S_NEXT_TERM = 11  # numbers given so far (the free ones are on a stack)
S_FREE_TERMS = 12  # numbers on the free stack
S_POOL_USED = 13  # bytes of the term pool written
N_SCALARS = 14
# What assign_documents says when it stops.
ASSIGNED = 0
PLACES_FULL = 1  # a cluster's places would outgrow their row: widen it and go on from `done`
# Terms a cluster holds at most (two centroids' worth and a document's, before pruning to one).
CLUSTER_TERMS = 144
_PRUNE_OVER = 96
KEEP = 48  # terms a pruned centroid keeps
_PROBE = 8  # a document's strongest terms its cluster is posted under
_LOOKUP = 16  # its strongest terms that look clusters up (see OnlineClusterer)
# Bits of the term masks that bound a candidate's similarity (see assign_documents): a term's
# bit is its number modulo these. This and the margin are the Python clusterer's values
# (cluster._MASK_BITS, cluster._BOUND_MARGIN), written here rather than imported: numba's cache
# and `make`'s compiled-loops target see changes to this file only.
MASK_BITS = 2048
MASK_WORDS = MASK_BITS // 64
_BOUND_MARGIN = 1e-9  # covers the bound's rounding


@nb.njit(cache=True)
def number_terms(
    blob,
    part_lo,
    part_hi,
    first,
    second,
    sc,
    table_keys,
    table_ids,
    term_hash,
    free_terms,
    pool,
    t_off,
    t_len,
    ids,
):
    """Number terms made of parts of ``blob`` (UTF-8 bytes; part ``p`` is
    ``blob[part_lo[p]:part_hi[p]]``): term ``j`` is part ``first[j]``, then a space and part
    ``second[j]`` unless that is negative. A term already numbered keeps its number, a new one
    gets a free or new number and its bytes are written to ``pool``.

    The parts are whole terms (a batch's strings, ``second`` all -1) or the syllables a batch's
    terms are pairs of (:class:`~duluan.analysis.cluster.TermNames`): the same bytes, the same
    hash, whether or not the term's string was ever made.

    A term is known by a 64-bit hash of its bytes (two terms with one hash would share a number:
    with ten million distinct terms the chance that any two do is about 3 in 10**6). The table
    (``table_keys``, ``table_ids``; linear probing) must have room for ``first.size`` more, the
    arrays by number for as many new numbers, the pool for their bytes. Each term's number is
    written to ``ids``.
    """
    for j in range(first.size):
        a = first[j]
        b = second[j]
        h = _fnv(_FNV_OFFSET, blob, part_lo[a], part_hi[a])
        if b >= 0:
            h = _fnv((h ^ np.uint64(32)) * _FNV_PRIME, blob, part_lo[b], part_hi[b])
        h = _mix64(h) | np.uint64(1)
        slot = _probe(table_keys, h)
        if table_keys[slot] == h:
            ids[j] = table_ids[slot]
            continue
        if sc[S_FREE_TERMS] > 0:
            sc[S_FREE_TERMS] -= 1
            number = free_terms[sc[S_FREE_TERMS]]
        else:
            number = sc[S_NEXT_TERM]
            sc[S_NEXT_TERM] += 1
        table_keys[slot] = h
        table_ids[slot] = number
        term_hash[number] = h
        sc[S_TERMS] += 1
        at = sc[S_POOL_USED]
        n = part_hi[a] - part_lo[a]
        pool[at : at + n] = blob[part_lo[a] : part_hi[a]]
        if b >= 0:
            pool[at + n] = 32
            m = part_hi[b] - part_lo[b]
            pool[at + n + 1 : at + n + 1 + m] = blob[part_lo[b] : part_hi[b]]
            n += 1 + m
        t_off[number] = at
        t_len[number] = n
        sc[S_POOL_USED] = at + n
        ids[j] = number


@nb.njit(cache=True)
def forget_terms(sc, freed, t_refs, table_keys, table_ids, term_hash, free_terms):
    """Take back the numbers of the freed terms that no open cluster holds (at a batch's end):
    out of the table (backward-shift deletion keeps linear probing exact), onto the free stack."""
    mask = np.uint64(table_keys.size - 1)
    for f in range(sc[S_FREED]):
        number = freed[f]
        h = term_hash[number]
        if t_refs[number] != 0 or h == 0:
            continue  # held again, or already taken back
        slot = _probe(table_keys, h)
        # Move back the entries after the hole that probing would no longer reach.
        hole = slot
        nxt = (hole + np.uint64(1)) & mask
        while table_keys[nxt] != 0:
            home = table_keys[nxt] & mask
            if (nxt - home) & mask >= (nxt - hole) & mask:
                table_keys[hole] = table_keys[nxt]
                table_ids[hole] = table_ids[nxt]
                hole = nxt
            nxt = (nxt + np.uint64(1)) & mask
        table_keys[hole] = 0
        term_hash[number] = 0
        free_terms[sc[S_FREE_TERMS]] = number
        sc[S_FREE_TERMS] += 1
        sc[S_TERMS] -= 1
    sc[S_FREED] = 0


@nb.njit(cache=True)
def repack_pool(sc, term_hash, old_pool, new_pool, t_off, t_len):
    """Copy the bytes of the numbered terms to a new pool, packed."""
    at = 0
    for number in range(sc[S_NEXT_TERM]):
        if term_hash[number] != 0:
            n = t_len[number]
            new_pool[at : at + n] = old_pool[t_off[number] : t_off[number] + n]
            t_off[number] = at
            at += n
    sc[S_POOL_USED] = at


@nb.njit(cache=True)
def _term_less(pool, offsets, lengths, a, b):
    """Whether term ``a`` sorts before term ``b`` as Python compares their strings (their UTF-8
    bytes in ``pool``: byte order is code point order)."""
    oa, ob = offsets[a], offsets[b]
    la, lb = lengths[a], lengths[b]
    for i in range(min(la, lb)):
        x, y = pool[oa + i], pool[ob + i]
        if x != y:
            return x < y
    return la < lb


@nb.njit(cache=True)
def _unpost(slot, k, c_node, postings, sc):
    _, n_next, n_prev, n_term, t_head, free_nodes = postings
    node = c_node[slot, k]
    if node < 0:
        return
    prev, nxt = n_prev[node], n_next[node]
    if prev >= 0:
        n_next[prev] = nxt
    else:
        t_head[n_term[node]] = nxt
    if nxt >= 0:
        n_prev[nxt] = prev
    free_nodes[sc[S_FREE_NODES]] = node
    sc[S_FREE_NODES] += 1
    c_node[slot, k] = -1


@nb.njit(cache=True)
def post_cluster(slot, k, term, c_node, postings, sc):
    """Post the cluster of ``slot`` under ``term``, its ``k``-th term (see assign_documents)."""
    n_slot, n_next, n_prev, n_term, t_head, free_nodes = postings
    sc[S_FREE_NODES] -= 1
    node = free_nodes[sc[S_FREE_NODES]]
    n_slot[node] = slot
    n_term[node] = term
    n_prev[node] = -1
    head = t_head[term]
    n_next[node] = head
    if head >= 0:
        n_prev[head] = node
    t_head[term] = node
    c_node[slot, k] = node


@nb.njit(cache=True)
def _release(term, t_refs, freed, sc):
    t_refs[term] -= 1
    if t_refs[term] == 0:
        freed[sc[S_FREED]] = term
        sc[S_FREED] += 1


@nb.njit(cache=True)
def _unlink(slot, lru_prev, lru_next, sc):
    prev, nxt = lru_prev[slot], lru_next[slot]
    if prev >= 0:
        lru_next[prev] = nxt
    else:
        sc[S_HEAD] = nxt
    if nxt >= 0:
        lru_prev[nxt] = prev
    else:
        sc[S_TAIL] = prev


@nb.njit(cache=True)
def append_cluster(slot, lru_prev, lru_next, sc):
    """Put the cluster of ``slot`` last in the update order (see assign_documents)."""
    tail = sc[S_TAIL]
    lru_prev[slot] = tail
    lru_next[slot] = -1
    if tail >= 0:
        lru_next[tail] = slot
    else:
        sc[S_HEAD] = slot
    sc[S_TAIL] = slot


@nb.njit(cache=True)
def document_reach(terms, weights, lo, hi, mask, prefix):
    """What bounds a document's similarity to the clusters (``OnlineClusterer``'s reach): the bits
    of its terms ``terms[lo:hi]`` (each its number modulo the mask's bits) into ``mask``, the sums
    of its first k weights ``weights[lo:hi]`` (strongest first) into ``prefix[k]``; returns how
    many of its terms share a bit with an earlier one (the surplus)."""
    mask[:] = 0
    prefix[0] = 0.0
    n_bits = np.int64(mask.size * 64)
    for j in range(lo, hi):
        bit = np.int64(terms[j]) % n_bits
        mask[bit >> 6] |= np.uint64(1) << np.uint64(bit & 63)
        prefix[j - lo + 1] = prefix[j - lo] + weights[j]
    bits = 0
    for w in range(mask.size):
        bits += _popcount(mask[w])
    return (hi - lo) - np.int64(bits)


@nb.njit(cache=True)
def similarity_bound(mask, surplus, prefix, cluster_mask, top):
    """An upper bound of a document's similarity to a cluster, from :func:`document_reach`'s
    ``mask``, ``surplus`` and ``prefix``, the cluster's mask (the bits of every term it holds)
    and its largest weight over its norm (``top``): they share at most ``k`` terms, the bits
    both masks set plus the document's surplus; each weighs at most ``top`` in the cluster, and
    the document's ``k`` strongest weigh ``prefix[k]`` together."""
    shared = surplus
    for w in range(mask.size):
        shared += np.int64(_popcount(mask[w] & cluster_mask[w]))
    return top * prefix[shared]


@nb.njit(cache=True)
def top_weight(weights, n, norm):
    """The largest of ``weights[:n]`` over ``norm`` (0 when ``norm`` is not positive), as the
    Python clusterer's ``Cluster.top``."""
    if not norm > 0.0:
        return 0.0
    top = weights[0]
    for k in range(1, n):
        if weights[k] > top:
            top = weights[k]
    return top / norm


@nb.njit(cache=True)
def _out_of_window(at, now, last, window):
    """Whether a cluster updated last at ``last`` is out of the window of a document of time
    ``at`` or of the newest, ``now`` (see OnlineClusterer.assign)."""
    return abs(at - last) > window or now - last > window


@nb.njit(cache=True)
def _holds_place(c_places, c_np, slot, place):
    for b in range(c_np[slot]):
        if c_places[slot, b] == place:
            return True
    return False


@nb.njit(cache=True)
def close_cluster(slot, sc, clusters, postings, terms):
    """Close an open cluster: drop its postings and its hold on its terms, free its slot."""
    c_n, c_terms, c_node, c_np = clusters[8], clusters[9], clusters[11], clusters[12]
    lru_prev, lru_next, free_slots = clusters[14], clusters[15], clusters[16]
    t_refs, freed = terms[0], terms[6]
    for k in range(c_n[slot]):
        _unpost(slot, k, c_node, postings, sc)
        _release(c_terms[slot, k], t_refs, freed, sc)
    c_n[slot] = 0
    c_np[slot] = 0
    clusters[0][slot] = 0  # no open cluster's seq: a document cannot join it by its seq
    _unlink(slot, lru_prev, lru_next, sc)
    free_slots[sc[S_FREE_SLOTS]] = slot
    sc[S_FREE_SLOTS] += 1
    sc[S_OPEN] -= 1


@nb.njit(cache=True)
def assign_documents(first, params, sc, clusters, postings, terms, docs, out, out_slot):
    """Assign documents ``first`` on to open clusters, or open new ones, as
    :meth:`duluan.analysis.cluster.OnlineClusterer.assign` does (see there), writing each one's
    cluster sequence number to ``out``.

    The clusters are rows of the ``c_*`` arrays (``slot``), kept in update order by a linked
    list (``lru_*``); a term (an integer the caller gives each distinct string) lists the open
    clusters posted under it in a linked list of nodes (``n_*``, ``t_head``) and counts the
    clusters that hold it (``t_refs``: one that falls to zero is written to ``freed``). A
    document's terms, weights (its unit TF-IDF vector, strongest first) and places are the
    slices ``d_start[i]:d_start[i + 1]`` and ``d_pstart[i]:d_pstart[i + 1]``; its time is in
    microseconds since the epoch (UTC) or NO_TIME, with its UTC offset for the caller to write
    it back. A candidate is first bounded as the Python clusterer bounds it, by its term mask
    (``c_mask``: the bits of every term it held, each ``number % MASK_BITS``) and its largest
    unit weight (``c_top``); the bound skips work and never changes a result. Places are
    numbers, the units a document's or a cluster's places lie within their numbers negated
    (see :attr:`duluan.analysis.cluster.ClusterDoc.within`). A document with a
    series day (``d_day``, see :func:`duluan.analysis.cluster.series_day`) does not join a
    cluster of another (``c_day``; 0: none). Topics agree when the document's two (``d_topic``,
    ``d_other``) and the cluster's (``c_topic``, ``c_other``) have one in common (0: none).
    A document that names a cluster to join (:attr:`duluan.analysis.cluster.ClusterDoc.joins`,
    found by the caller) joins it without a search while it is open and within the window: the
    cluster of an earlier document of the batch (``d_join_doc``, -1: none), or the cluster
    ``d_join_seq`` (0: none) in slot ``d_join_slot``.

    Args:
        first: The first document to assign.
        params: ``(window, threshold, same_topic, max_active)``: the clusterer's, the window in
            microseconds.
        sc: The int64 scalars (``S_*``).
        clusters: ``(c_seq, c_size, c_topic, c_first, c_first_off, c_last, c_last_off, c_norm,
            c_n, c_terms, c_w, c_node, c_places_count, c_places, lru_prev, lru_next,
            free_slots, slot_mark, c_mask, c_top, c_day, c_other)``.
        postings: ``(n_slot, n_next, n_prev, n_term, t_head, free_nodes)``.
        terms: ``(t_refs, t_mark, t_pos, pool, t_off, t_len, freed)``.
        docs: ``(d_start, d_terms, d_w, d_topic, d_other, d_pstart, d_places, d_time, d_off,
            d_day, d_join_doc, d_join_seq, d_join_slot)``.
        out: Each document's cluster sequence number.
        out_slot: Each document's cluster's slot.

    Returns:
        ``(done, status)``: the documents assigned (from 0), and ASSIGNED, or PLACES_FULL when
        the next one would give a cluster more places than its row holds (nothing of that
        document is kept but its time: call again from ``done`` once the rows are wider).
    """
    window, threshold, same_topic, max_active = params
    (
        c_seq,
        c_size,
        c_topic,
        c_first,
        c_first_off,
        c_last,
        c_last_off,
        c_norm,
        c_n,
        c_terms,
        c_w,
        c_node,
        c_np,
        c_places,
        lru_prev,
        lru_next,
        free_slots,
        slot_mark,
        c_mask,
        c_top,
        c_day,
        c_other,
    ) = clusters
    n_slot, n_next, t_head = postings[0], postings[1], postings[4]
    t_refs, t_mark, t_pos, pool, t_off, t_len, freed = terms
    (
        d_start,
        d_terms,
        d_w,
        d_topic,
        d_other,
        d_pstart,
        d_places,
        d_time,
        d_off,
        d_day,
        d_join_doc,
        d_join_seq,
        d_join_slot,
    ) = docs
    n_docs = d_time.size
    place_cap = c_places.shape[1]
    products = np.empty(KEEP, np.float64)
    partials = np.empty(CLUSTER_TERMS + 1, np.float64)
    squares = np.empty(CLUSTER_TERMS, np.float64)
    order = np.empty(CLUSTER_TERMS, np.int64)
    kept_terms = np.empty(KEEP, np.int32)  # a pruned centroid's, gathered before written back
    kept_w = np.empty(KEEP, np.float64)
    kept_node = np.empty(KEEP, np.int32)
    d_mask = np.empty(MASK_WORDS, np.uint64)
    prefix = np.empty(KEEP + 1, np.float64)
    for i in range(first, n_docs):
        when = d_time[i]
        now = sc[S_NOW]
        if when != NO_TIME and (now == NO_TIME or when > now):
            sc[S_NOW] = now = when
            sc[S_NOW_OFFSET] = d_off[i]
        if now != NO_TIME:
            horizon = now - window
            while sc[S_HEAD] >= 0:
                head = sc[S_HEAD]
                if c_last[head] == NO_TIME or c_last[head] >= horizon:
                    break
                close_cluster(head, sc, clusters, postings, terms)
        lo, hi = d_start[i], d_start[i + 1]
        n_terms = hi - lo
        sc[S_STAMP] += 1
        stamp = sc[S_STAMP]
        for j in range(lo, hi):
            t_mark[d_terms[j]] = stamp
            t_pos[d_terms[j]] = j
        surplus = document_reach(d_terms, d_w, lo, hi, d_mask, prefix)
        topic, other, day = d_topic[i], d_other[i], d_day[i]
        plo, phi = d_pstart[i], d_pstart[i + 1]
        best = -1
        best_sim = threshold
        best_seq = 0
        if d_join_doc[i] >= 0:
            joined, joined_seq = out_slot[d_join_doc[i]], out[d_join_doc[i]]
        else:
            joined, joined_seq = d_join_slot[i], d_join_seq[i]
        # (the window of the document's time, or the newest's for one without, and of the newest)
        at = when if when != NO_TIME else now
        if (
            joined_seq > 0
            and c_seq[joined] == joined_seq
            and (
                at == NO_TIME
                or c_last[joined] == NO_TIME
                or not _out_of_window(at, now, c_last[joined], window)
            )
        ):
            best = joined
        for j in range(lo, lo + min(_LOOKUP, n_terms) if best < 0 else lo):
            node = t_head[d_terms[j]]
            while node >= 0:
                slot = n_slot[node]
                node = n_next[node]
                if slot_mark[slot] == stamp:
                    continue
                slot_mark[slot] = stamp
                if same_topic and topic != 0:
                    ct = c_topic[slot]
                    if ct != 0 and ct != topic and (other == 0 or ct != other):
                        co = c_other[slot]
                        if co == 0 or (co != topic and co != other):
                            continue
                if phi > plo and c_np[slot] > 0:
                    # A place (a positive number) of the document among the cluster's places or
                    # the units they lie within (negative), or a unit the document's lie within
                    # among the cluster's places.
                    shared_place = False
                    for a in range(plo, phi):
                        p = d_places[a]
                        if _holds_place(c_places, c_np, slot, -p if p < 0 else p) or (
                            p > 0 and _holds_place(c_places, c_np, slot, -p)
                        ):
                            shared_place = True
                            break
                    if not shared_place:
                        continue
                if day != 0 and c_day[slot] != 0 and c_day[slot] != day:
                    continue
                last = c_last[slot]
                if at != NO_TIME and last != NO_TIME and _out_of_window(at, now, last, window):
                    continue
                # The Python clusterer's bound (see OnlineClusterer.assign): at most ``shared``
                # terms in common, each weighing at most ``c_top`` in the cluster, and the
                # document's ``shared`` strongest weights together. Below the best so far, the
                # candidate cannot win, and its terms are not looked at.
                if similarity_bound(d_mask, surplus, prefix, c_mask[slot], c_top[slot]) < best_sim * (
                    1.0 - _BOUND_MARGIN
                ):
                    continue
                m = 0
                for k in range(c_n[slot]):
                    term = c_terms[slot, k]
                    if t_mark[term] == stamp:
                        products[m] = d_w[t_pos[term]] * c_w[slot, k]
                        m += 1
                sim = fsum(products, m, partials) / c_norm[slot]
                if sim >= best_sim and (sim > best_sim or best < 0 or c_seq[slot] < best_seq):
                    best, best_sim, best_seq = slot, sim, c_seq[slot]
        at = when
        at_off = d_off[i]
        if at == NO_TIME:
            at, at_off = sc[S_NOW], sc[S_NOW_OFFSET]
        if best < 0:
            if phi - plo > place_cap:
                return i, PLACES_FULL
            sc[S_FREE_SLOTS] -= 1
            slot = free_slots[sc[S_FREE_SLOTS]]
            sc[S_OPEN] += 1
            c_seq[slot] = sc[S_NEXT_ID]
            sc[S_NEXT_ID] += 1
            c_size[slot] = 1
            c_topic[slot] = topic
            c_other[slot] = other if topic != 0 else 0
            c_day[slot] = day
            c_np[slot] = 0
            for a in range(plo, phi):
                c_places[slot, c_np[slot]] = d_places[a]
                c_np[slot] += 1
            c_first[slot] = c_last[slot] = at
            c_first_off[slot] = c_last_off[slot] = at_off
            c_node[slot, :n_terms] = -1
            for k in range(n_terms):
                term = d_terms[lo + k]
                c_terms[slot, k] = term
                c_w[slot, k] = d_w[lo + k]
                t_refs[term] += 1
                if k < _PROBE:
                    post_cluster(slot, k, term, c_node, postings, sc)
            c_n[slot] = n_terms
            c_norm[slot] = _norm(c_w[slot], n_terms, squares, partials)
            c_mask[slot] = d_mask
            c_top[slot] = top_weight(c_w[slot], n_terms, c_norm[slot])
            append_cluster(slot, lru_prev, lru_next, sc)
        else:
            slot = best
            # The places it would have, first: a row too narrow stops here, before any change.
            grown = c_np[slot]
            for a in range(plo, phi):
                if not _holds_place(c_places, c_np, slot, d_places[a]):
                    grown += 1
            if grown > place_cap:
                return i, PLACES_FULL
            # The document's terms are added to the centroid's, new ones after in its order.
            sc[S_STAMP] += 1
            mark = sc[S_STAMP]
            n = c_n[slot]
            for k in range(n):
                t_mark[c_terms[slot, k]] = mark
                t_pos[c_terms[slot, k]] = k
            for k in range(n_terms):
                term = d_terms[lo + k]
                if t_mark[term] == mark:
                    c_w[slot, t_pos[term]] = c_w[slot, t_pos[term]] + d_w[lo + k]
                    if k < _PROBE and c_node[slot, t_pos[term]] < 0:
                        post_cluster(slot, t_pos[term], term, c_node, postings, sc)
                else:
                    c_terms[slot, n] = term
                    c_w[slot, n] = d_w[lo + k]
                    c_node[slot, n] = -1
                    t_refs[term] += 1
                    if k < _PROBE:
                        post_cluster(slot, n, term, c_node, postings, sc)
                    n += 1
            if c_topic[slot] == 0 and topic != 0:
                c_topic[slot] = topic
                c_other[slot] = other
            if c_day[slot] == 0:
                c_day[slot] = day
            if n > _PRUNE_OVER:
                # Keep the strongest, ties in the terms' string order (the Python clusterer sorts
                # by weight, then term): an insertion sort of positions, for a few times a
                # thousand documents.
                for k in range(n):
                    order[k] = k
                for k in range(1, n):
                    x = order[k]
                    wx = c_w[slot, x]
                    j = k - 1
                    while j >= 0:
                        y = order[j]
                        wy = c_w[slot, y]
                        if wx > wy or (
                            wx == wy and _term_less(pool, t_off, t_len, c_terms[slot, x], c_terms[slot, y])
                        ):
                            order[j + 1] = y
                            j -= 1
                        else:
                            break
                    order[j + 1] = x
                for k in range(KEEP, n):
                    _unpost(slot, order[k], c_node, postings, sc)
                    _release(c_terms[slot, order[k]], t_refs, freed, sc)
                for k in range(KEEP):
                    kept_terms[k] = c_terms[slot, order[k]]
                    kept_w[k] = c_w[slot, order[k]]
                    kept_node[k] = c_node[slot, order[k]]
                c_terms[slot, :KEEP] = kept_terms
                c_w[slot, :KEEP] = kept_w
                c_node[slot, :KEEP] = kept_node
                n = KEEP
            c_n[slot] = n
            c_norm[slot] = _norm(c_w[slot], n, squares, partials)
            # The mask keeps the bits of pruned terms: a mask that holds more bits bounds less
            # closely, never wrongly.
            for w in range(MASK_WORDS):
                c_mask[slot, w] |= d_mask[w]
            c_top[slot] = top_weight(c_w[slot], n, c_norm[slot])
            c_size[slot] += 1
            for a in range(plo, phi):
                if not _holds_place(c_places, c_np, slot, d_places[a]):
                    c_places[slot, c_np[slot]] = d_places[a]
                    c_np[slot] += 1
            if at != NO_TIME:
                if c_first[slot] == NO_TIME or at < c_first[slot]:
                    c_first[slot] = at
                    c_first_off[slot] = at_off
                if c_last[slot] == NO_TIME or at > c_last[slot]:
                    c_last[slot] = at
                    c_last_off[slot] = at_off
            _unlink(slot, lru_prev, lru_next, sc)
            append_cluster(slot, lru_prev, lru_next, sc)
        out[i] = c_seq[slot]
        out_slot[i] = slot
        while sc[S_OPEN] > max_active:
            close_cluster(sc[S_HEAD], sc, clusters, postings, terms)
    return n_docs, ASSIGNED


def folding(lower: bool, underscore: bool = True) -> Folding:
    """The process's :class:`Folding` of these options."""
    return _folding(bool(lower), bool(underscore))


@lru_cache(maxsize=4)
def _folding(lower: bool, underscore: bool) -> Folding:
    # (one entry an option, however the caller spells the arguments)
    return Folding(lower) if underscore else _folding(lower, True).without_underscore()


def packed_rows(weights: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """A linear model's weights with each column's idf after them, for :func:`score_texts` and
    :func:`explain_types`.

    The table is ``(n_columns, width)`` float32, C-contiguous, from a 64-byte boundary: row
    ``c`` is the ``k`` weights of column ``c``, its idf, then zeros. ``width`` is the smallest
    at least ``k + 1`` whose rows each lie in as few of the CPU's 64-byte cache lines as a row
    of that size can (8 for 4 to 7 classes and 16 for 8 to 15: one line a row; 18 for 17
    classes: two). A text
    reads its columns' rows at random from a table far larger than the caches: with the idf
    apart and rows of ``k`` floats (40 bytes for 10 classes, across two lines for half the
    rows), a column cost two or three reads from memory, here one. A model trained on VNTC (10
    classes, 2**20 columns) on 4,000 of its articles in batches of 500, best of 5, alternating
    runs (2026-12-02): the loop alone 38.9-40.8 µs of CPU an article against 29.3-30.0;
    ``NgramFeaturizer.compiled_margins`` 53.9-55.3 against 40.9-45.6; ``duluan classify`` of all
    33,709 articles with two workers (``bench_classify.py``), the classification alone 13,460
    and 14,137 docs/s against 15,509 and 15,879.

    Args:
        weights: ``(n_columns, k)`` float32.
        idf: ``n_columns`` float32.

    Returns:
        The packed table (a view of a slightly larger array, for the alignment).
    """
    n, k = weights.shape
    width = _row_width(k + 1)
    flat = np.empty(n * width + 16, dtype=np.float32)
    skip = (-flat.ctypes.data % 64) // 4
    packed = flat[skip : skip + n * width].reshape(n, width)
    packed[:, :k] = weights
    packed[:, k] = idf
    packed[:, k + 1 :] = 0
    return packed


def _row_width(floats: int) -> int:
    """The smallest width, from ``floats``, at which rows of float32 laid end to end from a
    64-byte boundary each touch no more 64-byte lines than one row must."""
    width = floats
    while True:
        size = 4 * width
        lines = -(-size // 64)
        if all(size * r % 64 + size <= 64 * lines for r in range(16)):
            return width
        width += 1


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32; a lone surrogate is its own code)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def joined_codes(texts: Sequence[np.ndarray]) -> np.ndarray:
    """Texts given as code points, one after the other apart by a zero, as the loops read a batch
    (none after the last; at least one text)."""
    zero = np.zeros(1, dtype=texts[0].dtype)
    return np.concatenate([piece for text in texts for piece in (text, zero)][:-1])


def id_table(hashes: np.ndarray, ids: np.ndarray, room: int) -> np.ndarray:
    """An open-addressing table of syllable hashes (:func:`hash_strings`) and their ids (at least
    -1), with room for ``room`` of them in all at most half full: uint64, each slot's hash (zero:
    empty) then its id plus one."""
    table = np.zeros(2 << max(4, (2 * room).bit_length()), dtype=np.uint64)
    insert_ids(table, hashes, ids)
    return table


def id_table_of(strings: Sequence[str], ids: Iterable[int], room: int) -> np.ndarray:
    """:func:`id_table` of the syllables ``strings`` (lower-case NFC, none holding a zero) and
    their ``ids``."""
    if not strings:
        return id_table(np.zeros(0, np.uint64), np.zeros(0, np.int64), room)
    hashes = hash_strings(code_points("\x00".join(strings)))
    return id_table(hashes, np.fromiter(ids, np.int64, len(strings)), room)


def id_table_with_room(table: np.ndarray, room: int) -> np.ndarray:
    """``table`` (an :func:`id_table`), or when it has no room for ``room`` entries in all at
    most half full, a larger table of the same entries."""
    if 4 * room <= table.size:
        return table
    keys, values = table[0::2], table[1::2]
    held = keys != 0
    return id_table(keys[held], values[held].astype(np.int64) - 1, room)


def syllables_holding(texts: Sequence[str], table: np.ndarray) -> tuple[dict[int, list], set[int]]:
    """Where the texts (NFC) have a syllable that the table holds (see :func:`syllables_in_table`):
    a syllable is a run of letters and digits, lower-cased (``underscore=False``).

    Returns:
        ``(spans, special)``: per text that has such syllables, their ``(start, end)`` in it, in
        order (hashes may collide: a span may be another syllable); and the texts with a
        character only ``str.lower`` reads right, which the caller must look at as a whole.
    """
    if not texts:
        return {}, set()
    codes = code_points("\x00".join(t.replace("\x00", " ") for t in texts))
    starts, ends, special = syllables_in_table(codes, folding(True, underscore=False).for_codes(codes), table)
    # Each text's first code point; after the last text, one past the batch.
    first = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts], out=first[1:])
    spans: dict[int, list] = {}
    owner = np.searchsorted(first, starts, side="right") - 1
    base = first[owner]
    for k, s, e in zip(owner.tolist(), (starts - base).tolist(), (ends - base).tolist(), strict=True):
        spans.setdefault(k, []).append((s, e))
    return spans, set((np.searchsorted(first, special, side="right") - 1).tolist())


@nb.njit(cache=True)
def batch_terms(rows, lengths, crc, spaced_crc, spaced_len, shift_tables, shift_limit):
    """Each text's distinct terms, in the order they first occur, with their counts and codes, as
    :class:`duluan.analysis.cluster.TermCoder` finds them by sorting (see there).

    A text of two syllables or more has a term at each syllable but its last: the pair of that
    syllable and the next; a text of one has that syllable alone. A term is its rows (the second
    -1 alone). Its code is the CRC-32 of its string: a syllable alone's is ``crc[row]``; a pair's
    is the first syllable's shifted by the bytes of " second" (``shift_tables``, as
    ``cluster._crc_shift`` reads them) and combined with ``spaced_crc[second]``, or -1 when " second" is
    ``shift_limit`` bytes or more (the caller computes it).

    Args:
        rows: The folded syllable number of each token, one text after the other.
        lengths: The tokens of each text.
        crc, spaced_crc, spaced_len: Per number, the CRC-32 of the syllable, of a space and the
            syllable, and the bytes of a space and the syllable.
        shift_tables: ``cluster._crc_shift``'s tables, flat.
        shift_limit: The byte counts they cover.

    Returns:
        ``(left, right, count, code, per_text)``: per term of each text, one text after the
        other, its rows, count and code; and each text's number of terms.
    """
    n_docs = lengths.size
    total = rows.size
    left = np.empty(total, np.int64)
    right = np.empty(total, np.int64)
    count = np.zeros(total, np.int64)
    code = np.empty(total, np.int64)
    per_text = np.zeros(n_docs, np.int64)
    longest = 1
    width = 1
    for d in range(n_docs):
        longest = max(longest, lengths[d])
    for i in range(total):
        width = max(width, rows[i] + 1)
    size = 16
    while size < 2 * longest:
        size *= 2
    mask = size - 1
    keys = np.empty(size, np.int64)
    stamps = np.zeros(size, np.int64)
    entries = np.empty(size, np.int64)
    e = 0
    at = 0
    for d in range(n_docs):
        n = lengths[d]
        if n == 0:
            continue
        stamp = d + 1
        for t in range(n - 1 if n >= 2 else 1):
            a = rows[at + t]
            b = rows[at + t + 1] if n >= 2 else -1
            key = a * width + b if b >= 0 else -(a + 1)
            slot = np.int64((_mix64(np.uint64(key)) >> np.uint64(1)) & np.uint64(mask))
            while stamps[slot] == stamp and keys[slot] != key:
                slot = (slot + 1) & mask
            if stamps[slot] == stamp:
                count[entries[slot]] += 1
                continue
            stamps[slot] = stamp
            keys[slot] = key
            entries[slot] = e
            left[e] = a
            right[e] = b
            count[e] = 1
            if b < 0:
                code[e] = np.int64(crc[a])
            elif spaced_len[b] < shift_limit:
                v = np.int64(crc[a])
                base = spaced_len[b] * 1024
                shifted = shift_tables[base + (v & 0xFF)]
                shifted ^= shift_tables[base + 256 + ((v >> 8) & 0xFF)]
                shifted ^= shift_tables[base + 512 + ((v >> 16) & 0xFF)]
                shifted ^= shift_tables[base + 768 + ((v >> 24) & 0xFF)]
                code[e] = np.int64(shifted ^ spaced_crc[b])
            else:
                code[e] = -1
            e += 1
            per_text[d] += 1
        at += n
    return left[:e], right[:e], count[:e], code[:e], per_text


def warm() -> None:
    """Compile the loops for the argument types the engine gives them, so that numba's cache
    holds them (30 s once; ``make`` runs this after installing, as it byte-compiles)."""
    from duluan.analysis.cluster import ClusterDoc, OnlineClusterer, TermCoder
    from duluan.analysis.cluster_compiled import CompiledClusterer
    from duluan.analysis.features import NgramFeaturizer
    from duluan.analysis.normalise import normalise_texts

    featurizer = NgramFeaturizer(min_count=1, lead_tokens=2).fit(["hoà bình", "quận ba"])
    featurizer.compiled_margins(["hoà bình ở quận ba"], np.zeros((featurizer.n_features_, 2), np.float32))
    featurizer.load_typed_explain(np.zeros((featurizer.n_features_, 2), np.float32))
    # A loaded model of at most three classes reads its weights and idf from one packed table.
    packed = featurizer.pack_weights(np.zeros((featurizer.n_features_, 3), np.float32))
    featurizer.idf_ = packed[:, -1]
    featurizer.load_typed_explain(packed[:, :-1])
    chars = NgramFeaturizer(min_count=1, char_ngram_range=(1, 3)).fit(["hoà bình", "quận ba"])
    chars.load_typed_scores(chars.pack_weights(np.zeros((chars.n_features_, 3), np.float32)))
    normalise_texts(["ko biết"])
    from duluan.analysis.layout import layout_values_compiled, texts_as_codes

    layout_values_compiled(texts_as_codes(["Hà Nội\n26-1"]), 1)
    from duluan.analysis.plain_rows import plain_rows

    # (the reader of plain JSON lines, with every hint of personal data and a column not read)
    line = '{"id": "a", "text": "hoà 0912 345 678 a@b.vn www.x.vn Ã©", "n": 1}'
    plain_rows([line.encode("utf-8")], "text", "id")
    TermCoder().load_compiled()  # its one call has the argument types of every later one
    # (The clustering loops compile whole: one batch compiles every branch; packing the term
    # pool is a loop of its own.)
    docs = [ClusterDoc(str(i), {"ngập úng": 1, f"x{i}": 1}, places=frozenset("p")) for i in range(3)]
    python = OnlineClusterer()
    python.assign_many(docs)
    CompiledClusterer(python).assign_many(docs)  # from a state with clusters, as a resumed run
    repack_pool(
        np.zeros(N_SCALARS, np.int64),
        np.zeros(1, np.uint64),
        np.zeros(1, np.uint8),
        np.zeros(1, np.uint8),
        np.zeros(1, np.int64),
        np.zeros(1, np.int64),
    )


if __name__ == "__main__":
    warm()
