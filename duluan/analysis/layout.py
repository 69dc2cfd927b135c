"""Layout features: what a text's form says beside its words.

A text's syllables say what it is about; its form says where it comes from. News sections are
a newspaper's own: VNTC's labels are the sections of four newspapers, and each files alike
articles under different sections (Đời sống is 23 % of Thanh Niên's training articles and
under 1 % of Người Lao Động's). The papers also write differently: a title on a line of its
own or none, curly or straight quotes, dates as 26-1, 13/3 or 14.3.2006. The n-gram featurizer
sees none of this (it reads runs of word characters), so a linear model cannot tell two
papers' alike articles apart by it.

:func:`layout_values` measures :data:`N_LAYOUT` such facts per text, from its code points:

====  ==========================================================================================
0     length in characters
1     where the first line break stands (-1: none)
2     whether the first character is a capital
3     capitals per 1,000 characters
4-    each of :data:`MARKS` per 1,000 characters, then its count in the first :data:`HEAD`
      characters
then  each digit-separator-digit of :data:`NUMBER_SEPARATORS` ("26-1", "13/3", "67.000", "6,5",
      "7:30") per 1,000 characters, then its count in the first :data:`HEAD` characters
====  ==========================================================================================

:class:`LayoutBins` cuts each into at most :data:`BINS` bins at the training texts' quantiles,
so that a linear model reads each fact as one of a few indicator features (a paper writes
"none", "a few" or "many" curly quotes) rather than as a number it could only weigh linearly.

Measured with the topic model's syllable n-grams and a LinearSVC (C=1), indicator weight 0.04 /
0.06 / 0.09 against none (15 % dev splits, stratified; ``bench/bench_domains.py`` measures the
papers' effect itself), 2026-12-03: VNTC accuracy, seed 0, 93.47 -> 93.91 / 93.93 / 93.93;
seed 1, 92.84 -> 93.45 / 93.36 / 93.32; TC201805 macro-F1, seed 0, 82.27 -> 82.51 / 82.58 /
82.59.

The values come from numpy (:func:`layout_values`) or, where the compiled loops are loaded
anyway, from :func:`layout_values_compiled`: the same values to the last bit
(``test_layout.py`` checks it), one pass over the characters instead of a few dozen numpy
passes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from duluan.analysis.model_io import model_part

__all__ = [
    "BINS",
    "CASE_VALUES",
    "HEAD",
    "LAYOUT_WEIGHT",
    "MARKS",
    "NUMBER_SEPARATORS",
    "N_LAYOUT",
    "LayoutBins",
    "layout_code_table",
    "layout_tables",
    "layout_values",
    "layout_values_compiled",
    "layout_values_from_codes",
    "layout_values_of",
    "texts_as_codes",
]

MARKS = "“”\"'‘’–—-…()[]:;!?/,.%\n"
NUMBER_SEPARATORS = "-/.,:"
HEAD = 400
BINS = 6
# The value of an indicator beside a text's n-grams in the topic model (its default
# ``layout_weight``), the middle of the three measured below.
LAYOUT_WEIGHT = 0.05
# The values that say how a text is capitalised: whether its first character is a capital, and
# capitals per 1,000 characters. A mood does not depend on them (see CASE_VALUES' use in
# duluan.analysis.sentiment), a newspaper's style does.
CASE_VALUES = (2, 3)
_MARKS_AT = 4
_NUMBERS_AT = _MARKS_AT + 2 * len(MARKS)
N_LAYOUT = _NUMBERS_AT + 2 * len(NUMBER_SEPARATORS)
# numpy takes about 140 ns a character (dozens of passes over the batch; 297 µs a VNTC article),
# the compiled loop 3 (6.5 µs), and importing numba and its cached loop about half a second:
# texts of this many characters are read by the loop even where nothing else loaded it.
_COMPILED_MIN_CODES = 1 << 22
# Code points past the Basic Multilingual Plane (emoji) are read as this one: no mark, no capital.
_BMP = 0x10000


@lru_cache(maxsize=1)
def layout_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point of the Basic Multilingual Plane: its mark's number (1-based; 0 for none),
    whether it is a capital (``str.isupper``), and its number separator's number (1-based)."""
    marks = np.zeros(_BMP, dtype=np.int64)
    for k, char in enumerate(MARKS, 1):
        marks[ord(char)] = k
    capitals = np.fromiter((chr(c).isupper() for c in range(_BMP)), dtype=np.float64, count=_BMP)
    separators = np.zeros(_BMP, dtype=np.int64)
    for k, char in enumerate(NUMBER_SEPARATORS, 1):
        separators[ord(char)] = k
    return marks, capitals, separators


@lru_cache(maxsize=1)
def layout_code_table() -> np.ndarray:
    """:func:`layout_tables` in one uint16 per code point, for the compiled loop: the mark's
    number in bits 0-4, 32 for a capital, the number separator's number from bit 6."""
    marks, capitals, separators = layout_tables()
    return (marks | (capitals.astype(np.int64) << 5) | (separators << 6)).astype(np.uint16)


def layout_values_compiled(codes: np.ndarray, n: int) -> np.ndarray:
    """:func:`layout_values` by the compiled loop (:func:`duluan.analysis.kernels.layout_counts`:
    numba, imported here)."""
    from duluan.analysis import kernels

    return kernels.layout_counts(codes, n, layout_code_table(), HEAD, len(MARKS), len(NUMBER_SEPARATORS))


def texts_as_codes(texts: Sequence[str]) -> np.ndarray:
    """The code points of texts (uint32), apart by a zero (a zero in a text is read as a space)."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:  # (one look at the whole batch, not one per text)
        joined = "\0".join(t.replace("\0", " ") for t in texts)
    return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def layout_values_of(texts: Sequence[str]) -> np.ndarray:
    """:func:`layout_values` of texts: by the compiled loop where this process has loaded the
    compiled loops or the texts are long (the values are the same), else by numpy."""
    return layout_values_from_codes(texts_as_codes(texts), len(texts))


def layout_values_from_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """:func:`layout_values` of ``n`` texts given as :func:`texts_as_codes`: by the compiled loop
    where this process has loaded the compiled loops or the texts are long, else by numpy."""
    if "duluan.analysis.kernels" in sys.modules or codes.size >= _COMPILED_MIN_CODES:
        return layout_values_compiled(codes, n)
    return layout_values(codes, n)


def layout_values(codes: np.ndarray, n: int) -> np.ndarray:
    """The layout of ``n`` texts given as their code points apart by a zero.

    Args:
        codes: uint32 code points; ``n - 1`` zeros (none for one text).
        n: How many texts.

    Returns:
        ``(n, N_LAYOUT)`` float64, the columns described in the module's table.
    """
    marks, capitals, separators = layout_tables()
    out = np.zeros((n, N_LAYOUT), dtype=np.float64)
    if n == 0:
        return out
    is_break = codes == 0
    text = np.cumsum(is_break, dtype=np.int64)
    starts = np.concatenate(([0], np.flatnonzero(is_break) + 1))
    lengths = np.diff(np.append(starts, codes.size + 1)) - 1
    position = np.arange(codes.size, dtype=np.int64) - starts[text]
    bmp = np.where(codes < _BMP, codes, 0).astype(np.int64)
    head = position < HEAD
    size = lengths + 1.0
    out[:, 0] = lengths
    newline = np.flatnonzero(bmp == 10)
    out[:, 1] = -1.0
    if newline.size:
        first_text, first_at = np.unique(text[newline], return_index=True)
        out[first_text, 1] = position[newline[first_at]]
    nonempty = lengths > 0
    out[nonempty, 2] = capitals[bmp[starts[nonempty]]]
    out[:, 3] = np.bincount(text, weights=capitals[bmp], minlength=n) * 1000.0 / size

    def counted(kinds: np.ndarray, k: int, at: int) -> None:
        width = k + 1
        whole = np.bincount(text * width + kinds, minlength=n * width).reshape(n, width)[:, 1:]
        first = np.bincount(text[head] * width + kinds[head], minlength=n * width).reshape(n, width)[:, 1:]
        out[:, at : at + k] = whole * 1000.0 / size[:, None]
        out[:, at + k : at + 2 * k] = first

    counted(marks[bmp], len(MARKS), _MARKS_AT)
    between = np.zeros(codes.size, dtype=np.int64)
    if codes.size > 2:
        digits = (codes >= 48) & (codes <= 57)
        middle = separators[bmp[1:-1]]
        between[1:-1] = np.where(digits[:-2] & digits[2:], middle, 0)
    counted(between, len(NUMBER_SEPARATORS), _NUMBERS_AT)
    return out


@model_part
class LayoutBins:
    """Each layout value cut into at most :data:`BINS` bins at quantiles of the training texts,
    read as one indicator column per value.

    Attributes:
        edges: ``(N_LAYOUT, BINS - 1)`` float64, each value's distinct quantile edges, then
            ``inf``; a value goes to the bin of the first edge not below it.
    """

    def __init__(self, edges: np.ndarray) -> None:
        self.edges = edges

    @classmethod
    def fit(cls, values: np.ndarray, ignore: Sequence[int] = ()) -> LayoutBins:
        """The bins of training texts' layout values (``(n, N_LAYOUT)``); the values of
        ``ignore`` (e.g. :data:`CASE_VALUES`) get one bin, which every text is in: they say
        nothing of a text."""
        quantiles = np.quantile(values, np.arange(1, BINS) / BINS, axis=0)
        edges = np.full((values.shape[1], BINS - 1), np.inf)
        for k in range(values.shape[1]):
            if k not in ignore:
                distinct = np.unique(quantiles[:, k])
                edges[k, : distinct.size] = distinct
        return cls(edges)

    @property
    def n_columns(self) -> int:
        """Indicator columns in all: :data:`BINS` per value (some never used)."""
        return self.edges.shape[0] * BINS

    def columns(self, values: np.ndarray) -> np.ndarray:
        """Each text's indicator column of each value: ``(n, N_LAYOUT)`` int64."""
        found = np.empty(values.shape, dtype=np.int64)
        for k in range(values.shape[1]):
            found[:, k] = np.searchsorted(self.edges[k], values[:, k], side="left") + k * BINS
        return found

    def matrix(self, values: np.ndarray, weight: float):
        """The indicators as a CSR matrix of ``n_columns`` columns, each set one ``weight``."""
        import scipy.sparse as sp

        columns = self.columns(values)
        n, k = columns.shape
        data = np.full(n * k, weight, dtype=np.float64)
        return sp.csr_matrix(
            (data, columns.ravel(), np.arange(0, n * k + 1, k, dtype=np.int64)), shape=(n, self.n_columns)
        )
