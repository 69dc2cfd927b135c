"""Sign features: the emoji a text holds, which its n-grams never see.

The n-gram featurizer reads runs of letters and digits, and the layout (:mod:`duluan.analysis.layout`)
reads punctuation, so a comment of "😡😡😡" or "👍👍" is, to a model, a text of nothing: the shipped
sentiment model read both as neutral (0.97). People write so under posts and in chats, and shoppers'
reviews show what the signs say: of AIVIVN's labelled reviews, 165 hold "❤" and all are positive, 97
of 99 with "👍", 5 of 6 with "😡" negative, 5 of 5 with "👎".

:class:`SignColumns` gives each sign seen in at least ``min_count`` training texts a column: an
indicator, set once per text that holds it, which a linear model weighs beside the n-grams. A sign
is a code point of the Miscellaneous Symbols and Dingbats blocks (U+2600-U+27BF: "☹", "❤", "✌") or
of the emoji blocks (U+1F000-U+1FAFF); skin-tone modifiers, variation selectors and joiners say
nothing of a mood and are not signs, so "👍🏻" is "👍". Signs are found in the texts' code points
(:func:`~duluan.analysis.layout.texts_as_codes`), which the layout reads too: a batch without any
costs one numpy comparison over them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from duluan.analysis.model_io import model_part

__all__ = ["SIGN_RANGES", "SignColumns", "signs_in_codes"]

# [start, end) of the code points that are signs; skin-tone modifiers are taken out below.
SIGN_RANGES = ((0x2600, 0x27C0), (0x1F000, 0x1FB00))
_MODIFIERS = (0x1F3FB, 0x1F400)


def signs_in_codes(codes: np.ndarray) -> dict[int, tuple[int, ...]]:
    """The distinct signs of texts given as their code points apart by a zero
    (:func:`~duluan.analysis.layout.texts_as_codes`): text number -> its signs in order of code
    point, for the texts that hold one (most hold none)."""
    candidates = np.flatnonzero(codes >= SIGN_RANGES[0][0])
    if candidates.size == 0:
        return {}
    picked = codes[candidates]
    keep = np.zeros(picked.size, dtype=bool)
    for start, end in SIGN_RANGES:
        keep |= (picked >= start) & (picked < end)
    keep &= (picked < _MODIFIERS[0]) | (picked >= _MODIFIERS[1])
    if not keep.any():
        return {}
    at = candidates[keep]
    texts = np.searchsorted(np.flatnonzero(codes == 0), at)  # each zero ends a text
    per_text: dict[int, set[int]] = {}
    for text, code in zip(texts.tolist(), codes[at].tolist(), strict=True):
        per_text.setdefault(text, set()).add(code)
    return {text: tuple(sorted(signs)) for text, signs in per_text.items()}


@model_part
class SignColumns:
    """The signs a model reads, each its own indicator column.

    Attributes:
        columns: Sign (a code point) -> its column, from 0.
    """

    def __init__(self, columns: dict[int, int]) -> None:
        self.columns = columns

    @classmethod
    def fit(
        cls, signs: dict[int, tuple[int, ...]], min_count: int = 2, unread: Iterable[int] = ()
    ) -> SignColumns:
        """The signs held by at least ``min_count`` of the training texts (their
        :func:`signs_in_codes`) but those ``unread``, numbered in order of code point."""
        counts = Counter(sign for held in signs.values() for sign in held)
        skipped = frozenset(unread)
        kept = sorted(sign for sign, count in counts.items() if count >= min_count and sign not in skipped)
        return cls({sign: k for k, sign in enumerate(kept)})

    @property
    def n_columns(self) -> int:
        """How many signs are read."""
        return len(self.columns)

    def _cells(self, signs: dict[int, tuple[int, ...]]) -> Iterable[tuple[int, list[int]]]:
        """Each text that holds a sign this model reads, with the columns of those it holds."""
        for row, held in signs.items():
            cols = [c for c in map(self.columns.get, held) if c is not None]
            if cols:
                yield row, cols

    def matrix(self, signs: dict[int, tuple[int, ...]], n: int, weight: float):
        """The indicators of ``n`` texts as a CSR matrix of :attr:`n_columns` columns, each set
        ``weight``."""
        import scipy.sparse as sp

        rows, cols = [], []
        for row, held in self._cells(signs):
            rows.extend([row] * len(held))
            cols.extend(held)
        data = np.full(len(rows), weight, dtype=np.float64)
        return sp.csr_matrix((data, (rows, cols)), shape=(n, self.n_columns))

    def part(self, signs: dict[int, tuple[int, ...]], n: int, coef: np.ndarray) -> np.ndarray | None:
        """Each of ``n`` texts' part of the margins from the signs it holds (``coef``: one row
        of weights per column, already times the indicator's value), or ``None`` when no text
        holds a sign this model reads."""
        part = None
        for row, cols in self._cells(signs):
            if part is None:
                part = np.zeros((n, coef.shape[1]), dtype=np.float32)
            part[row] = coef[cols].sum(axis=0, dtype=np.float32)
        return part
