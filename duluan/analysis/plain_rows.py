"""JSON lines whose text a model can score as it is written, read by compiled code.

``duluan classify`` of a JSONL file spent most of its time on Python strings: decoding each line
(orjson), checking the text (:func:`~duluan.analysis.tabular.text_problem`), normalising it
(:func:`~duluan.analysis.normalise.normalise_texts`) and encoding it again for the compiled
scoring loops (:mod:`duluan.analysis.kernels`). For a VNTC article (2,900 bytes a line) that was
about 55 of the 94 µs of CPU a worker gave each line (2026-12-02: decoding 13, the checks 9,
normalising about 30). Yet for most lines none of it changes what the loops read:

- A line that is a JSON object of the text and id columns, its text a string with no escape
  but ``\\"``, ``\\\\``, ``\\/``, ``\\n``, ``\\r`` and ``\\t`` and no character beyond the Basic
  Multilingual Plane but emoji (read as :data:`_SYMBOL`), its id a string of printable ASCII
  (no space at either end) or a non-negative integer of at most 18 digits, and at most eight
  other columns holding such strings, numbers, ``true``, ``false`` or ``null``, is the row
  those bytes spell (:func:`~duluan.analysis.tabular.jsonl_record` reads the same); the other
  columns are only named, as the command warns about them. It passes every check of
  :class:`~duluan.analysis.tabular.RowValidator` when its text has a word character and
  :func:`~duluan.analysis.tabular.text_problem` finds nothing (asked here of the few texts
  with a character it looks further at).
- Normalising such a text leaves it as it is when it has no invisible character and nothing
  NFC changes, but for four steps. Its no-break spaces and the other spaces and line separators
  the normaliser writes one for one are read as it writes them (:func:`_decode_run`). Personal
  data: the normaliser's own search is asked of the texts with a hint of some (the hints of its
  batch scan, found here exactly on the same tables, but for a phone hint where the phone
  pattern cannot match: :func:`_phone_may_match`), and what it finds is masked as the
  normaliser masks it. The tones of ``oa``, ``oe`` and
  ``uy``: the scorer places them per syllable as it looks it up
  (``NgramFeaturizer.compiled_code_margins``). The chat forms: the loops mark the texts with one
  as they score them, and the caller expands those and scores them again.

:func:`plain_rows` finds those lines in a chunk and decodes their texts straight into the code
points the loops read; the caller sends every other line the usual way. The JSON is read here,
not by a library, because the point is never to make the Python objects a library gives.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numba as nb
import numpy as np

from duluan.analysis import kernels
from duluan.analysis.legacy_encodings import TCVN3_TELLS
from duluan.analysis.normalise import (
    _COLON,
    _DIGIT,
    _DOT,
    _NFC_SUSPECT,
    _ODD,
    _PHONE_RUN,
    _PHONE_WINDOW,
    _TLDS,
    _WWW,
    _batch_tables,
    plane_string,
)
from duluan.analysis.tabular import _CONT as _MOJIBAKE_CONT
from duluan.analysis.tabular import MAX_TEXT_BYTES, MOJIBAKE_LEADS, MOJIBAKE_MARKED, MOJIBAKE_MARKS

# What the id of a plain row is (see plain_json_rows).
NOT_PLAIN = 0
STRING_ID = 1
NUMBER_ID = 2
NO_ID = 3  # the rows are named by their number
# A longer integer id goes the usual way (orjson reads integers of up to 64 bits).
_MAX_ID_DIGITS = 18
# A line with more columns that are not read goes the usual way.
_MAX_OTHER = 8

# Bits of _plain_table() for a code point.
_WORD = 1  # a word character of the loops (not "_")
_BAD = 2  # the normaliser would change the text (invisible, NFC, "İ"/"Σ", "_"), or the text is rejected
_CHECK = 4  # "@" (an e-mail address?), or what starts or marks mojibake ("Ã" of "Ã©", "»" of "á»‡")
_LOOK = 8  # may start a hint of personal data: a digit, ".", ":", "w", "W"
_CONT = 16  # may follow a mojibake's lead: a continuation byte read as Latin-1 or cp1252
_LEAD = 32  # a mojibake's lead ("Ã" of "Ã©"); a _CHECK character without it is a mark ("»")
_LOOKED_AT = 64  # _LOOK or _CHECK: what _hints_at looks at
_LOOKED_AT_SHIFT = 6
# Beyond the BMP, the emoji and other pictographs that normalising reads as punctuation (no
# letter or digit, nothing NFC changes) are read too, as _SYMBOL: _plain_table() has their
# entries after the plane's, from _PICTOGRAPHS_FROM to _PICTOGRAPHS_TO.
_PICTOGRAPHS_FROM = 0x1F000
_PICTOGRAPHS_TO = 0x1FB00
_PICTOGRAPH = 128  # such a character
# What the texts' code points hold for each: a character of the plane that every look-up here and
# in the scoring loops reads as they read the pictograph (no word character, no class, no hint),
# as normalising reads it (see normalise's _SYMBOL_SLOT); a text that has it already goes the
# usual way (_BAD, as every character NFC may change).
_SYMBOL = 0xFFFC
_MARKED = ord(MOJIBAKE_MARKED)  # what a mark follows ("á" of "á»‡")


@nb.njit(cache=True)
def _skip_space(buf, i, end):
    while i < end and (buf[i] == 0x20 or buf[i] == 0x09 or buf[i] == 0x0A or buf[i] == 0x0D):
        i += 1
    return i


@nb.njit(cache=True)
def _string_end(buf, i, end):
    """The closing quote of a JSON string without escapes that opens at ``buf[i]``, or -1."""
    if i >= end or buf[i] != 0x22:
        return -1
    i += 1
    while i < end:
        b = buf[i]
        if b == 0x22:
            return i
        if b == 0x5C or b < 0x20:
            return -1
        i += 1
    return -1


@nb.njit(cache=True)
def _starts_with(values, i, hi, literal):
    """Whether ``values[i:hi]`` starts with ``literal``."""
    if i + literal.size > hi:
        return False
    for k in range(literal.size):
        if values[i + k] != literal[k]:
            return False
    return True


@nb.njit(cache=True)
def _same_bytes(buf, lo, hi, key):
    return hi - lo == key.size and _starts_with(buf, lo, hi, key)


@nb.njit(cache=True)
def _digits_end(buf, i, end):
    while i < end and 0x30 <= buf[i] <= 0x39:
        i += 1
    return i


@nb.njit(cache=True)
def _id_value(buf, i, end):
    """An id at ``buf[i]``: ``(kind, lo, hi, next)``, kind :data:`NOT_PLAIN` when it is not a
    string of printable ASCII (no quote, no backslash, no space at either end) or an integer
    without sign, leading zero, fraction or exponent."""
    if i < end and buf[i] == 0x22:
        close = _string_end(buf, i, end)
        if close <= i + 1:
            return NOT_PLAIN, 0, 0, 0
        if buf[i + 1] == 0x20 or buf[close - 1] == 0x20:  # what str.strip() would take off
            return NOT_PLAIN, 0, 0, 0
        for j in range(i + 1, close):
            if buf[j] < 0x20 or buf[j] >= 0x7F:
                return NOT_PLAIN, 0, 0, 0
        return STRING_ID, i + 1, close, close + 1
    j = _digits_end(buf, i, end)
    if j == i or j - i > _MAX_ID_DIGITS or (buf[i] == 0x30 and j - i > 1):
        return NOT_PLAIN, 0, 0, 0
    if j < end and (buf[j] == 0x2E or buf[j] == 0x65 or buf[j] == 0x45):
        return NOT_PLAIN, 0, 0, 0
    return NUMBER_ID, i, j, j


@nb.njit(cache=True)
def _number_end(buf, i, end):
    """Where the JSON number at ``buf[i]`` ends, or -1."""
    if i < end and buf[i] == 0x2D:
        i += 1
    if i >= end or not 0x30 <= buf[i] <= 0x39:
        return -1
    i = i + 1 if buf[i] == 0x30 else _digits_end(buf, i, end)
    if i < end and buf[i] == 0x2E:
        j = _digits_end(buf, i + 1, end)
        if j == i + 1:
            return -1
        i = j
    if i < end and (buf[i] == 0x65 or buf[i] == 0x45):
        i += 1
        if i < end and (buf[i] == 0x2B or buf[i] == 0x2D):
            i += 1
        j = _digits_end(buf, i, end)
        if j == i:
            return -1
        i = j
    return i


@nb.njit(cache=True)
def _literal_end(buf, i, end, word):
    """Where ``word`` (``true``, ``false``, ``null``) at ``buf[i]`` ends, or -1."""
    return i + word.size if _starts_with(buf, i, end, word) else -1


@nb.njit(cache=True)
def _escaped(e):
    """The character of the escape ``\\e`` that this module reads, or -1."""
    if e == 0x6E:
        return 0x0A
    if e == 0x74:
        return 0x09
    if e == 0x72:
        return 0x0D
    if e == 0x22 or e == 0x5C or e == 0x2F:
        return np.int64(e)
    return -1


@nb.njit(cache=True)
def _spaced(c):
    """What the normaliser writes for ``c`` of U+2007 to U+202F (``_SPACES_TABLE``: spaces and
    line separators, one for one)."""
    if c == 0x2007 or c == 0x202F:
        return np.int64(0x20)
    if c == 0x2028 or c == 0x2029:
        return np.int64(0x0A)
    return c


@nb.njit(cache=True)
def _decode_run(buf, i, end, codes, w, table, looks, n_looks):
    """Decode ``buf[i:]`` into ``codes[w:]`` up to a quote, a backslash, a control character or
    ``end``: ``(i, w, bits, bad, n_looks)``, ``bits`` the union of ``table``'s entries for the
    characters, ``bad`` whether the bytes were not UTF-8 of the Basic Multilingual Plane; the
    place in ``codes`` of each character that is ``_LOOKED_AT`` is written at
    ``looks[n_looks]`` (for :func:`_hints_at`), and the count goes up. ``buf`` has three bytes
    after the last line, so that reading the three after any byte stays inside it. An emoji
    beyond the plane is written as :data:`_SYMBOL` (see there). The spaces and
    line separators that the normaliser writes otherwise (``_SPACES_TABLE``) are written as it
    writes them: 90 of the 33,709 VNTC articles have a no-break space, and went the usual way.

    A VNTC article (2,900 bytes) takes about 6 µs. Forms without a branch on each character's
    length (a table of lengths, or a pass over every byte) took 8-12 µs (2026-12-02): the
    length of one character decides where the next starts, and a branch lets the processor
    guess it instead of waiting.
    """
    bits = np.uint8(0)
    while i < end:
        b0 = np.int64(buf[i])
        if b0 < 0x80:
            if b0 == 0x22 or b0 == 0x5C or b0 < 0x20:
                break
            c = b0
            i += 1
        elif b0 < 0xC2:  # a continuation byte, or the first of an overlong form
            return i, w, bits, True, n_looks
        elif b0 < 0xE0:
            b1 = np.int64(buf[i + 1])
            if (b1 & 0xC0) != 0x80:
                return i, w, bits, True, n_looks
            c = ((b0 & 0x1F) << 6) | (b1 & 0x3F)
            if c == 0xA0:  # a no-break space: the normaliser's space (_SPACES_TABLE)
                if w > 0 and table[codes[w - 1]] & _CHECK:
                    # After a mojibake's lead or mark ("Â\xa0" is a no-break space read as
                    # cp1252) the row checks need it as written: the usual way.
                    return i, w, bits, True, n_looks
                c = 0x20
            i += 2
        elif b0 < 0xF0:
            b1 = np.int64(buf[i + 1])
            b2 = np.int64(buf[i + 2])
            c = ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
            if (b1 & 0xC0) != 0x80 or (b2 & 0xC0) != 0x80 or c < 0x800 or 0xD800 <= c <= 0xDFFF:
                return i, w, bits, True, n_looks
            if 0x2007 <= c <= 0x202F:
                c = _spaced(c)
            i += 3
        elif b0 < 0xF5:
            b1 = np.int64(buf[i + 1])
            b2 = np.int64(buf[i + 2])
            b3 = np.int64(buf[i + 3])
            c = ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F)
            if (b1 & 0xC0) != 0x80 or (b2 & 0xC0) != 0x80 or (b3 & 0xC0) != 0x80 or c < 0x10000:
                return i, w, bits, True, n_looks
            if not (_PICTOGRAPHS_FROM <= c < _PICTOGRAPHS_TO) or not (
                table[0x10000 + c - _PICTOGRAPHS_FROM] & _PICTOGRAPH
            ):
                return i, w, bits, True, n_looks  # a letter, digit or mark beyond the BMP
            codes[w] = _SYMBOL
            w += 1
            i += 4
            continue
        else:  # not UTF-8
            return i, w, bits, True, n_looks
        codes[w] = c
        t = table[c]
        bits |= t
        # Written down at every character and kept for those looked at: no branch to guess.
        looks[n_looks] = w
        n_looks += (t >> _LOOKED_AT_SHIFT) & 1
        w += 1
    return i, w, bits, i > end, n_looks  # past the end: a character cut by it


@nb.njit(cache=True)
def _decode_text(buf, i, end, codes, w, table, looks):
    """Decode the JSON string at ``buf[i]`` into ``codes[w:]``: ``(next, new w, bits, n_looks)``,
    ``bits`` the union of ``table``'s entries for its characters, ``looks[:n_looks]`` the places
    of those that are ``_LOOK`` or ``_CHECK``, in order; or next -1 when it is not a string this
    module reads (an escape other than the six, a character beyond the Basic Multilingual Plane,
    bytes that are not UTF-8). See :func:`_decode_run`."""
    bits = np.uint8(0)
    n_looks = 0
    if i >= end or buf[i] != 0x22:
        return -1, w, bits, n_looks
    i += 1
    while True:
        i, w, more, bad, n_looks = _decode_run(buf, i, end, codes, w, table, looks, n_looks)
        bits |= more
        if bad or i >= end:
            return -1, w, bits, n_looks
        b = buf[i]
        if b == 0x22:
            return i + 1, w, bits, n_looks
        if b != 0x5C or i + 1 >= end:  # a control character
            return -1, w, bits, n_looks
        c = _escaped(buf[i + 1])
        if c < 0:
            return -1, w, bits, n_looks
        codes[w] = c
        t = table[c]
        bits |= t
        if t & _LOOKED_AT:
            looks[n_looks] = w
            n_looks += 1
        w += 1
        i += 2


@nb.njit(cache=True)
def _phone_may_end(codes, j, hi, classes, word):
    """Whether ``_PHONE_END``, ``(?!\\w|[.,](?!0[235789])\\d)``, holds at ``codes[j]``
    (``word``: :func:`_regex_tables`'s)."""
    if j >= hi:
        return True
    c = codes[j]
    if word[c]:
        return False
    if not ((c == 0x2E or c == 0x2C) and j + 1 < hi and classes[codes[j + 1]] & _DIGIT):
        return True
    # a mark then a digit: the start of another number ("0" then 2, 3, 5, 7, 8 or 9) only
    if codes[j + 1] != 0x30 or j + 2 >= hi:
        return False
    d = codes[j + 2]
    return d == 0x32 or d == 0x33 or d == 0x35 or d == 0x37 or d == 0x38 or d == 0x39


@nb.njit(cache=True)
def _separated_digits(codes, j, hi, classes, count):
    """Where ``(?:[ .-]?\\d){count}`` ends from ``codes[j]``, or -1 (each step has one way)."""
    for _ in range(count):
        if j < hi and (codes[j] == 0x20 or codes[j] == 0x2E or codes[j] == 0x2D):
            j += 1
        if j < hi and classes[codes[j]] & _DIGIT:
            j += 1
        else:
            return -1
    return j


@nb.njit(cache=True)
def _phone_number_at(codes, j, hi, classes, word, country):
    """Whether ``_PHONE_RE``'s number may match at ``codes[j]``, after a country code
    (``_COUNTRY_NUMBER``) or after "0". Its optional parts each have one way to go on (a
    separator, "(0)" or, after a country code, "0" that is there must be taken: what follows
    cannot match it)."""
    if j < hi and (codes[j] == 0x20 or codes[j] == 0x2E or codes[j] == 0x2D):
        j += 1
    if j + 2 < hi and codes[j] == 0x28 and codes[j + 1] == 0x30 and codes[j + 2] == 0x29:
        j += 3
        if country and j < hi and (codes[j] == 0x20 or codes[j] == 0x2E or codes[j] == 0x2D):
            j += 1
    elif country and j < hi and codes[j] == 0x30:
        j += 1
    if j >= hi:
        return False
    c = codes[j]
    # "[2-9](?:[ .-]?\d){8}|[1-8](?:[ .-]?\d){9}", each then the end
    if 0x32 <= c <= 0x39:
        eight = _separated_digits(codes, j + 1, hi, classes, 8)
        if eight >= 0 and _phone_may_end(codes, eight, hi, classes, word):
            return True
    if 0x31 <= c <= 0x38:
        nine = _separated_digits(codes, j + 1, hi, classes, 9)
        return nine >= 0 and _phone_may_end(codes, nine, hi, classes, word)
    return False


# The groups of digits an identity card's number is written in (see _ID_NUMBER_RE).
_ID_WHOLE = np.array([12], np.int64)
_ID_THREES = np.array([3, 3, 3, 3], np.int64)
_ID_FOURS = np.array([4, 4, 4], np.int64)


@nb.njit(cache=True)
def _grouped_digits(codes, s, hi, classes, groups):
    """Where twelve digits from ``codes[s]`` end when written in ``groups`` apart by a space, "."
    or "-", the fourth a digit 0-3, or -1."""
    j = s
    n = 0
    for g in range(groups.size):
        if g > 0:
            if j < hi and (codes[j] == 0x20 or codes[j] == 0x2E or codes[j] == 0x2D):
                j += 1
            else:
                return -1
        for _ in range(groups[g]):
            if j >= hi or not classes[codes[j]] & _DIGIT or (n == 3 and codes[j] > 0x33):
                return -1
            j += 1
            n += 1
    return j


@nb.njit(cache=True)
def _id_number_at(codes, s, lo, hi, classes):
    """Whether ``_ID_NUMBER_RE`` matches at ``codes[s]`` (a "0"): no digit, "." or "," before,
    twelve digits whole or in groups of 3-3-3-3 or 4-4-4 apart by a space, "." or "-", the fourth
    0-3, then neither a digit nor "." or "," before one."""
    if s > lo and (classes[codes[s - 1]] & _DIGIT or codes[s - 1] == 0x2E or codes[s - 1] == 0x2C):
        return False
    end = -1
    for groups in (_ID_WHOLE, _ID_THREES, _ID_FOURS):
        end = _grouped_digits(codes, s, hi, classes, groups)
        if end >= 0:
            break
    if end < 0:
        return False
    if end < hi and classes[codes[end]] & _DIGIT:
        return False
    return not (
        (end < hi and (codes[end] == 0x2E or codes[end] == 0x2C))
        and end + 1 < hi
        and classes[codes[end + 1]] & _DIGIT
    )


@nb.njit(cache=True)
def _phone_may_match(codes, lo, hi, classes, word):
    """Whether ``_PHONE_RE`` or ``_ID_NUMBER_RE`` matches somewhere in ``codes[lo:hi]``: their
    alternatives tried at every "(", "+" and "0" (``re.finditer`` finds matches at no more places)."""
    plus84 = np.array([0x2B, 0x38, 0x34], np.uint32)
    zero084 = np.array([0x30, 0x30, 0x38, 0x34], np.uint32)
    paren84 = np.array([0x28, 0x2B, 0x38, 0x34, 0x29], np.uint32)
    bare84 = np.array([0x28, 0x38, 0x34, 0x29], np.uint32)  # "(84)"
    for s in range(lo, hi):
        c = codes[s]
        if c == 0x30:
            if _phone_number_at(codes, s + 1, hi, classes, word, False):
                return True
            if _id_number_at(codes, s, lo, hi, classes):
                return True
            if _starts_with(codes, s, hi, zero084) and _phone_number_at(
                codes, s + 4, hi, classes, word, True
            ):
                return True
        elif c == 0x2B:
            if _starts_with(codes, s, hi, plus84) and _phone_number_at(codes, s + 3, hi, classes, word, True):
                return True
        elif c == 0x28:
            if _starts_with(codes, s, hi, paren84) and _phone_number_at(
                codes, s + 5, hi, classes, word, True
            ):
                return True
            if _starts_with(codes, s, hi, bare84) and _phone_number_at(codes, s + 4, hi, classes, word, True):
                return True
            # "\(0[2-8]\d{0,2}\)[ .-]?\d(?:[ .-]?\d){6,7}" and the end of a number
            if s + 2 < hi and codes[s + 1] == 0x30 and 0x32 <= codes[s + 2] <= 0x38:
                j = s + 3
                for _ in range(2):
                    if j < hi and classes[codes[j]] & _DIGIT:
                        j += 1
                if j < hi and codes[j] == 0x29:
                    j += 1
                    if j < hi and (codes[j] == 0x20 or codes[j] == 0x2E or codes[j] == 0x2D):
                        j += 1
                    if j < hi and classes[codes[j]] & _DIGIT:
                        six = _separated_digits(codes, j + 1, hi, classes, 6)
                        if six >= 0:
                            if _phone_may_end(codes, six, hi, classes, word):
                                return True
                            seven = _separated_digits(codes, six, hi, classes, 1)
                            if seven >= 0 and _phone_may_end(codes, seven, hi, classes, word):
                                return True
    return False


# What a text may hold, for plain_rows to check (bits of plain_json_rows' ``checks``).
EMAIL_HINT = 1  # "@"
URL_HINT = 2  # "://", "www.", "WWW." or a "." before a top-level domain (_TLD_HINT_RE)
PHONE_HINT = 4  # a digit and _PHONE_WINDOW digits, spaces, dots or dashes (_PHONE_HINT_RE)
SUSPECT = 8  # mojibake: text_problem rejects the text (see _mojibake_at)


@nb.njit(cache=True)
def _tld_at(codes, i, hi, tlds, tld_bounds, letters, word):
    """Whether ``_TLD_HINT_RE`` (a "." then a top-level domain in any case, then ``\\b``)
    matches at ``codes[i]``, a ".": ``letters`` says which ASCII letters each character matches
    when case is ignored (bit 0 for "a"), ``word`` whether it is ``\\w``, both as the
    expressions read them (:func:`_regex_tables`). Every domain is tried, as the expression
    tries its alternatives."""
    for t in range(tld_bounds.size - 1):
        a, b = tld_bounds[t], tld_bounds[t + 1]
        after = i + 1 + b - a
        if after > hi:  # the domain would run past the text
            continue
        match = True
        for j in range(b - a):
            if not letters[codes[i + 1 + j]] & (np.uint32(1) << np.uint32(tlds[a + j] - 0x61)):
                match = False
                break
        if match and word[codes[after - 1]] != (after < hi and word[codes[after]]):
            return True
    return False


@nb.njit(cache=True)
def _mojibake_at(codes, i, lo, hi, table):
    """Whether ``tabular._MOJIBAKE_RE`` matches around ``codes[i]`` (a ``_CHECK`` character
    other than "@") in ``codes[lo:hi]``: a lead and a continuation character, or "á", a mark and
    a continuation.

    On a plain text this is all of ``text_problem``: its other reasons need a control character,
    U+FFFD or a lone surrogate, none of which such a text holds. Before, every text with one of
    these characters went to ``text_problem`` in Python, "Â" of capitals ("CÂU") above all: 2,566
    of the 33,709 VNTC articles, none of them mojibake.
    """
    if i + 1 >= hi or not table[codes[i + 1]] & _CONT:
        return False
    return bool(table[codes[i]] & _LEAD) or (i > lo and codes[i - 1] == _MARKED)


@nb.njit(cache=True)
def _hints(codes, lo, hi, table, classes, tlds, tld_bounds, letters, word):
    """The hints of personal data in ``codes[lo:hi]`` (bits ``EMAIL_HINT`` ...): those of the
    normaliser's batch scan (``_find_personal_data``'s), but no phone hint where ``_PHONE_RE``
    cannot match (most numbers: "1.500.000 đồng"), where its search would find nothing."""
    looks = np.empty(hi - lo, np.int64)
    n_looks = 0
    for i in range(lo, hi):
        if table[codes[i]] & _LOOKED_AT:
            looks[n_looks] = i
            n_looks += 1
    return _hints_at(codes, lo, hi, looks, n_looks, table, classes, tlds, tld_bounds, letters, word)


@nb.njit(cache=True)
def _hints_at(codes, lo, hi, looks, n_looks, table, classes, tlds, tld_bounds, letters, word):
    """:func:`_hints`, given the places ``looks[:n_looks]`` of the text's characters that are
    ``_LOOK`` or ``_CHECK``, in order. The decoder writes them down as it goes, without a
    branch, instead of this looking at every character again: :func:`plain_json_rows` takes
    9.8-10.2 µs a VNTC article against 10.9-11.3 (8,192 articles, best of 15, three
    alternating runs, 2026-12-03; with a branch in the decoder, 10.1-12.7)."""
    found = 0
    phones = False
    for q in range(n_looks):
        i = looks[q]
        c = codes[i]
        if c == 0x40:
            found |= EMAIL_HINT
            continue
        cls = classes[c]
        if cls & _COLON and i + 2 < hi and codes[i + 1] == 0x2F and codes[i + 2] == 0x2F:
            found |= URL_HINT
        elif cls & _WWW and i + 3 < hi and codes[i + 1] == c and codes[i + 2] == c and codes[i + 3] == 0x2E:
            found |= URL_HINT  # "www." or "WWW."
        elif cls & _DOT and _tld_at(codes, i, hi, tlds, tld_bounds, letters, word):
            found |= URL_HINT
        elif cls & _DIGIT and i + _PHONE_WINDOW < hi:
            run = True
            for j in range(i + 1, i + _PHONE_WINDOW + 1):
                if not classes[codes[j]] & _PHONE_RUN:
                    run = False
                    break
            if run:
                found |= PHONE_HINT
                phones = True
        if table[c] & _CHECK and _mojibake_at(codes, i, lo, hi, table):
            found |= SUSPECT
    if phones and not _phone_may_match(codes, lo, hi, classes, word):
        found &= ~PHONE_HINT
    return found


@nb.njit(cache=True)
def plain_json_rows(buf, bounds, text_key, id_key, table, classes, tlds, tld_bounds, letters, word, codes):
    """Read the lines ``buf[bounds[r]:bounds[r + 1]]`` that are plain rows (see the module).

    Args:
        buf: The lines' bytes, one after the other (uint8).
        bounds: Where each line starts, and one past the last (int64).
        text_key, id_key: The names of the text and id columns, UTF-8 (uint8); an empty id key:
            the rows have no id column (a row is named by its number).
        table: Per code point of the BMP, its bits of :func:`_plain_table`.
        classes: The normaliser's classes of each code point (``_batch_tables()[0]``).
        tlds, tld_bounds: The top-level domains of ``_TLD_HINT_RE``, one after the other (ASCII
            codes), and where each starts (and one past the last).
        letters, word: The tables of :func:`_regex_tables`.
        codes: Room for the texts' code points (uint32, at least ``buf.size``).

    Returns:
        ``(kinds, checks, id_lo, id_hi, text_lo, text_hi, other_row, other_lo, other_hi)``: per
        line its id's kind (:data:`NOT_PLAIN` for a line to read the usual way), what its text
        must be checked for (bits ``EMAIL_HINT`` ...: :func:`plain_rows` does), where its id's
        bytes are in ``buf`` and where its text's code points are in ``codes``; and for each
        column of a plain line that is not read, in order, its line and where its name is.
    """
    n = bounds.size - 1
    true = np.array([0x74, 0x72, 0x75, 0x65], np.uint8)
    false = np.array([0x66, 0x61, 0x6C, 0x73, 0x65], np.uint8)
    null = np.array([0x6E, 0x75, 0x6C, 0x6C], np.uint8)
    other_row = np.zeros(n * _MAX_OTHER, np.int64)
    other_lo = np.zeros(n * _MAX_OTHER, np.int64)
    other_hi = np.zeros(n * _MAX_OTHER, np.int64)
    n_other = 0
    kinds = np.zeros(n, np.int8)
    checks = np.zeros(n, np.uint8)
    id_lo = np.zeros(n, np.int64)
    id_hi = np.zeros(n, np.int64)
    text_lo = np.zeros(n, np.int64)
    text_hi = np.zeros(n, np.int64)
    w = 0
    longest = 0
    for r in range(n):
        longest = max(longest, bounds[r + 1] - bounds[r])
    looks = np.empty(longest + 1, np.int64)  # a text's characters that _hints_at looks at
    spare_looks = np.empty(longest + 1, np.int64)  # those of the columns not read
    n_looks = 0
    for r in range(n):
        end = bounds[r + 1]
        if end - bounds[r] > MAX_TEXT_BYTES:
            continue
        i = _skip_space(buf, bounds[r], end)
        if i >= end or buf[i] != 0x7B:
            continue
        i += 1
        kind = NO_ID if id_key.size == 0 else NOT_PLAIN
        has_text = False
        bits = np.uint8(0)
        start = w
        others = n_other
        ok = True
        while ok:
            i = _skip_space(buf, i, end)
            close = _string_end(buf, i, end)
            if close < 0:
                ok = False
                break
            key_lo = i + 1
            i = _skip_space(buf, close + 1, end)
            if i >= end or buf[i] != 0x3A:
                ok = False
                break
            i = _skip_space(buf, i + 1, end)
            if not has_text and _same_bytes(buf, key_lo, close, text_key):
                i, w, bits, n_looks = _decode_text(buf, i, end, codes, w, table, looks)
                has_text = i >= 0
                ok = has_text
            elif kind == NOT_PLAIN and _same_bytes(buf, key_lo, close, id_key):
                kind, lo, hi, i = _id_value(buf, i, end)
                id_lo[r] = lo
                id_hi[r] = hi
                ok = kind != NOT_PLAIN
            elif (
                not _same_bytes(buf, key_lo, close, text_key)
                and not _same_bytes(buf, key_lo, close, id_key)
                and n_other < other_lo.size
                # (decoded past the text, which keeps its characters and its looks)
                and _decode_text(buf, key_lo - 1, close + 1, codes, w, table, spare_looks)[0] >= 0  # UTF-8
            ):
                # A column that is not read, holding a string (of the escapes read here), a
                # number, true, false or null: its name is kept, its value skipped
                b = buf[i] if i < end else 0
                if b == 0x22:
                    i = _decode_text(buf, i, end, codes, w, table, spare_looks)[0]
                elif b == 0x74:
                    i = _literal_end(buf, i, end, true)
                elif b == 0x66:
                    i = _literal_end(buf, i, end, false)
                elif b == 0x6E:
                    i = _literal_end(buf, i, end, null)
                else:
                    i = _number_end(buf, i, end)
                ok = i >= 0
                other_row[n_other] = r
                other_lo[n_other] = key_lo
                other_hi[n_other] = close
                n_other += 1
            else:
                ok = False
            if not ok:
                break
            i = _skip_space(buf, i, end)
            if i < end and buf[i] == 0x2C:
                i += 1
                continue
            if i < end and buf[i] == 0x7D:
                i = _skip_space(buf, i + 1, end)
                ok = i == end and has_text and kind != NOT_PLAIN
            else:
                ok = False
            break
        if ok and bits & _WORD and not bits & _BAD:
            kinds[r] = kind
            if bits & (_CHECK | _LOOK):
                checks[r] = _hints_at(
                    codes, start, w, looks, n_looks, table, classes, tlds, tld_bounds, letters, word
                )
            text_lo[r] = start
            text_hi[r] = w
        else:
            w = start
            n_other = others
    return (
        kinds,
        checks,
        id_lo,
        id_hi,
        text_lo,
        text_hi,
        other_row[:n_other],
        other_lo[:n_other],
        other_hi[:n_other],
    )


@dataclass(frozen=True, slots=True)
class PlainRows:
    """The plain rows of a chunk of lines (see :func:`plain_rows`)."""

    positions: list[int]  # of each plain row among the lines, in order
    ids: list[str]  # its id as RowValidator gives it (empty: the rows have no id column)
    codes: np.ndarray  # the texts' code points, apart by a zero (none after the last)
    starts: np.ndarray  # where each text starts in codes, and codes.size + 1 (int64)
    unknown: dict[int, list[str]]  # the columns not read of the plain rows that have any, by position


@lru_cache(maxsize=1)
def _plain_table() -> np.ndarray:
    """Per code point of the BMP, what :func:`plain_json_rows` makes of it (bits ``_WORD`` ...),
    then per code point from ``_PICTOGRAPHS_FROM`` to ``_PICTOGRAPHS_TO`` whether it is a
    ``_PICTOGRAPH``."""
    classes = _batch_tables()[0][:0x10000]
    fold = kernels.folding(True).table[:0x10000]
    table = np.zeros(0x10000, dtype=np.uint8)
    table[fold >= 0] |= _WORD
    table[(classes & (_ODD | _NFC_SUSPECT)) != 0] |= _BAD
    table[fold == kernels.SPECIAL] |= _BAD
    table[[ord("_"), 0x7F, 0xFFFD]] |= _BAD
    table[ord("_")] &= ~np.uint8(_WORD)
    # text_problem's suspects past the control characters (which only escapes spell): read by it
    table[[ord(c) for c in MOJIBAKE_LEADS + MOJIBAKE_MARKS + "@"]] |= _CHECK
    # text typed in TCVN3 fonts, which text_problem weighs as a whole (0.47 % of VNTC articles and
    # 0.11 % of TC201805 leads have such a character)
    table[[ord(c) for c in TCVN3_TELLS]] |= _BAD
    table[[ord(c) for c in MOJIBAKE_LEADS]] |= _LEAD
    table[[m.start() for m in re.finditer(f"[{_MOJIBAKE_CONT}]", plane_string())]] |= _CONT
    table[(classes & (_DIGIT | _DOT | _COLON | _WWW)) != 0] |= _LOOK
    table[(table & (_LOOK | _CHECK)) != 0] |= _LOOKED_AT
    pictographs = [_PICTOGRAPH if _pictograph(c) else 0 for c in range(_PICTOGRAPHS_FROM, _PICTOGRAPHS_TO)]
    return np.concatenate((table, np.array(pictographs, dtype=np.uint8)))


# Each thread reuses one buffer for the texts' code points, grown as chunks need (a fresh one of
# a chunk's size, about 23 MB for 2,048 VNTC articles, is a page fault every 4 KB).
_BUFFERS = threading.local()


def plain_rows(lines: Sequence[bytes], text_field: str, id_field: str | None) -> PlainRows:
    """The lines of a chunk that are plain rows, their ids and their texts' code points.

    Texts with a hint of personal data or a character :func:`~duluan.analysis.tabular.text_problem`
    looks further at are checked here by the normaliser's and the row checks' own functions: a
    row with a problem is left out, and personal data is masked as the normaliser masks it.

    Args:
        lines: Non-blank lines of a JSONL file, undecoded.
        text_field: The text column.
        id_field: The id column, or ``None`` when rows are named by their number.
    """
    from duluan.analysis.normalise import _find_personal_data, _mask
    from duluan.analysis.tabular import text_problem

    none = PlainRows([], [], np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), {})
    text_key = _json_key(text_field)
    id_key = np.zeros(0, dtype=np.uint8) if id_field is None else _json_key(id_field)
    if text_key is None or id_key is None or text_field == id_field or not lines:
        return none  # (one column for both: json keeps its last value, this reader the first)
    raw = b"".join([*lines, b"\0\0\0"])  # three bytes more: see _decode_run
    buf = np.frombuffer(raw, dtype=np.uint8)
    bounds = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) for line in lines], out=bounds[1:])
    codes = getattr(_BUFFERS, "codes", None)
    if codes is None or codes.size < buf.size:
        codes = _BUFFERS.codes = np.empty(buf.size, dtype=np.uint32)
    kinds, checks, id_lo, id_hi, text_lo, text_hi, other_row, other_lo, other_hi = plain_json_rows(
        buf,
        bounds,
        text_key,
        id_key,
        _plain_table(),
        _batch_tables()[0],
        *_tld_codes(),
        *_regex_tables(),
        codes,
    )
    positions = np.flatnonzero(kinds).tolist()
    masked: dict[int, np.ndarray] = {}  # the code points of texts with personal data, masked
    dropped = set()
    for p in np.flatnonzero(checks).tolist():
        found = int(checks[p])
        text = codes[text_lo[p] : text_hi[p]].tobytes().decode("utf-32-le")
        if found & SUSPECT and text_problem(text):
            dropped.add(p)
            continue
        hints = (bool(found & EMAIL_HINT), bool(found & URL_HINT), bool(found & PHONE_HINT))
        personal = _find_personal_data(text, hints) if any(hints) else []
        if personal:  # masked as _normalise_batch masks it
            text = unicodedata.normalize("NFC", _mask(text, personal))
            masked[p] = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if dropped:
        positions = [p for p in positions if p not in dropped]
    if not positions:
        return none
    # The kept texts (masked where masked), each followed by a zero but the last.
    texts = [masked[p] if p in masked else codes[text_lo[p] : text_hi[p]] for p in positions]
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([t.size + 1 for t in texts], out=starts[1:])
    joined = kernels.joined_codes(texts)
    ids = [raw[lo:hi].decode("ascii") for lo, hi in zip(id_lo[positions].tolist(), id_hi[positions].tolist())]
    kept = set(positions)
    unknown: dict[int, list[str]] = {}
    for p, lo, hi in zip(other_row.tolist(), other_lo.tolist(), other_hi.tolist(), strict=True):
        if p not in kept:
            continue
        names = unknown.setdefault(p, [])
        name = raw[lo:hi].decode("utf-8")
        if name not in names:  # a name given twice is one column (json keeps the last value)
            names.append(name)
    return PlainRows(positions, ids if id_field is not None else [], joined, starts, unknown)


def _pictograph(code: int) -> bool:
    """Whether normalising reads the character beyond the plane as punctuation and leaves it as
    it is, as it reads :data:`_SYMBOL`: no letter or digit (``normalise._plain_astral``), and
    nothing NFC changes."""
    char = chr(code)
    return (
        not char.isalnum() and unicodedata.normalize("NFC", char) == char and not unicodedata.combining(char)
    )


@lru_cache(maxsize=1)
def _regex_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point of the BMP, the ASCII letters it matches when case is ignored (bit 0: "a";
    "ſ" matches "s", "K" "k") and whether it is ``\\w``, as Python's expressions read them."""
    bmp = plane_string()
    letters = np.zeros(0x10000, dtype=np.uint32)
    # The few characters that match a letter (56), each then tried against every letter: one
    # pass over the plane instead of one a letter (11.0 -> 1.5 ms in every worker, 2026-12-03).
    for m in re.finditer("(?i:[a-z])", bmp):
        for k, letter in enumerate("abcdefghijklmnopqrstuvwxyz"):
            if re.fullmatch(f"(?i:{letter})", m.group()):
                letters[m.start()] |= np.uint32(1 << k)
    word = np.zeros(0x10000, dtype=np.bool_)
    for m in re.finditer(r"\w+", bmp):
        word[m.start() : m.end()] = True
    return letters, word


@lru_cache(maxsize=1)
def _tld_codes() -> tuple[np.ndarray, np.ndarray]:
    """The top-level domains of the normaliser's URL hint, for :func:`_tld_at`."""
    tlds = _TLDS.split("|")
    codes = np.frombuffer("".join(tlds).encode("ascii"), dtype=np.uint8).astype(np.int64)
    bounds = np.zeros(len(tlds) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in tlds], out=bounds[1:])
    return codes, bounds


def _json_key(name: str) -> np.ndarray | None:
    """A column's name as a JSON string's bytes without escapes, or ``None`` if it needs one."""
    raw = name.encode("utf-8")
    if not raw or any(b < 0x20 or b in b'"\\' for b in raw):
        return None
    return np.frombuffer(raw, dtype=np.uint8).copy()
