"""Fast, deterministic n-gram features for Vietnamese text classifiers.

:class:`NgramFeaturizer` turns a batch of texts into an L2-normalised, sublinear TF-IDF sparse
matrix over syllable n-grams (and optionally character n-grams), with every step after the
regular-expression split done in numpy over the whole batch. That is what lets a linear model
classify tens of thousands of news leads per second on one core, where scikit-learn's
``HashingVectorizer`` spends most of its time joining n-gram strings in Python.

Syllables are mapped to integer ids through a vocabulary learned in :meth:`NgramFeaturizer.fit`
(unseen syllables carry no learned weight, so they are dropped); n-gram keys are built from
those ids and hashed with a fixed 64-bit mixer into ``n_features`` buckets, so the model stores
no n-gram vocabulary and hashing is identical in every process (unlike Python's ``hash``).
Because each bucket is computed from positions in the batch, :meth:`NgramFeaturizer.explain`
can name the exact words that weighed most for a document without a reverse map.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import scipy.sparse as sp

from duluan.analysis.normalise import canonical_tones

# A private separator between documents of a batch; it can never be a syllable.
_DOC_SEP = "\x00"
_TOKEN_RE = re.compile(r"\w+|\x00")
# Everything that is not a letter or digit becomes one space for character n-grams.
_NON_WORD_RE = re.compile(r"(?:[^\w\x00]|_)+")
_BITS = 21  # syllable ids fit in 21 bits, so three of them fit in one 64-bit key
_MAX_VOCAB = (1 << _BITS) - 2
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


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
    width = dtype(n_cols)
    key = np.asarray(rows).astype(dtype) * width + np.asarray(cols).astype(dtype)
    key.sort()
    first = np.ones(key.size, dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    unique = key[starts]
    counts = np.diff(np.append(starts, key.size)).astype(np.float32)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount((unique // width).astype(np.int64), minlength=n_rows), out=indptr[1:])
    index_dtype = np.int32 if n_cols <= np.iinfo(np.int32).max else np.int64
    matrix = sp.csr_matrix((counts, (unique % width).astype(index_dtype), indptr), shape=(n_rows, n_cols))
    matrix.has_sorted_indices = True
    matrix.has_canonical_format = True
    return matrix


def _mix64(keys: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: a fixed, well-spread integer hash."""
    k = keys.astype(np.uint64, copy=True)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xFF51AFD7ED558CCD)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xC4CEB9FE1A85EC53)
    k ^= k >> np.uint64(33)
    return k


@dataclass(frozen=True)
class _Batch:
    """N-gram occurrences of one batch, before they are counted into a matrix."""

    n_docs: int
    word_doc: np.ndarray  # document of each word n-gram occurrence
    word_feat: np.ndarray  # its bucket
    word_start: np.ndarray  # index of its first token in ``tokens``
    word_n: np.ndarray  # its length in syllables
    tokens: list[str]
    char_doc: np.ndarray
    char_feat: np.ndarray
    char_start: np.ndarray  # offset of its first character in ``chars``
    char_n: np.ndarray
    chars: str
    # Each word occurrence's bucket without the lead salt, so that the lead and body buckets of
    # one n-gram can be told to be the same words.
    word_plain: np.ndarray | None = None


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
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.n_word_features = n_word_features
        self.n_char_features = n_char_features
        self.min_count = min_count
        self.char_weight = char_weight
        self.lead_tokens = lead_tokens

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
        texts = list(texts)
        lo, hi = self.word_ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError("word_ngram_range must lie within (1, 3)")
        freq: Counter[str] = Counter()
        for start in range(0, len(texts), 4096):
            freq.update(_TOKEN_RE.findall(self._join(texts[start : start + 4096])))
        freq.pop(_DOC_SEP, None)
        # Spellings that differ only in tone placement ("hoà", "hòa") share one id.
        canonical = {tok: canonical_tones(tok) for tok in freq}
        merged: Counter[str] = Counter()
        for tok, c in freq.items():
            merged[canonical[tok]] += c
        kept = [tok for tok, c in merged.most_common(_MAX_VOCAB) if c >= self.min_count]
        ids = {tok: i for i, tok in enumerate(kept)}
        self.vocabulary_ = {tok: ids[canon] for tok, canon in canonical.items() if canon in ids}
        self.vocabulary_.update(ids)
        self.vocabulary_[_DOC_SEP] = -2
        blocks = [self._counts(self._analyse(texts[s : s + 4096])) for s in range(0, len(texts), 4096)]
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

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return the L2-normalised sublinear TF-IDF matrix of ``texts``.

        Args:
            texts: Texts to featurise.

        Returns:
            A ``(len(texts), n_features_)`` CSR matrix of float32.
        """
        return self._weigh(self._counts(self._analyse(texts)))

    def explain(
        self, texts: Sequence[str], weights: np.ndarray, columns: np.ndarray, top: int = 5
    ) -> list[tuple[tuple[str, float], ...]]:
        """Name, for each text, the n-grams whose feature value times weight is largest.

        Args:
            texts: Texts to explain.
            weights: ``(n_features_, n_columns)`` weights, e.g. a linear model's coefficients.
            columns: For each text, the column of ``weights`` to explain (its predicted class).
            top: How many terms to return per text.

        Returns:
            One tuple of ``(term, contribution)`` pairs per text, largest first, positive only.
        """
        x, batch = self.transform_batch(texts)
        return self.explain_matrix(x, batch, weights, columns, top)

    def transform_batch(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, _Batch]:
        """Like :meth:`transform`, also returning the n-gram occurrences for :meth:`explain_matrix`.

        Args:
            texts: Texts to featurise.

        Returns:
            ``(matrix, batch)``.
        """
        batch = self._analyse(texts)
        return self._weigh(self._counts(batch)), batch

    def explain_matrix(
        self, x: sp.csr_matrix, batch: _Batch, weights: np.ndarray, columns: np.ndarray, top: int = 5
    ) -> list[tuple[tuple[str, float], ...]]:
        """:meth:`explain` on a matrix already computed by :meth:`transform_batch` (no second pass).

        Args:
            x: The matrix.
            batch: Its n-gram occurrences.
            weights: ``(n_features_, n_columns)`` weights.
            columns: Column of ``weights`` to explain, per row.
            top: Terms per row.

        Returns:
            As :meth:`explain`.
        """
        n_rows = x.shape[0]
        rows = np.repeat(np.arange(n_rows), np.diff(x.indptr))
        contrib = x.data * weights[x.indices, np.asarray(columns)[rows]]
        # Officials read words: character n-grams count in the score but are not named.
        keep = (contrib > 0) & (x.indices < self.n_word_features)
        rows, feats, contrib = rows[keep], x.indices[keep].astype(np.int64), contrib[keep]
        # The best candidates of every row at once (row ascending, contribution descending):
        # a per-row argpartition and lookup in Python cost more than the whole prediction. With
        # lead features an n-gram can fill two buckets, so twice ``top`` candidates are taken and
        # the contributions of the same words added up below.
        order = np.lexsort((-contrib, rows))
        rows, feats, contrib = rows[order], feats[order], contrib[order]
        rank = np.arange(rows.size) - np.searchsorted(rows, np.arange(n_rows))[rows]
        best = rank < 2 * top
        rows, feats, contrib = rows[best], feats[best], contrib[best]
        # Name each candidate by one occurrence of its bucket in its document.
        word_key = batch.word_doc * self.n_features_ + batch.word_feat
        w_order = np.argsort(word_key, kind="stable")
        w_sorted = word_key[w_order]
        keys = rows * self.n_features_ + feats
        at = np.minimum(np.searchsorted(w_sorted, keys), max(w_sorted.size - 1, 0))
        found = w_sorted[at] == keys if w_sorted.size else np.zeros(keys.size, dtype=bool)
        rows, contrib, occ = rows[found], contrib[found], w_order[at[found]]
        plain = feats[found] if batch.word_plain is None else batch.word_plain[occ]
        # Add up the lead and body buckets of the same words among the candidates, and keep the
        # best ``top`` of each row, still for the whole batch at once.
        merged, inverse = np.unique(rows * self.n_word_features + plain, return_inverse=True)
        total = np.bincount(inverse, weights=contrib, minlength=merged.size)
        named_by = np.empty(merged.size, dtype=np.int64)
        named_by[inverse] = occ
        m_rows = merged // self.n_word_features
        order = np.lexsort((-total, m_rows))
        m_rows, total, named_by = m_rows[order], total[order], named_by[order]
        rank = np.arange(m_rows.size) - np.searchsorted(m_rows, np.arange(n_rows))[m_rows]
        best = rank < top
        tokens = batch.tokens
        found_terms: list[list[tuple[str, float]]] = [[] for _ in range(n_rows)]
        for r, c, s, n in zip(
            m_rows[best].tolist(),
            total[best].tolist(),
            batch.word_start[named_by[best]].tolist(),
            batch.word_n[named_by[best]].tolist(),
            strict=True,
        ):
            found_terms[r].append((tokens[s] if n == 1 else " ".join(tokens[s : s + n]), round(c, 4)))
        out: list[tuple] = [tuple(terms) for terms in found_terms]
        return out

    # -- internals ------------------------------------------------------------------------------

    @staticmethod
    def _join(texts: Iterable[str]) -> str:
        # The whole batch is lower-cased (and NFC-composed if needed) in one pass; tone placement
        # is handled per distinct syllable by the vocabulary (see ``_fit``), which is far cheaper
        # than rewriting every document.
        parts = [t if t and _DOC_SEP not in t else (t or "").replace(_DOC_SEP, " ") for t in texts]
        joined = (" " + _DOC_SEP + " ").join(parts)
        if not unicodedata.is_normalized("NFC", joined):
            joined = unicodedata.normalize("NFC", joined)
        return joined.lower()

    def _analyse(self, texts: Sequence[str]) -> _Batch:
        n_docs = len(texts)
        joined = self._join(texts)
        tokens = _TOKEN_RE.findall(joined)
        # -1: unknown syllable; -2: document separator (in the vocabulary). Both break n-grams.
        get = self.vocabulary_.get
        ids = np.fromiter(map(get, tokens, repeat(-1)), np.int64, len(tokens))
        unknown = np.flatnonzero(ids == -1)
        if unknown.size:
            # A spelling not seen in training may still be a known syllable with its tone mark
            # placed the other way.
            retry: dict[str, int] = {}
            for i in unknown:
                tok = tokens[i]
                if tok not in retry:
                    retry[tok] = get(canonical_tones(tok), -1) if not tok.isascii() else -1
                ids[i] = retry[tok]
        tok_doc = np.cumsum(ids == -2)
        # Files written before ``lead_tokens`` existed have no such attribute: no lead features.
        lead = getattr(self, "lead_tokens", 0)
        if lead:
            doc_start = np.concatenate([[0], np.flatnonzero(ids == -2) + 1])
            in_lead = np.arange(ids.size) - doc_start[tok_doc] < lead
        docs, feats, starts, lens, plains = [], [], [], [], []
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
            plain = (_mix64(key[pos]) % np.uint64(self.n_word_features)).astype(np.int64)
            docs.append(tok_doc[pos])
            feats.append(plain)
            plains.append(plain)
            starts.append(pos)
            lens.append(np.full(pos.size, n, dtype=np.int8))
            if lead:
                in_opening = in_lead[pos]
                pos = pos[in_opening]
                docs.append(tok_doc[pos])
                # Another fixed salt gives the lead's n-grams buckets of their own.
                salted = key[pos] ^ np.uint64(0x9E3779B97F4A7C15)
                feats.append((_mix64(salted) % np.uint64(self.n_word_features)).astype(np.int64))
                plains.append(plain[in_opening])
                starts.append(pos)
                lens.append(np.full(pos.size, n, dtype=np.int8))
        word = [np.concatenate(a) if a else np.zeros(0, np.int64) for a in (docs, feats, starts, lens)]
        word_plain = np.concatenate(plains) if plains else np.zeros(0, np.int64)
        char = [np.zeros(0, np.int64)] * 4
        chars = ""
        if self.char_ngram_range:
            chars = _NON_WORD_RE.sub(" ", canonical_tones(joined))
            char = self._char_ngrams(chars)
        return _Batch(n_docs, *word, tokens, *char, chars, word_plain=word_plain)

    def _char_ngrams(self, chars: str) -> list[np.ndarray]:
        codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        is_sep = codes == 0
        ch_doc = np.cumsum(is_sep)
        lo, hi = self.char_ngram_range
        docs, feats, starts, lens = [], [], [], []
        key = codes.copy()
        bad = is_sep.copy()
        prime = np.uint64(0x100000001B3)
        for n in range(1, hi + 1):
            if n > 1:
                key = key[:-1] * prime + codes[n - 1 :]
                bad = bad[:-1] | is_sep[n - 1 :]
            if n < lo:
                continue
            pos = np.flatnonzero(~bad)
            docs.append(ch_doc[pos])
            feats.append((_mix64(key[pos] + np.uint64(n)) % np.uint64(self.n_char_features)).astype(np.int64))
            starts.append(pos)
            lens.append(np.full(pos.size, n, dtype=np.int8))
        return [np.concatenate(a) for a in (docs, feats, starts, lens)]

    def _counts(self, batch: _Batch) -> sp.csr_matrix:
        rows = np.concatenate([batch.word_doc, batch.char_doc])
        cols = np.concatenate([batch.word_feat, batch.char_feat + self.n_word_features])
        return count_matrix(rows, cols, batch.n_docs, self.n_features_)

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = counts.copy()
        np.log(x.data, out=x.data)
        x.data += 1.0
        x.data *= self.idf_[x.indices]
        if self.char_ngram_range:
            in_char = x.indices >= self.n_word_features
            self._normalise_rows(x, ~in_char)
            self._normalise_rows(x, in_char)
            x.data[in_char] *= self.char_weight
        self._normalise_rows(x, None)
        return x

    @staticmethod
    def _normalise_rows(x: sp.csr_matrix, mask: np.ndarray | None) -> None:
        sq = x.data * x.data if mask is None else np.where(mask, x.data * x.data, 0.0)
        counts = np.diff(x.indptr)
        rows = np.repeat(np.arange(counts.size), counts)
        norms = np.sqrt(np.bincount(rows, weights=sq, minlength=counts.size))
        norms[norms == 0] = 1.0
        scale = norms[rows].astype(np.float32)
        if mask is None:
            x.data /= scale
        else:
            x.data[mask] /= scale[mask]

    def _locator(self, batch: _Batch):
        """Return ``f(doc, feature) -> term`` naming one n-gram of ``doc`` in that bucket."""
        word_key = batch.word_doc * self.n_features_ + batch.word_feat
        char_key = batch.char_doc * self.n_features_ + batch.char_feat + self.n_word_features
        w_order = np.argsort(word_key, kind="stable")
        c_order = np.argsort(char_key, kind="stable")
        w_sorted, c_sorted = word_key[w_order], char_key[c_order]

        def locate(doc: int, feat: int) -> str:
            key = doc * self.n_features_ + feat
            if feat < self.n_word_features:
                i = np.searchsorted(w_sorted, key)
                if i < w_sorted.size and w_sorted[i] == key:
                    j = w_order[i]
                    s = int(batch.word_start[j])
                    return " ".join(batch.tokens[s : s + int(batch.word_n[j])])
                return ""
            i = np.searchsorted(c_sorted, key)
            if i < c_sorted.size and c_sorted[i] == key:
                j = c_order[i]
                s = int(batch.char_start[j])
                return batch.chars[s : s + int(batch.char_n[j])]
            return ""

        return locate
