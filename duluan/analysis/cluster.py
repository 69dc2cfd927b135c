"""Online clustering of a stream of texts into issues.

Each document is compared with the *active* clusters only: those updated within ``window`` of
the newest document seen and among the ``max_active`` most recently updated. It joins the most
similar compatible cluster (cosine of its TF-IDF vector with the cluster centroid ≥
``similarity_threshold``, same topic, overlapping places or one within the other (see
:attr:`ClusterDoc.within`), the same day when both are daily instalments, see
:func:`series_day`), or the cluster of an earlier document it names (an exact copy its
original's, see :attr:`ClusterDoc.joins`), or opens a new one. Clusters that fall
out of the window or off the LRU list are closed: the platform keeps them as issues, this
engine forgets them, which bounds memory whatever the length of the stream.

The stream is meant to come in time order (``created_at``; a document without one is taken as
of the newest). Rows a little out of order cluster as in order, but a row older than the newest
seen by more than ``window`` is late: no open cluster is within both windows, so it opens a
cluster of its own, which nothing joins (however many late rows resemble it, as in a file sorted
newest first). That holds whatever the order the open clusters were updated in, which decides
only when a closed cluster's memory is freed.

Terms are syllable bigrams folded to their accent-free form (:func:`~duluan.analysis.normalise.fold`):
a complaint typed without diacritics, as people type on phones, joins the cluster of the same
complaint typed with them. Officials read them back with their diacritics through
:func:`term_spellings`.

Term weights are TF-IDF with document frequencies counted online in a fixed table of hashed
buckets (so the state has a fixed size), which down-weights words every text uses ("của",
"tỉnh") without a stop-word list; a term the text writes as a proper name ("Trần Bắc Hà") weighs
more (:func:`name_flags`). The same input order always gives the same clusters: ties are
broken by cluster creation order, and nothing depends on Python's per-process ``hash``.

The whole state is plain JSON-able data (:meth:`OnlineClusterer.state`,
:meth:`OnlineClusterer.from_state`), so the platform can persist it between single signals and
batches and resume exactly where it stopped.
"""

from __future__ import annotations

import base64
import itertools
import math
import re
import string
import zlib
from collections import OrderedDict, _count_elements  # type: ignore[attr-defined]
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from operator import itemgetter, methodcaller, mul
from typing import Any, overload

import numpy as np

from duluan.analysis.features import EDGE_WORDS
from duluan.analysis.negation import CLAUSE_MARKS
from duluan.analysis.normalise import SYLLABLE_RE, fold, fold_many

# A text's syllables and the marks that end a clause or a sentence (no summary phrase runs
# across one), in order.
_SYLLABLE_OR_MARK_RE = re.compile(f"{SYLLABLE_RE.pattern}|{CLAUSE_MARKS}")
# A mark among a text's pieces joined by zeros (see summary_phrases).
_MARK_PIECE_RE = re.compile(f"\x00{CLAUSE_MARKS}(?=\x00)")

__all__ = [
    "DEFAULT_SIMILARITY_THRESHOLD",
    "JOINABLE_DOCS",
    "Cluster",
    "ClusterDoc",
    "OnlineClusterer",
    "document_terms",
    "fold_term_weights",
    "name_flags",
    "name_flags_many",
    "series_day",
    "summary_phrases",
    "summary_phrases_many",
    "term_code",
    "term_codes",
    "term_spellings",
    "terms_many",
]

STATE_VERSION = 3
# The compact format of :meth:`OnlineClusterer.state` (``compact=True``); both are read.
COMPACT_STATE_VERSION = 4
# The same two formats from before terms were folded (1 and 2): read, their terms folded.
_ACCENTED_VERSIONS = {1: STATE_VERSION, 2: COMPACT_STATE_VERSION}
# The default of OnlineClusterer's similarity_threshold (see there): what the platform moves a
# saved state to unless its settings name another (duluan.apps.issues.clustering).
DEFAULT_SIMILARITY_THRESHOLD = 0.22
# Terms kept per centroid: enough to describe an issue, small enough to bound memory.
_CENTROID_TERMS = 48
# Terms of a document compared with the centroids and added to them: about all of a news
# lead's (some 46 bigrams), the strongest of a longer text. Two reports of one event share a few
# of their terms, often not among each one's 24 strongest. Event-level pairwise F1 on the
# clustering gold set (cluster_eval, dev / test slice, 2026-12-01): 24 terms and threshold 0.35
# (before) 15.1 / 10.9; 24 terms at 0.22, 29.9 / 23.3; 48 terms at 0.35, 27.0 / 18.1; 40 terms
# at 0.22, 40.8 / 34.2; 48 terms at 0.22, 50.4 / 37.6. The price is the driver's: `duluan
# analyze` on 100,000 news leads used 20.8-21.9 s of its CPU against 15.2-16.3 with 24 terms and
# 0.35, and ran at 3,582-3,731 docs/s against 4,137-4,298 (two alternating pairs, 2026-12-01).
_DOC_TERMS = 48
# The strongest terms of a document a cluster is found under (posted), and those that look
# clusters up. Looking up by more terms than are posted finds more of one event's reports, at a
# price in candidates to check (event-level pairwise F1 dev / test, cluster_eval, 8 posted;
# issue-level in brackets, 2026-12-02): looking up by 8, 50.9 / 42.3 (36.2 / 22.5); by 16,
# 52.4 / 43.8 (36.8 / 23.1); by 24, 52.5 / 46.0 (36.9 / 24.8); by all 48, 53.8 / 47.7 (37.7 /
# 25.3). Dev chose 16: 24 adds 0.1 there. The Python clusterer paid too much for more (by 16,
# `duluan analyze`'s driver used 29.1-29.7 s of CPU over 100,000 leads against 24.1-25.9,
# 2026-12-01); the compiled one, since it bounds candidates as this one does (see
# kernels.similarity_bound), looks up by 16 at the cost it had by 8 without the bound:
# bench_steps.py --compiled, 40,000 leads, cluster step 24.4-27.8 µs a lead against 26.4-27.1
# (three alternating runs); over 1,000,000 leads the driver's CPU was 0.366-0.376 of the
# workers' (three runs) against 0.363-0.373 (five runs; by 24, 0.387 twice: the machine's
# speed moved too much for seconds to compare). By 8 with the bound, 24.8-25.9 µs a lead; by
# 48, 35.5-37.5 (2026-12-02). This clusterer (the platform's) costs more by 16: 71.6-73.7 µs a
# lead against 63.9-65.3 (bench_steps.py, 20,000 leads, two alternating runs).
_PROBE_TERMS = 8
_LOOKUP_TERMS = 16
# How many of the last documents assigned a later one can name to join their cluster
# (ClusterDoc.joins): an exact copy joins its original's cluster however far its centroid has
# drifted from the original (on AIVIVN reviews with copies of earlier ones put in, 1 to 3,000
# reviews back, 15 of 1,302 copies were in another cluster than their original's). The state
# keeps, for each of these documents whose cluster is open, its id and cluster: fewer ids than
# the documents of the open clusters, at most this many.
JOINABLE_DOCS = 100_000
# Bits of the term masks that bound a candidate's similarity before it is computed (see
# assign): a document's 48 terms set about 47 of them, a cluster's the union of its documents'.
_MASK_BITS = 2048
# A candidate is skipped only when its bound is below the best similarity by more than this
# relative margin, far above the rounding of the bound's few float operations.
_BOUND_MARGIN = 1e-9
# What the postings give for a term no open cluster is indexed under (assign).
_NO_HITS = itertools.repeat(frozenset())
# A heading that a day and month close (see series_day): the name of a daily instalment before
# it, then the date, in parentheses or not, then a colon or the heading's end.
_SERIES_DAY_RE = re.compile(
    r"(\w[^\n:]*?)(?<![\d/.,-])(\(?)(\d{1,2})([/.-])(\d{1,2})([/.-](?:19|20)\d\d)?\)?\s*(?::|$)"
)
# A date inside a sentence, not a stamp: "xả tràn vào ngày mai, 29.8", "nhận đơn từ ngày 15/9".
_DATE_IN_SENTENCE_RE = re.compile(
    r"(?i:\b(?:từ|vào|đến|tới|trước|sau|dịp|mai|tu|vao|den|truoc|dip),?(?:\s+ng[àa]y)?\s*)$"
)
# What stands before a date written with a dot or a dash, which a score ("thắng 2-1") is not.
_DAY_WORD_RE = re.compile(
    r"(?i:\b(?:ngày|hôm nay|nay|sáng|trưa|chiều|tối|đêm|phiên"
    r"|ngay|hom nay|sang|trua|chieu|toi|dem|phien)\s*)$"
)
_DIGITS_APART_RE = re.compile(r"\d[/.-]\d")
_HEADING_CHARS = 200
# A term written as a proper name (see name_flags) weighs this many times its TF-IDF weight. On the
# clustering gold set (cluster_eval, dev / test, pairwise F1 of events and of issues, 2026-12-02):
# 1.0 (before) 53.5 / 47.2 and 35.4 / 24.0; 1.1, 55.5 / 50.3 and 36.9 / 26.7; 1.15, 56.5 / 51.8
# and 38.1 / 27.4; 1.2, 56.4 / 53.9 and 39.0 / 28.7; 1.25, 56.3 / 55.1 and 39.0 / 30.2; 1.3,
# 55.9 / 54.5 and 39.1 / 30.1; 1.5, 49.9 / 53.7 and 38.9 / 30.9. Names tell events apart where
# common words do not: two reports of one event name the same people, firms and places.
NAME_WEIGHT = 1.2
# The capitals a name's syllables begin with (see name_flags).
_CAPITALS = frozenset(
    string.ascii_uppercase + "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)


def _tf_weights(counts: Sequence[float] | np.ndarray) -> np.ndarray:
    """Return the term-frequency factors ``1 + log(max(tf, 1))`` of raw counts.

    NumPy's ``log`` and :func:`math.log` may differ in the last bit, so every factor comes from
    here, including the table below.
    """
    return 1.0 + np.log(np.maximum(np.asarray(counts, dtype=np.float64), 1.0))


# The factors of small whole counts (nearly all counts), looked up instead of recomputed.
_TF_WEIGHTS = dict(enumerate(_tf_weights(np.arange(256)).tolist()))
_TF_TABLE = np.asarray(list(_TF_WEIGHTS.values()))


_values = methodcaller("values")


def _tf_factors(counts: list[float]) -> np.ndarray:
    """The tf factor of each count: from the table for small whole counts (nearly all), by
    :func:`_tf_weights` of the count alone otherwise, so a count's factor never depends on the
    batch it came in."""
    values = np.asarray(counts)
    if values.dtype.kind in "iu" and values.min() >= 0 and values.max() < len(_TF_TABLE):
        return _TF_TABLE[values]
    return np.asarray(
        [f if (f := _TF_WEIGHTS.get(c)) is not None else _tf_weights([c]).item() for c in counts]
    )


def flat_term_arrays(terms: list[Mapping[str, float]]) -> tuple[Sequence[str], np.ndarray, list[int]] | None:
    """The names, counts and lengths of documents whose terms are :class:`TermSlice` s of one
    batch, read from its arrays (one slice each when they follow each other, as a batch's
    documents do); ``None`` when any is something else."""
    first = terms[0]
    if type(first) is not TermSlice:
        return None
    names, counts = first.names, first.counts
    spans = []
    at = first.start
    contiguous = True
    for t in terms:
        if type(t) is not TermSlice or t.names is not names or t.counts is not counts:
            return None
        contiguous = contiguous and t.start == at
        at = t.stop
        spans.append((t.start, t.stop))
    lengths = [stop - start for start, stop in spans]
    if contiguous:
        lo, hi = first.start, at
        return names[lo:hi], counts[lo:hi], lengths
    if type(names) is TermNames:
        at = np.concatenate([np.arange(start, stop) for start, stop in spans])
        return TermNames(names.syllables, names.first[at], names.second[at]), counts[at], lengths
    flat = list(itertools.chain.from_iterable(names[start:stop] for start, stop in spans))
    return flat, np.concatenate([counts[start:stop] for start, stop in spans]), lengths


def _strongest_in_each(weights: np.ndarray, doc_of: np.ndarray, n_docs: int) -> np.ndarray:
    """Order the positions of ``weights`` by document, then weight, strongest first, then
    position: a stable descending sort of each document's weights.

    Each weight is replaced by its rank among the batch's distinct weights, which makes one
    integer key per position; one sort of those keys takes half the time of ``np.lexsort``
    over (weight, document).
    """
    n = weights.size
    distinct, rank = np.unique(weights, return_inverse=True)
    m = distinct.size
    if n_docs * m * n >= 1 << 62:  # the key would overflow: a batch of millions of terms
        return np.lexsort((-weights, doc_of))
    return np.argsort((doc_of * m + (m - 1 - rank.ravel())) * n + np.arange(n))


def _post(postings: dict[str, Cluster | set[Cluster]], term: str, cluster: Cluster) -> None:
    """Index ``cluster`` under ``term``: the cluster itself while it is the only one there, a
    set of them from the second on.

    Most terms are rare bigrams that only the cluster that opened with them is indexed under,
    and 94 % of news leads open a cluster (one closes for each, later): a set made for each of
    its terms, emptied and dropped when it closed, was most of opening and closing one. The
    ordered steps over 30,000 news leads, clusters closing past 5,000 open: 52.1-54.3 against
    55.3-65.5 µs of CPU a lead (three alternating runs, 2026-12-01), the same output and state.
    """
    found = postings.get(term)
    if found is None:
        postings[term] = cluster
    elif found.__class__ is set:
        found.add(cluster)  # type: ignore[union-attr]
    elif found is not cluster:
        postings[term] = {found, cluster}  # type: ignore[arg-type]


def _strongest_first(tw: tuple[str, float]) -> tuple[float, str]:
    return -tw[1], tw[0]


# What bounds a document vector's similarity with any cluster (see OnlineClusterer.assign):
# the bits of its terms (``term_code % _MASK_BITS``), how many of its terms share a bit with an
# earlier one, and the sums of its k largest weights for k = 0, 1, 2, ... (as many as it has
# terms, or more: a longer list repeats the whole sum).
_Reach = tuple[int, int, list[float]]
_NO_REACH: _Reach = (0, 0, [0.0])


def _strongest_unit(
    weights: np.ndarray, doc_of: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each document's strongest terms, scaled to unit length (numpy's way of
    :func:`~duluan.analysis.kernels.strongest_terms`): ``(keep, unit, kept)``, the positions of
    each document's at most ``_DOC_TERMS`` strongest terms (ties in position order), one
    document after the other, their weights over the document's norm, and how many each kept."""
    n_docs = sizes.size
    order = _strongest_in_each(weights, doc_of, n_docs)
    starts = np.zeros(n_docs, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    keep = order[np.arange(weights.size) - np.repeat(starts, sizes) < _DOC_TERMS]
    kept = np.minimum(sizes, _DOC_TERMS)
    top = weights[keep]
    squares = (top * top).tolist()
    ends = np.cumsum(kept).tolist()
    # fsum is exact, so a norm does not depend on the batch.
    norms = [math.sqrt(math.fsum(squares[lo:hi])) for lo, hi in zip([0, *ends], ends)]
    return keep, top / np.repeat(norms, kept), kept


def _reaches(codes: np.ndarray, weights: np.ndarray, kept: np.ndarray) -> list[_Reach]:
    """The :data:`_Reach` of each of a batch's vectors, in order.

    Args:
        codes: The term codes of every vector's terms, one vector after the other.
        weights: Their weights, each vector's strongest first.
        kept: How many terms each vector has (at most ``_DOC_TERMS``, at least one).
    """
    n_docs = kept.size
    doc = np.repeat(np.arange(n_docs), kept)
    column = np.arange(weights.size) - np.repeat(np.cumsum(kept) - kept, kept)
    grid = np.zeros((n_docs, _DOC_TERMS + 1))
    grid[doc, column + 1] = weights
    prefixes = np.cumsum(grid, axis=1).tolist()
    masks = _masks(codes, doc, n_docs)
    return [(m, n - m.bit_count(), p) for m, n, p in zip(masks, kept.tolist(), prefixes, strict=True)]


def _masks(codes: np.ndarray, owner: np.ndarray, n: int) -> list[int]:
    """The bits (``code % _MASK_BITS``) of each of ``n`` owners' term codes, one integer each.

    Args:
        codes: Term codes.
        owner: The owner (``0 <= owner < n``) of each code.
        n: Number of owners.
    """
    bits = codes & (_MASK_BITS - 1)
    width = _MASK_BITS // 8
    packed = np.zeros((n, width), dtype=np.uint8)
    np.bitwise_or.at(packed, (owner, bits >> 3), np.left_shift(1, bits & 7).astype(np.uint8))
    blob = packed.tobytes()
    return [int.from_bytes(blob[at : at + width], "little") for at in range(0, len(blob), width)]


def _reach_of(vector: Mapping[str, float]) -> _Reach:
    """The :data:`_Reach` of one vector, whatever the order of its terms."""
    if not vector:
        return _NO_REACH
    mask = _masks(term_codes(vector), np.zeros(len(vector), dtype=np.intp), 1)[0]
    return (
        mask,
        len(vector) - mask.bit_count(),
        [0.0, *itertools.accumulate(sorted(vector.values(), reverse=True))],
    )


def term_code(term: str) -> int:
    """Return the 32-bit code of a term that document frequencies are counted under.

    CRC-32 of the UTF-8 bytes: stable across processes (unlike ``hash``), so workers can
    compute codes in parallel (:func:`term_codes`) and the clusterer only takes them modulo
    its table size.

    Args:
        term: A term (syllable or syllable bigram).

    Returns:
        An integer in ``range(2**32)``.
    """
    return zlib.crc32(term.encode("utf-8"))


def term_codes(terms: Iterable[str]) -> np.ndarray:
    """Return :func:`term_code` of each term as an ``int64`` array.

    Not memoised: most bigrams are rare, and on news leads a lookup in a memo of a few hundred
    thousand terms cost twice as much as the CRC itself.
    """
    return np.fromiter(map(zlib.crc32, map(str.encode, terms)), dtype=np.int64)


def document_terms(tokens: list[str]) -> dict[str, int]:
    """Return the clustering terms of a text: counts of its folded syllable bigrams.

    Bigrams stand for Vietnamese words (most are two syllables) and name an issue readably
    ("ngap ung", "vu ninh"; :func:`term_spellings` gives them back their diacritics); a
    one-syllable text keeps its syllable. Folded, the same complaint typed with or without
    diacritics has the same terms. :func:`terms_many` does the same for a batch.

    Args:
        tokens: Lower-case syllables in order.

    Returns:
        Term → count, in order of first appearance.
    """
    tokens = fold_many(tokens)
    return _counted(tokens, [f"{a} {b}" for a, b in itertools.pairwise(tokens)])


def term_spellings(tokens: Sequence[str], spellings: dict[str, str] | None = None) -> dict[str, str]:
    """Learn from a text how its terms are written with diacritics, to show folded terms.

    The terms of :func:`document_terms` are folded ("ngap ung"); officials read them as the
    texts write them ("ngập úng"). Each syllable and bigram of ``tokens`` that has diacritics is
    added under its folded form; one a text writes without them adds nothing, and a folded form
    already in ``spellings`` keeps the spelling it has (the first text read wins).

    Args:
        tokens: Lower-case syllables in order (as :func:`document_terms` takes them).
        spellings: Folded term → spelling, added to in place; a new one when ``None``.

    Returns:
        ``spellings``.

    Example:
        >>> known = term_spellings("ngập úng ở vũ ninh".split())
        >>> [known.get(t, t) for t in document_terms("ngap ung o vu ninh".split())]
        ['ngập úng', 'úng ở', 'ở vũ', 'vũ ninh']
    """
    if spellings is None:
        spellings = {}
    folded = fold_many(list(tokens))
    setdefault = spellings.setdefault
    for key, written in zip(folded, tokens):
        if key != written:
            setdefault(key, written)
    for a, b, c, d in zip(
        folded, itertools.islice(folded, 1, None), tokens, itertools.islice(tokens, 1, None)
    ):
        if a != c or b != d:
            setdefault(f"{a} {b}", f"{c} {d}")
    return spellings


# The longest phrase, in syllables, that :func:`summary_phrases` joins a cluster's terms into, and
# how far the documents holding a bigram must dip below its neighbours' for a phrase to be cut
# there.
SUMMARY_PHRASE_SYLLABLES = 4
SUMMARY_DIP = 0.5
# The most texts of a cluster that summary_phrases_many reads its terms along.
SUMMARY_TEXTS = 10


def summary_phrases(
    terms: Sequence[str],
    text: str,
    frequencies: Callable[[list[str]], Sequence[int]],
    stickiness: Callable[[list[str], list[str]], Sequence[float] | None] | None = None,
) -> list[str]:
    """A cluster's strongest terms (:meth:`Cluster.summary_terms`: folded bigrams, strongest
    first) read as the phrases a text of the cluster writes them in.

    Bigrams name an issue by pieces: "bắt cóc", "cóc trẻ", "trẻ em" for a kidnapping, "phường
    vũ", "vũ ninh", "ninh ngập", "ngập úng" for a flood in a ward. Where the text writes terms one
    after the other, sharing a syllable, within a clause (no mark between,
    :data:`~duluan.analysis.negation.CLAUSE_MARKS`), they read as one phrase ("bắt cóc trẻ em");
    a run is cut where one of its bigrams is in fewer documents than :data:`SUMMARY_DIP` times
    both its neighbours are, or its one neighbour at an end (``frequencies``: the clusterer's
    counts, see :meth:`OnlineClusterer.document_frequencies`), and while a phrase is longer than
    :data:`SUMMARY_PHRASE_SYLLABLES`, at its rarest bigram within (see :func:`_phrase_runs`); a
    cut never leaves a single syllable, and the bigram cut is no term of its own, nor is one
    the text writes only across a mark ("nghệ thuật, ẩm thực" gives no "thuật ẩm"). A phrase's
    rank is its strongest term's. With ``stickiness``, a phrase's edge that cuts a word moves to
    it as an explanation's does (:func:`~duluan.analysis.features.snapped`): "giá dầu thế" takes
    in "giới", "ban quản" "lý", and a phrase of four syllables gives its edge up instead
    ("tăng lãi suất tiền" before "gửi"). No phrase begins or ends with a preposition or a
    conjunction (:data:`~duluan.analysis.features.EDGE_WORDS`): "buổi tuyên truyền ở" reads
    "buổi tuyên truyền", and "kênh ở", left with one syllable, is none. A phrase the text writes
    twice (or spelt twice alike once folded) counts once, and a phrase within another is left
    out. Terms the text does not write stay as they are.

    On the 95 clusters of two texts or more of the clustering gold set's dev slice (their eight
    strongest terms each, read along the cluster's first text), the terms found in that text
    that cut a word as underthesea segments it went from 36.7 % of 695 to 18.5 % of 411 phrases
    (2.0 syllables a term to 2.3; 760 terms to 475): "trận động đất", "thu hồi đất", "chất độc
    da cam", "giá vàng" (not "đẩy giá", "giá vàng"). A dip of 0.25 or 1.0 gave 19.8 %. On the
    test slice, never looked at while this was made (121 clusters), 37.6 % of 897 went to 19.3 %
    of 507 (``bench/bench_models.py --only keywords``, 2026-12-06). Edges moved by the shipped
    topic model's stickiness (counted in its 71,514 training texts; no word list): 12.1 % of 414 on
    the dev slice, 13.9 % of 512 on the test slice (2.5 and 2.6 syllables a phrase; the rule and
    its threshold are the explanations', and the test slice was read once, after the dev one).
    Those that begin or end with a word underthesea tags a preposition or a conjunction: 6.5 and
    8.6 %, and 0.2 and 0.6 % with the edge words left off (then 12.2 and 13.1 % cut a word).
    Judging each key word in the first of the cluster's texts that writes it (not only the first
    text), 15.2 and 16.2 % cut a word, and 19.4 and 16.5 % are bigrams the first text does not
    write; read along the cluster's texts too (:func:`summary_phrases_many`), 12.1 and 13.0 %,
    and 7.7 and 5.4 %.

    Args:
        terms: The cluster's terms, strongest first.
        text: A text of the cluster (its representative's), as written.
        frequencies: The documents holding each of some folded bigrams, in order.
        stickiness: How much each syllable of a list sticks to the one of another list written
            after it, as a topic model learnt it from its corpus
            (:meth:`~duluan.analysis.linear_text.LinearTextClassifier.stickiness`): a phrase's
            edge then moves to the word it cuts, as an explanation's does
            (:func:`~duluan.analysis.features.snapped`). ``None``: edges stay.

    Returns:
        Phrases as the text writes them (lower case), and the other terms, strongest first.
    """
    return summary_phrases_many([(terms, text)], frequencies, stickiness)[0]


def summary_phrases_many(
    items: Sequence[tuple[Sequence[str], str | Sequence[str]]],
    frequencies: Callable[[list[str]], Sequence[int]],
    stickiness: Callable[[list[str], list[str]], Sequence[float] | None] | None = None,
) -> list[list[str]]:
    """:func:`summary_phrases` of many clusters, each ``(terms, text)``: the same phrases, with
    one call of ``frequencies`` and one of ``stickiness`` for them all (a call costs numpy more
    than its work: a model's stickiness of 32 pairs took 16 µs, 2026-12-06), as the platform
    names the issues a batch of signals touched.

    A cluster may give several texts, ``(terms, [text, …])``: the terms the first does not
    write are read along the next, and so on (at most :data:`SUMMARY_TEXTS`), so that a term
    of other texts is named as they write it too (the representative of a flood writes "ngập
    úng sâu", others "ngập úng kéo dài": "úng kéo" reads "ngập úng kéo dài"). Terms no text
    writes stay as they are."""
    readings = [_read_along(terms, texts) for terms, texts in items]
    layouts = [layout for read, _, _ in readings for layout in read]
    # Counts matter only where a run may be cut (see _phrase_runs).
    wanted = sorted({term for layout in layouts for term in layout.cuttable()})
    counts = dict(zip(wanted, frequencies(wanted), strict=True)) if wanted else {}
    spans = [layout.spans(counts) for layout in layouts]
    if stickiness is not None:
        spans = _snapped_spans(spans, [layout.tokens for layout in layouts], stickiness)
    spans = [layout.trimmed(found) for layout, found in zip(layouts, spans, strict=True)]
    out = []
    at = 0
    for read, unwritten, rank in readings:
        out.append(_shown(read, spans[at : at + len(read)], unwritten, rank))
        at += len(read)
    return out


def _read_along(
    terms: Sequence[str], texts: str | Sequence[str]
) -> tuple[list[_PhraseLayout], list[str], dict[str, int]]:
    """Where ``terms`` stand in ``texts`` (each text holding those the ones before do not
    write), the terms none writes, and each term's rank."""
    rank = {term: r for r, term in enumerate(terms)}
    left = list(terms)
    read: list[_PhraseLayout] = []
    for text in itertools.islice([texts] if isinstance(texts, str) else texts, SUMMARY_TEXTS):
        if read and not any(" " in term for term in left):
            break  # (a term of one word is never read along a text)
        # After the first text, a text gives the phrases that hold a term no text before wrote
        # (with the other terms beside it: "úng kéo" reads "ngập úng kéo dài", not "úng kéo").
        layout = _PhraseLayout.of(terms, text, rank, set(left) if read else None)
        read.append(layout)
        left = [term for term in left if term not in layout.covered]
    return read, left, rank


def _shown(
    read: list[_PhraseLayout],
    spans: list[list[tuple[int, int, int]]],
    unwritten: list[str],
    rank: dict[str, int],
) -> list[str]:
    """The phrases of ``spans`` (of each text ``read``) as their texts write them (a phrase
    holds no mark), named once and none within another, and the ``unwritten`` terms, strongest
    first."""
    found: dict[str, tuple[int, str]] = {}  # folded phrase -> (rank, as written)
    for layout, phrases in zip(read, spans, strict=True):
        tokens, folded = layout.tokens, layout.folded
        for s, e, best in phrases:
            key = " ".join(folded[s:e])
            if key not in found or best < found[key][0]:
                found[key] = (best, " ".join(tokens[s:e]))
    padded = [f" {key} " for key in found]
    shown = [
        value
        for key, value in zip(padded, found.values(), strict=True)
        if not any(key in other and key != other for other in padded)
    ]
    shown += [(rank[term], term) for term in unwritten]
    shown.sort(key=itemgetter(0))
    return [words for _, words in shown]


@dataclass(slots=True)
class _PhraseLayout:
    """Where a cluster's terms stand in one of its texts, for :func:`summary_phrases_many`."""

    tokens: list[str]  # the text's syllables and marks, lower case
    folded: list[str]  # the same, folded
    rank: dict[str, int]  # each term's rank among the cluster's
    pairs: dict[int, str]  # the bigrams of the text that are terms, by their first piece
    covered: set[str]  # the terms the text writes: in a phrase, or across a mark
    chains: list[list[int]]  # runs of such bigrams, each sharing a syllable with the next
    wanted: set[str] | None  # the terms a phrase of this text must hold one of (None: any)

    @classmethod
    def of(
        cls, terms: Sequence[str], text: str, rank: dict[str, int], wanted: set[str] | None = None
    ) -> _PhraseLayout:
        # The text's syllables and marks, folded one character for one (a zero is in no piece),
        # and looked up as a string: each term's places are found by str.find, not by a loop in
        # Python over the syllables (13 against 41 µs a news lead, 2026-12-06).
        pieces = _SYLLABLE_OR_MARK_RE.findall(text.lower())
        joined = fold("\x00".join(pieces))
        bare = joined.split("\x00")
        if len(bare) != len(pieces):
            bare = fold_many(pieces)
            joined = "\x00".join(bare)
        padded = f"\x00{joined}\x00"
        pairs: dict[int, str] = {}
        covered: set[str] = set()
        unmarked = None
        for term in terms:
            first, space, second = term.partition(" ")
            if not space:
                continue
            needle = f"\x00{first}\x00{second}\x00"
            at = padded.find(needle)
            if at < 0:
                if unmarked is None:
                    unmarked = _MARK_PIECE_RE.sub("", padded)
                if needle in unmarked:
                    covered.add(term)  # written only across a mark
                continue
            covered.add(term)
            while at >= 0:
                pairs[padded.count("\x00", 0, at)] = term
                at = padded.find(needle, at + 1)
        chains: list[list[int]] = []
        for i in sorted(pairs):
            if chains and chains[-1][-1] == i - 1:
                chains[-1].append(i)
            else:
                chains.append([i])
        return cls(pieces, bare, rank, pairs, covered, chains, wanted)

    def cuttable(self) -> Iterator[str]:
        """The terms of runs that counts may cut."""
        pairs = self.pairs
        return (pairs[i] for chain in self.chains if not _whole(chain) for i in chain)

    def spans(self, counts: Mapping[str, int]) -> list[tuple[int, int, int]]:
        """The phrases as ``(first piece, piece after the last, rank)``, cut by ``counts``."""
        pairs, rank, wanted = self.pairs, self.rank, self.wanted
        return [
            (run[0], run[-1] + 2, min(rank[pairs[i]] for i in run))
            for chain in self.chains
            for run in _phrase_runs(chain, [counts.get(pairs[i], 0) for i in chain])
            if wanted is None or any(pairs[i] in wanted for i in run)
        ]

    def trimmed(self, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """``spans`` without the edge words (:data:`~duluan.analysis.features.EDGE_WORDS`) they
        begin or end with, those left with fewer than two syllables left out."""
        tokens, edge = self.tokens, EDGE_WORDS
        kept = []
        for s, e, best in spans:
            while e - s > 1 and tokens[s] in edge:
                s += 1
            while e - s > 1 and tokens[e - 1] in edge:
                e -= 1
            if e - s > 1:
                kept.append((s, e, best))
        return kept


def _snapped_spans(
    spans: list[list[tuple[int, int, int]]],
    texts: list[list[str]],
    stickiness: Callable[[list[str], list[str]], Sequence[float] | None],
) -> list[list[tuple[int, int, int]]]:
    """:func:`summary_phrases_many`' spans of each text's pieces (its syllables and marks,
    ``texts``) with their edges moved to the words they cut, by one call of ``stickiness``.
    Nothing is taken in across a text's edge, a mark or a placeholder ("<phone>")."""
    from duluan.analysis.features import snapped

    left: list[str] = []
    right: list[str] = []
    walled: list[bool] = []  # no syllable outside this edge
    for found, tokens in zip(spans, texts, strict=True):
        last = len(tokens) - 1
        for s, e, _ in found:  # (two syllables of one clause at least)
            before = tokens[s - 1] if s and tokens[s - 1][:1].isalnum() else ""
            after = tokens[e] if e <= last and tokens[e][:1].isalnum() else ""
            first, end = tokens[s], tokens[e - 1]
            left.extend((before, first, end, tokens[e - 2]))
            right.extend((first, tokens[s + 1], after, end))
            walled.extend((not before, False, not after, False))
    if not left:
        return spans
    sticks = stickiness(left, right)
    if sticks is None:
        return spans
    if isinstance(sticks, np.ndarray):
        sticks = sticks.tolist()
    sticks = [-math.inf if wall else x for x, wall in zip(sticks, walled, strict=True)]
    moved: list[list[tuple[int, int, int]]] = []
    k = 0  # each span's four edges, in the order they were asked
    for found in spans:
        moved.append([])
        for s, e, best in found:
            moved[-1].append((*snapped(s, e, *sticks[k : k + 4], longest=SUMMARY_PHRASE_SYLLABLES), best))
            k += 4
    return moved


# The most bigrams of a run _phrase_runs cuts as one (a phrase is at most four syllables: a text's
# runs are far shorter but where it repeats itself).
_LONGEST_RUN = 64


def _whole(run: list[int]) -> bool:
    """Whether a run of bigrams is one phrase whatever their counts: a single bigram."""
    return len(run) < 2


def _phrase_runs(run: list[int], counts: list[int]) -> list[list[int]]:
    """The pieces a run of bigrams (their first tokens) is cut into for :func:`summary_phrases`,
    given the documents holding each: never a piece of no bigram, the bigram cut left out.

    The deepest dip is cut first: a bigram in fewer than :data:`SUMMARY_DIP` times the documents
    of both its neighbours (of its one neighbour, at either end: "thu hồi đất làm" loses "đất
    làm"), by the least ratio; then, while longer than :data:`SUMMARY_PHRASE_SYLLABLES`, the
    rarest bigram within, the nearest the middle of equal ones (with no counts to tell, two
    phrases of like length read better than a syllable pair and the rest).

    A run longer than :data:`_LONGEST_RUN` bigrams (a text that repeats its words, "xã Tân xã Tân
    …") is read in pieces of that length first, and the cuts are made from a stack rather than
    by recursion: such a run of 5,600 bigrams exceeded Python's recursion limit, and cutting it
    one bigram at a time was quadratic.
    """
    pieces: list[list[int]] = []
    stack = [
        (run[at : at + _LONGEST_RUN], counts[at : at + _LONGEST_RUN])
        for at in range(0, len(run), _LONGEST_RUN)
    ]
    stack.reverse()
    while stack:
        run, counts = stack.pop()
        if _whole(run):
            pieces.append(run)
            continue
        cut = None
        last = len(run) - 1
        for k in range(len(run)):
            near = min(counts[j] for j in (k - 1, k + 1) if 0 <= j <= last)
            if counts[k] < SUMMARY_DIP * near and (cut is None or counts[k] * cut[2] < cut[1] * near):
                cut = (k, counts[k], near)
        if cut is not None:
            k = cut[0]
        elif len(run) + 1 > SUMMARY_PHRASE_SYLLABLES:
            k = min(range(1, last), key=lambda j: (counts[j], abs(2 * j - last), j))
        else:
            pieces.append(run)
            continue
        # (the left piece is read first, as the recursion read it)
        if k < last:
            stack.append((run[k + 1 :], counts[k + 1 :]))
        if k:
            stack.append((run[:k], counts[:k]))
    return pieces


def _counted(tokens: list[str], bigrams: list[str]) -> dict[str, int]:
    """The terms of a text from its bigrams, counted by the C helper behind ``Counter`` into a
    plain dictionary (in order of first appearance)."""
    if len(tokens) < 2:
        return {t: 1 for t in tokens}
    counts: dict[str, int] = {}
    _count_elements(counts, bigrams)
    return counts


def terms_many(token_lists: Sequence[list[str]]) -> tuple[list[dict[str, int]], list[np.ndarray]]:
    """The :func:`document_terms` and :func:`term_codes` of many texts: the same dictionaries
    (same order) and codes, computed batch by batch.

    The bigrams of the whole batch are joined in one comprehension and counted by the C helper
    behind :class:`collections.Counter` into plain dictionaries, and the codes of all the terms
    come from one call: 21.6 against 27.4 µs of CPU a news lead for the per-text functions
    (``bench_steps.py`` leads, 2026-11-30). Making each bigram string is most of what is left.
    When the syllables already have rows in a table (as the pipeline's MinHash gives them),
    :class:`TermCoder` gives the same from those rows, faster.

    Args:
        token_lists: The syllables of each text.

    Returns:
        ``(terms, codes)``, one entry per text.
    """
    flat = fold_many(list(itertools.chain.from_iterable(token_lists)))
    # Pairs across two texts are made too (one a text) and never counted.
    bigrams = [f"{a} {b}" for a, b in zip(flat, itertools.islice(flat, 1, None))]
    terms: list[dict[str, int]] = []
    keys: list[str] = []
    start = 0
    for n in map(len, token_lists):
        counts = _counted(flat[start : start + n], bigrams[start : start + n - 1])
        start += n
        terms.append(counts)
        keys.extend(counts)
    codes = term_codes(keys)
    bounds = np.cumsum([0] + [len(t) for t in terms]).tolist()
    return terms, [codes[lo:hi] for lo, hi in itertools.pairwise(bounds)]


# Byte lengths (a space and a syllable) up to which _crc_shift has tables; longer syllables are
# rare (URLs, long numbers) and the codes of their bigrams come from zlib.
_SHIFT_LIMIT = 64
_shift_tables: np.ndarray | None = None


def _shift_table() -> np.ndarray:
    """The tables of :func:`_crc_shift`, flat: per byte count below ``_SHIFT_LIMIT``, per byte
    of the value (four), the shift of each of its 256 values (made once per process)."""
    global _shift_tables
    tables = _shift_tables
    if tables is None:
        tables = _shift_tables = np.array(
            [
                [
                    [zlib.crc32(bytes(n), v << (8 * k)) ^ zlib.crc32(bytes(n)) for v in range(256)]
                    for k in range(4)
                ]
                for n in range(_SHIFT_LIMIT)
            ],
            dtype=np.uint32,
        ).reshape(-1)
    return tables


def _crc_shift(crcs: np.ndarray, nbytes: np.ndarray) -> np.ndarray:
    """CRC-32 values as if ``nbytes`` zero bytes had followed what each was computed over, less
    the CRC-32 of those zero bytes alone (every ``nbytes`` below ``_SHIFT_LIMIT``).

    Then ``crc32(a + b) == _crc_shift(crc32(a), len(b)) ^ crc32(b)``: the CRC-32 of a
    concatenation is a linear function of the first part's CRC-32, what zlib's
    ``crc32_combine`` computes and Python's ``zlib`` does not offer. Being linear over the 32
    bits, the shift of a value is the exclusive or of the shifts of its four bytes, read from
    tables that zlib itself fills once per process (``crc32(bytes(n), v) ^ crc32(bytes(n))`` is
    the shift of ``v`` by ``n`` bytes; ~30 ms); the tests check the result against
    ``zlib.crc32`` of the concatenation.
    """
    tables = _shift_table()
    at = nbytes.astype(np.intp) * 1024
    out = tables[at + (crcs & 0xFF)]
    for k in range(1, 4):
        out ^= tables[at + (256 * k + ((crcs >> (8 * k)) & 0xFF))]
    return out


class TermCoder:
    """:func:`terms_many` of batches whose syllables already have rows in a table.

    The pipeline looks each syllable up once (the models' numbers, or the MinHash cache:
    :meth:`duluan.analysis.dedupe.MinHasher.syllable_rows`), and starts both the shingles and
    the terms from the rows. A term is then a pair of rows: one sort of the batch's pairs finds
    each text's distinct terms, their counts and first occurrences; a term is given by its rows
    (:class:`TermNames`), its string made only when read. Its code, the CRC-32 of ``"a b"``, comes
    from per-row values kept here (the CRC-32 of the syllable and of a space and the syllable,
    computed once for each new row) in a few numpy passes (:func:`_crc_shift`). On news leads
    in batches of 1,000: 14.7 µs of CPU a lead against 21.2 for :func:`terms_many`, the rows
    (3.2 µs) being already paid for by MinHash (alternating runs, 2026-11-30).

    Terms are folded (:func:`terms_many`): each row stands for its folded syllable, numbered
    here once per distinct folded form (``ngập`` and ``ngap`` are one), and the terms are pairs
    of those numbers, the values kept per number. Folding costs only the new rows of a batch.

    Syllables with a space in them (none come from the normaliser) would let two pairs make the
    same string; a batch holding one is left to :func:`terms_many`.
    """

    def __init__(self) -> None:
        self._generation: object = None
        self._size = 0  # rows with a folded number
        self._canon = np.zeros(0, dtype=np.intp)  # row -> number of its folded syllable
        self._numbers: dict[str, int] = {}  # folded syllable -> its number
        self._folded: list[str] = []  # number -> folded syllable (a new list each generation)
        self._crc = np.zeros(0, dtype=np.uint32)  # crc32(folded syllable), by number
        self._spaced_crc = np.zeros(0, dtype=np.uint32)  # crc32(" " + folded syllable)
        self._spaced_len = np.zeros(0, dtype=np.int64)  # len(" " + folded syllable), UTF-8 bytes
        self._has_space = np.zeros(0, dtype=bool)
        self._compiled = False  # whether the compiled loop finds the terms (load_compiled)

    def load_compiled(self) -> bool:
        """Find each batch's terms by the compiled loop from now on
        (:func:`~duluan.analysis.kernels.batch_terms`: the same terms, counts and codes), loaded
        now, for long inputs (numba's import and cache: see ``duluan analyze``); return True."""
        from duluan.analysis import kernels  # numba: imported only by those who count this way

        # One call loads the loop from numba's cache (before a pool forks, its workers have it).
        one, crc = np.zeros(1, np.int64), np.zeros(1, np.uint32)
        kernels.batch_terms(one, one + 1, crc, crc, one, _shift_table(), _SHIFT_LIMIT)
        self._compiled = True
        return True

    def _sync(self, syllables: Sequence[str], generation: object) -> None:
        """Number the folded syllables of the rows added since the last batch (all, in a new
        generation), and compute the values of the numbers new among them."""
        if generation is None or generation != self._generation:
            self._size = 0
            self._numbers = {}
            self._folded = []  # TermNames of earlier batches keep the old list
            self._generation = generation
        lo, size = self._size, len(syllables)
        if size <= lo:
            return
        if size > self._canon.size:
            grown = np.zeros(max(size, 2 * self._canon.size), dtype=np.intp)
            grown[:lo] = self._canon[:lo]
            self._canon = grown
        numbers, folded = self._numbers, self._folded
        known = len(folded)
        setdefault = numbers.setdefault
        canon = []
        for f in fold_many(list(itertools.islice(syllables, lo, size))):
            number = setdefault(f, len(numbers))
            if number == len(folded):
                folded.append(f)
            canon.append(number)
        self._canon[lo:size] = canon
        self._size = size
        total = len(folded)
        if total > self._crc.size:
            grown_to = max(total, 2 * self._crc.size)
            for name in ("_crc", "_spaced_crc", "_spaced_len", "_has_space"):
                old = getattr(self, name)
                new = np.zeros(grown_to, dtype=old.dtype)
                new[:known] = old[:known]
                setattr(self, name, new)
        added = [s.encode("utf-8") for s in folded[known:]]
        spaced = [b" " + b for b in added]
        count = len(added)
        self._crc[known:total] = np.fromiter(map(zlib.crc32, added), dtype=np.uint32, count=count)
        self._spaced_crc[known:total] = np.fromiter(map(zlib.crc32, spaced), dtype=np.uint32, count=count)
        self._spaced_len[known:total] = np.fromiter(map(len, spaced), dtype=np.int64, count=count)
        self._has_space[known:total] = np.fromiter((b" " in b for b in added), dtype=bool, count=count)

    def __call__(
        self,
        flat: list[str],
        lengths: np.ndarray,
        rows: np.ndarray,
        syllables: Sequence[str],
        generation: object,
    ) -> tuple[list[Mapping[str, int]], list[np.ndarray]]:
        """Return :func:`terms_many` of a batch: the same terms (same order, same counts) and
        codes, each text's terms as a :class:`TermSlice` of the batch's arrays.

        The mappings are equal to :func:`terms_many`'s dictionaries without one being made per
        text: what the pipeline's workers give :func:`~duluan.analysis.dask_engine.
        pack_documents`, which then sends the arrays as they are instead of walking every
        dictionary back into them. A worker's dedupe step and packing took 33.3 µs of CPU a news
        lead against 39.2 with dictionaries (20,000 leads of ``bench_analyze`` in batches of
        2,000, best of 3, alternating runs, 2026-11-30); an import's worker 202 against 212 µs a
        row (its term profiles read the slices' dictionaries, made on demand). A batch left to
        :func:`terms_many` (see the class) keeps its dictionaries.

        Args:
            flat: The syllables of all the texts, one text after the other.
            lengths: The number of syllables of each text (``int64``).
            rows: The row of each syllable of ``flat`` (``intp``): equal syllables, equal rows.
            syllables: The syllable of each row (at least up to the largest in ``rows``).
            generation: What the rows belong to: while it stays equal, a row keeps its
                syllable from batch to batch (and its values here); ``None`` is a new one
                every time.

        Returns:
            ``(terms, codes)``, one entry per text.
        """
        n, total = lengths.size, rows.size
        if total == 0:
            nothing = np.zeros(0, dtype=np.int64)
            return [TermSlice([], nothing, 0, 0) for _ in range(n)], [nothing] * n
        self._sync(syllables, generation)
        rows = self._canon[rows]
        syllables = self._folded
        if self._has_space[rows].any():
            bounds = [0, *np.cumsum(lengths).tolist()]
            return terms_many([flat[lo:hi] for lo, hi in itertools.pairwise(bounds)])  # type: ignore[return-value]
        if self._compiled:
            return self._compiled_terms(rows, lengths, syllables)
        ends = np.cumsum(lengths)
        # A term starts at each position followed by one of its text (a bigram), and at the
        # position of each text of one syllable (that syllable alone).
        alone = ends[lengths == 1] - 1
        is_term = np.ones(total, dtype=bool)
        is_term[ends[lengths > 0] - 1] = False
        is_term[alone] = True
        where = np.flatnonzero(is_term)
        m = where.size
        first = rows[where]
        second = rows[np.minimum(where + 1, total - 1)]
        width = int(rows.max()) + 1
        # A term's key: its two rows; past every pair's, for a syllable alone.
        keys = first * width + second
        if alone.size:
            at = np.searchsorted(where, alone)
            keys[at] = width * width + first[at]
        # The occurrences by term, then position: one sort of (key, index) packed into one
        # integer when it fits (unless a batch has millions of distinct syllables).
        bits = m.bit_length()
        if (width * width + width) < 1 << (62 - bits):
            packed = np.sort((keys << bits) | np.arange(m))
            order, sorted_keys = packed & ((1 << bits) - 1), packed >> bits
        else:
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
        doc_of = np.repeat(np.arange(n), lengths)[where]
        new_term = np.ones(m, dtype=bool)
        new_term[1:] = sorted_keys[1:] != sorted_keys[:-1]
        # An entry is a text's term: its occurrences are consecutive in this order, the first
        # first, so it is counted by the distance to the next entry.
        new_entry = new_term.copy()
        sorted_docs = doc_of[order]
        new_entry[1:] |= sorted_docs[1:] != sorted_docs[:-1]
        entry_at = np.flatnonzero(new_entry)
        count_at = np.empty(m, dtype=np.int64)  # by occurrence: its entry's count, if first
        count_at[order[entry_at]] = np.diff(np.append(entry_at, m))
        # Terms are numbered in order of first occurrence (pairs, then syllables alone), so
        # their strings are made walking ``flat`` forwards: in the order of the keys (all over
        # the batch) the same strings took twice as long to make.
        term_first = order[new_term]
        n_alone = int(np.count_nonzero(sorted_keys[new_term] >= width * width)) if alone.size else 0
        pair_at = np.sort(term_first[: term_first.size - n_alone])
        alone_at = np.sort(term_first[term_first.size - n_alone :])
        number = np.empty(m, dtype=np.intp)  # by occurrence: its term's number, if first
        number[pair_at] = np.arange(pair_at.size)
        number[alone_at] = np.arange(pair_at.size, term_first.size)
        # Each term's rows (the second -1 for a syllable alone): its name is made only when
        # read (TermNames).
        term_left = np.empty(term_first.size, dtype=np.intp)
        term_right = np.full(term_first.size, -1, dtype=np.intp)
        left, right = first[pair_at], second[pair_at]
        term_left[: pair_at.size], term_right[: pair_at.size] = left, right
        term_left[pair_at.size :] = first[alone_at]
        codes = np.empty(term_first.size, dtype=np.int64)
        codes[pair_at.size :] = self._crc[first[alone_at]]
        codes[: pair_at.size] = self._pair_codes(left, right)
        # Each occurrence's term number, from the first one of its term; the entries in order
        # of first occurrence, as the dictionaries list them.
        run = np.cumsum(new_term) - 1
        term_of = np.empty(m, dtype=np.intp)
        term_of[order] = number[term_first][run]
        is_entry = np.zeros(m, dtype=bool)
        is_entry[order[entry_at]] = True
        entries = np.flatnonzero(is_entry)
        entry_terms = term_of[entries]
        entry_counts = count_at[entries]
        entry_docs = doc_of[entries]
        names = TermNames(syllables, term_left[entry_terms], term_right[entry_terms])
        pairs = list(itertools.pairwise([0, *np.cumsum(np.bincount(entry_docs, minlength=n)).tolist()]))
        entry_codes = codes[entry_terms]
        return (
            [TermSlice(names, entry_counts, lo, hi) for lo, hi in pairs],
            [entry_codes[lo:hi] for lo, hi in pairs],
        )

    def pair_codes(self, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The term codes of the pairs of syllables that end at ``positions`` of the last batch's
        ``rows`` (both syllables of the same text): what :func:`name_flags_many` needs of the
        pairs a text capitalises, without their strings (3 µs a news lead from the strings,
        2026-12-02)."""
        return self._pair_codes(self._canon[rows[positions - 1]], self._canon[rows[positions]])

    def _pair_codes(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The codes of the pairs of folded syllable numbers ``left[i]``, ``right[i]``: the first's
        CRC shifted over the bytes of " second" and combined with their CRC, or the CRC of the
        string where " second" is too long for the shift tables."""
        codes = np.empty(left.size, dtype=np.int64)
        spaced_len = self._spaced_len[right]
        short = spaced_len < _SHIFT_LIMIT
        codes[short] = _crc_shift(self._crc[left[short]], spaced_len[short]) ^ self._spaced_crc[right[short]]
        folded = self._folded
        for t in np.flatnonzero(~short).tolist():
            codes[t] = zlib.crc32(f"{folded[left[t]]} {folded[right[t]]}".encode())
        return codes

    def _compiled_terms(
        self, rows: np.ndarray, lengths: np.ndarray, syllables: list[str]
    ) -> tuple[list[Mapping[str, int]], list[np.ndarray]]:
        """What the sort above finds, by one compiled loop over the batch (each text's terms in a
        hash table): 1.2 µs of CPU a news lead against 5.0 (20,000 leads in batches of 2,000,
        best of 7, 2026-12-02)."""
        from duluan.analysis import kernels

        left, right, counts, codes, per_text = kernels.batch_terms(
            rows.astype(np.int64, copy=False),
            lengths.astype(np.int64, copy=False),
            self._crc,
            self._spaced_crc,
            self._spaced_len,
            _shift_table(),
            _SHIFT_LIMIT,
        )
        # The pairs whose second syllable is too long for the tables, as the sort's way does them.
        long = np.flatnonzero(codes < 0)
        if long.size:
            codes[long] = self._pair_codes(left[long], right[long])
        names = TermNames(syllables, left, right)
        pairs = list(itertools.pairwise([0, *np.cumsum(per_text).tolist()]))
        return (
            [TermSlice(names, counts, lo, hi) for lo, hi in pairs],
            [codes[lo:hi] for lo, hi in pairs],
        )


class TermNames(Sequence[str]):
    """The names of a batch's terms, each made when it is read: term ``i`` is
    ``syllables[first[i]]``, then a space and ``syllables[second[i]]`` unless ``second[i]`` is
    negative (a syllable alone).

    What :class:`TermCoder` gives in place of a list of strings. A worker made some 46 of them a
    news lead, joined them for the trip to the driver, which split them again, and the
    clusterer only reads the 48 strongest of each text (``_DOC_TERMS``); the rows and the
    batch's syllables cross instead (``dask_engine.pack_documents``), and :meth:`take` makes
    the names the clusterer keeps. On 20,000 news leads in batches of 1,000 (three alternating
    runs, 2026-12-01), the dedupe-features step took 22-25 µs of CPU a lead against 35-37,
    packing 9-16 against 17 and unpacking 2.4-3.1 against 8.2, the clusterer as before; over
    30,000 leads, `duluan analyze` used 9.1-10.6 CPU-s against 10.0-12.2 (six alternating
    pairs, the same output).

    Args:
        syllables: The syllable of each row (a list only ever appended to while rows keep their
            meaning).
        first: Each term's first row.
        second: Each term's second row, or -1.
    """

    __slots__ = ("first", "second", "syllables")

    def __init__(self, syllables: Sequence[str], first: np.ndarray, second: np.ndarray) -> None:
        self.syllables, self.first, self.second = syllables, first, second

    def take(self, positions: np.ndarray | slice) -> list[str]:
        """The names of the terms at ``positions`` (an index array or a slice), in order."""
        syllables = self.syllables
        return [
            syllables[a] if b < 0 else f"{syllables[a]} {syllables[b]}"
            for a, b in zip(self.first[positions].tolist(), self.second[positions].tolist(), strict=True)
        ]

    def __len__(self) -> int:
        return len(self.first)

    @overload
    def __getitem__(self, at: int) -> str: ...

    @overload
    def __getitem__(self, at: slice) -> TermNames: ...

    def __getitem__(self, at: int | slice) -> str | TermNames:
        if isinstance(at, slice):
            return TermNames(self.syllables, self.first[at], self.second[at])
        if not -len(self) <= at < len(self):
            raise IndexError(at)
        return self.take(np.array([at]))[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self.take(slice(None)))

    def __reduce__(self) -> tuple[Any, ...]:
        return list, (self.take(slice(None)),)

    def __repr__(self) -> str:
        return f"TermNames({self.take(slice(None))!r})"


def take_names(names: Sequence[str], positions: np.ndarray) -> list[str]:
    """The strings of ``names`` at ``positions`` (an index array), in order."""
    if type(names) is TermNames:
        return names.take(positions)
    if positions.size == 1:
        return [names[int(positions[0])]]
    return list(itemgetter(*positions.tolist())(names)) if positions.size else []


class TermSlice(Mapping):
    """A document's term counts kept as a slice of its batch's flat arrays: its terms are
    ``names[start:stop]`` and their counts ``counts[start:stop]``, in order.

    What a driver that receives analysed batches from worker processes gives the clusterer
    (``dask_engine.unpack_documents(..., flat_terms=True)``): :meth:`OnlineClusterer.vectorise_many`
    reads a batch's slices straight from the shared arrays, so no dictionary is built per document.
    Making the dictionaries and chaining them back into lists was about 7 µs a news lead of the
    driver's CPU (2026-11-30). A read-only mapping equal to the dictionary of the same counts (made
    on the first look-up by key); it pickles as that dictionary, not as the whole batch.
    """

    __slots__ = ("_dict", "counts", "names", "start", "stop")

    def __init__(self, names: Sequence[str], counts: np.ndarray, start: int, stop: int) -> None:
        self.names, self.counts, self.start, self.stop = names, counts, start, stop
        self._dict: dict[str, int] | None = None

    def _as_dict(self) -> dict[str, int]:
        if self._dict is None:
            self._dict = dict(
                zip(self.names[self.start : self.stop], self.counts[self.start : self.stop].tolist())
            )
        return self._dict

    def __getitem__(self, term: str) -> int:
        return self._as_dict()[term]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names[self.start : self.stop])

    def __len__(self) -> int:
        return self.stop - self.start

    # The dictionary's own views: Mapping's would walk the terms in Python (a worker of an import
    # reads every signal's items, see duluan.apps.issues.titles.term_profile).
    def items(self):  # type: ignore[override]
        return self._as_dict().items()

    def values(self):  # type: ignore[override]
        return self._as_dict().values()

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self._as_dict(),)

    def __repr__(self) -> str:
        return f"TermSlice({self._as_dict()!r})"


@dataclass(slots=True)
class ClusterDoc:
    """What the clusterer needs to know about one document.

    Attributes:
        id: Document id.
        terms: Raw term counts (e.g. syllables and syllable bigrams); weighted here.
        topic: Topic label, or ``None`` when unknown (compatible with every topic).
        places: Codes of the places mentioned (any scheme); empty is compatible with all.
        created_at: When the text was written; ``None`` means "now" (the newest time seen).
        codes: :func:`term_codes` of ``terms`` in the same order, when already computed (e.g.
            by a worker process); computed here otherwise.
        other_topic: A second topic whose clusters the document may join too: its classifier's
            runner-up, when topics must agree (``require_same_topic``). Two reports of one event
            are often classified apart when the first two topics are close.
        series_day: :func:`series_day` of its text: a document stamped with one day does not
            join a cluster stamped with another (0: none, compatible with all).
        names: :func:`name_flags` of its text and terms: the terms it writes as proper names,
            which weigh :data:`NAME_WEIGHT` times more (``None``: none).
        joins: The id of an earlier document whose cluster it joins whatever their similarity,
            topics and places, while that cluster is open and within the window of its time,
            and the earlier one among the last :data:`JOINABLE_DOCS` assigned: its original,
            when it is an exact copy (``None``: none, or the cluster is out of reach, and it is
            assigned as any other).
        within: Codes of the units its places lie within (any scheme; read only with
            ``places``): a document and a cluster are in one place when a place of one is a place
            of the other or a unit a place of the other lies within (a ward and its city or
            province, of either scheme), not when they only lie within one unit (two wards).
    """

    id: str
    terms: Mapping[str, float]
    topic: str | None = None
    places: frozenset[str] = frozenset()
    created_at: datetime | None = None
    codes: np.ndarray | None = None
    other_topic: str | None = None
    series_day: int = 0
    names: np.ndarray | None = None
    joins: str | None = None
    within: frozenset[str] = frozenset()


@dataclass(slots=True, eq=False)
class Cluster:
    """An active cluster.

    Compared and hashed by identity: the clusterer indexes open clusters in sets.

    Attributes:
        id: Cluster id (``"c"`` and ``seq``, stable under resume).
        seq: Creation sequence number.
        size: Number of documents assigned.
        topic: Topic of the first document with a topic.
        places: Place codes seen in the cluster.
        first_seen: Time of the earliest document.
        last_seen: Time of the latest document.
        weights: Sum of the documents' unit vectors, pruned to the strongest terms.
        norm: Euclidean norm of ``weights``.
        posted: Terms the cluster is indexed under for candidate search.
        mask: Bits (``term_code % _MASK_BITS``) of every term it has had, or -1 (all bits).
        top: Its largest weight divided by its norm, at least (``inf`` when unknown).
        other_topic: The runner-up topic of the document that gave it its topic (``None``:
            none, or no topic yet).
        series_day: The first :func:`series_day` of its documents that has one (0: none yet).
        within: Codes of the units its documents' places lie within (see
            :attr:`ClusterDoc.within`).
    """

    id: str
    seq: int
    size: int = 0
    topic: str | None = None
    places: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    weights: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    posted: set[str] = field(default_factory=set)
    # What bounds the cluster's similarity with a document (see OnlineClusterer.assign): a
    # superset of the bits of its terms, and its largest weight over its norm. The defaults
    # bound nothing (every bit, any weight).
    mask: int = -1
    top: float = math.inf
    series_day: int = 0
    other_topic: str | None = None
    within: set[str] = field(default_factory=set)

    def centroid(self) -> dict[str, float]:
        """Return the unit-length centroid vector (term → weight)."""
        if self.norm <= 0:
            return {}
        return {t: w / self.norm for t, w in self.weights.items()}

    def __iter__(self) -> Iterator[Cluster]:
        """Iterate as the set of this cluster alone: a posting of one cluster is the cluster
        (see :func:`_post`), and ``set.update`` reads it as it reads a set of several."""
        return iter((self,))

    def summary_terms(self, k: int = 10) -> list[str]:
        """Return the ``k`` strongest centroid terms, strongest first (ties alphabetical)."""
        weights = self.weights
        if 0 < k < len(weights):
            # Only terms at least as strong as the k-th strongest weight can be among the first
            # k (the floats alone sort fast): order those few.
            kth = sorted(weights.values(), reverse=True)[k - 1]
            top = sorted([t for t, w in weights.items() if w >= kth])
        else:
            top = sorted(weights)
        # Alphabetical, then by weight: the sort is stable, also in reverse, so ties stay
        # alphabetical.
        top.sort(key=weights.__getitem__, reverse=True)
        return top[:k]


class OnlineClusterer:
    """Assign documents one at a time to clusters; deterministic for the same input order.

    Args:
        similarity_threshold: Minimum cosine similarity with a centroid to join its cluster.
            0.22 by default, chosen on the dev slice of the clustering gold set
            (:mod:`~duluan.analysis.cluster_eval`): event pairs found 47.5 % (dev) and 27.0 %
            (test) of the time, against 8.7 and 5.8 % at 0.35, the joins right 53.7 and 61.8 %
            of the time (57.1 and 80.6). Most wrong joins are recurring series (each day's gold
            price or market commentary) and features on one subject.
        window: A cluster not updated for this long (relative to the newest document) closes.
        max_active: At most this many clusters stay open; the least recently updated closes.
        buckets: Size of the hashed document-frequency table.
        require_same_topic: Whether a document may only join a cluster of a compatible topic:
            the document's two most probable topics (:attr:`ClusterDoc.topic` and
            :attr:`ClusterDoc.other_topic`) and the cluster's (those of the document that gave
            it its topic) have one in common. The runner-ups count on both sides: on the
            clustering gold set with series days (2026-12-02), event-level pairwise F1 went from
            53.2 to 53.5 (dev) and 45.0 to 47.2 (test), issue-level from 34.1 to 35.4 and 22.9
            to 24.0, with the cluster's taken too; no topic test at all gave 53.7 / 48.4 and
            35.5 / 24.7. Before that, only the document's runner-up counted because, on the clustering
            gold set, event-level pairwise F1 went from 50.4 to 50.9 (dev) and 37.6 to 42.3
            (test), issue-level from 34.7 to 36.2 and 19.9 to 22.5: a report classified under
            its second topic had opened a cluster of its own. Taking it only when its
            probability was at least 0.3 of the first's, or only below a first of 0.5, gave
            51.0 / 40.1 and 51.0 / 39.3 (issue-level 35.0 on dev); letting such unsure texts
            join any topic, 50.8 / 41.6 (2026-12-01).

    Example:
        >>> c = OnlineClusterer(similarity_threshold=0.3)
        >>> c.assign(ClusterDoc("1", {"ngập": 2, "úng": 1, "vũ ninh": 1}))
        'c1'
        >>> c.assign(ClusterDoc("2", {"ngập": 1, "úng": 1, "vũ ninh": 1}))
        'c1'
    """

    def __init__(
        self,
        similarity_threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
        window: timedelta = timedelta(days=7),
        max_active: int = 10_000,
        buckets: int = 1 << 18,
        require_same_topic: bool = True,
    ) -> None:
        self.similarity_threshold = similarity_threshold
        self.window = window
        self.max_active = max_active
        self.buckets = buckets
        self.require_same_topic = require_same_topic
        self.clusters_: OrderedDict[int, Cluster] = OrderedDict()
        self.df_ = np.zeros(buckets, dtype=np.int32)
        self.n_docs_ = 0
        self.next_id_ = 1
        self.now_: datetime | None = None
        # Topic -> term -> the open clusters of that topic indexed under the term, the cluster
        # itself while it is the only one (see _post and _postings_of); one table, under None,
        # when topics need not agree.
        self._postings: dict[str | None, dict[str, Cluster | set[Cluster]]] = {}
        # Whether every time kept in a cluster is naive or has a fixed offset (the times of a
        # loaded state do): then the window test compares times instead of subtracting them.
        self._plain_times = True
        # Bounds of the open clusters' last_seen (see _bound_times): every one that is not None
        # lies in [_low, _high]; both are None when none has a time.
        self._low: datetime | None = None
        self._high: datetime | None = None
        self._closed = 0  # clusters closed so far
        self._bounded_at = 0  # _closed when the bounds were last made exact
        self._kernels: Any = None  # duluan.analysis.kernels, once load_compiled is called
        # The documents assigned so far, and the cluster of each recent one by its id: (the
        # cluster's seq, the document's number), for ClusterDoc.joins. A pair is of use while
        # its cluster is open and the document among the last JOINABLE_DOCS (_joinable_cluster);
        # the others are dropped once there are twice as many pairs (_forget_unjoinable).
        self.assigned_ = 0
        self._joinable: dict[str, tuple[int, int]] = {}

    def load_compiled(self) -> None:
        """Weigh batches with compiled loops (:mod:`duluan.analysis.kernels`) from now on.

        The vectors, and so the clusters, are the same to the last bit (tested). Weighing
        30,000 news leads in batches of 1,000 took 49-55 µs of CPU a lead against 60-71 (five
        alternating runs, 2026-12-02), but loading numba costs about 1 s in a process: the
        compiled clusterer of long streams weighs so
        (:class:`~duluan.analysis.cluster_compiled.CompiledClusterer`), the platform's single
        signals do not.
        """
        from duluan.analysis import kernels  # numba: imported only by those who weigh this way

        self._kernels = kernels

    # -- weighting -------------------------------------------------------------------------

    def vectorise(self, terms: Mapping[str, float], codes: np.ndarray | None = None) -> dict[str, float]:
        """Count a document in the document frequencies and return its unit TF-IDF vector.

        A batch of one for :meth:`vectorise_many`, the one implementation: its NumPy calls cost
        about 100 µs a document more than in batches, so streams go through
        :meth:`assign_many` (or pass :meth:`vectorise_many` vectors to :meth:`assign`).

        Args:
            terms: Raw term counts.
            codes: :func:`term_codes` of ``terms`` (computed when ``None``).

        Returns:
            Term → weight, strongest first (ties in the terms' order), at most ``_DOC_TERMS``
            terms, Euclidean norm 1 (empty for no terms, which are not counted).
        """
        return self.vectorise_many([ClusterDoc("", terms, codes=codes)])[0]

    def vectorise_many(self, docs: Sequence[ClusterDoc]) -> list[dict[str, float]]:
        """Count each document in turn in the document frequencies and return its vector.

        The vectors are those of one document at a time, bit for bit, whatever the batch
        (tested), computed for the whole batch at once. A document's idf counts the documents
        before it; within a batch that is the table's count before the batch plus the number of
        the batch's documents up to its own that have the bucket: a rank within the bucket's
        group after one sort. Logarithms, tf factors, ordering and scaling then run once over
        the batch's terms; only the dictionaries (and the exact sums of the norms) are made per
        document. Measured on 100,000 news leads in batches of 2,000 (2026-11-30): 16.6 µs of
        CPU a lead, against 20.0 for the per-document code it replaced.

        Args:
            docs: Documents in stream order (their ``terms`` and ``codes``).

        Returns:
            One unit TF-IDF vector per document, in order: term → weight, strongest first
            (ties in the terms' order), at most ``_DOC_TERMS`` terms; ``{}`` for a document
            without terms, which is not counted.
        """
        return self._vectorise_many(docs, reaches=False)[0]

    def _vectorise_many(
        self, docs: Sequence[ClusterDoc], reaches: bool = True
    ) -> tuple[list[dict[str, float]], list[_Reach | None]]:
        """:meth:`vectorise_many`, and with ``reaches`` each vector's :data:`_Reach` (``None`` for
        no terms, and for every vector without ``reaches``: :meth:`assign` works it out)."""
        out: list[dict[str, float]] = [{} for _ in docs]
        reached: list[_Reach | None] = [None] * len(docs)
        weighed = self._weigh(docs)
        if weighed is None:
            return out, reached
        present, names, keep, unit, kept, kept_codes = weighed
        keys = take_names(names, keep)
        values = unit.tolist()
        ends = np.cumsum(kept).tolist()
        for i, lo, hi in zip(present, [0, *ends], ends):
            out[i] = dict(zip(keys[lo:hi], values[lo:hi]))
        if reaches:
            for i, reach in zip(present, _reaches(kept_codes, unit, kept)):
                reached[i] = reach
        return out, reached

    def _weigh(
        self, docs: Sequence[ClusterDoc]
    ) -> tuple[list[int], Sequence[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """Count a batch's documents with terms in the document frequencies, in order, and weigh
        their terms: ``None`` when none has terms, else ``(present, names, keep, unit, kept,
        codes)``: the positions in ``docs`` of those with terms; all their terms' names, one
        document after the other, and the positions there of their vectors' terms (names not
        made yet: the compiled clusterer numbers :class:`TermNames` by their syllables); these
        terms' weights (one vector after the other, each strongest first); how many terms each
        vector has; and these terms' codes."""
        present = [i for i, d in enumerate(docs) if d.terms]
        if not present:
            return None
        term_dicts = [docs[i].terms for i in present]
        flat = flat_term_arrays(term_dicts)
        if flat is not None:
            names, counts, lengths = flat
        else:
            names = list(itertools.chain.from_iterable(term_dicts))
            # Each mapping's own values(): a dict's run in C (Mapping.values iterates in Python).
            counts = list(itertools.chain.from_iterable(map(_values, term_dicts)))
            lengths = list(map(len, term_dicts))
        code_parts = []
        # The flags of the documents that have names, and where their terms start in the batch.
        name_parts: list[np.ndarray] = []
        name_at: list[int] = []
        at = 0
        for i, n in zip(present, lengths, strict=True):
            doc = docs[i]
            codes = doc.codes
            code_parts.append(
                codes if codes is not None and len(codes) == n else term_codes(names[at : at + n])
            )
            flags = doc.names
            if flags is not None and len(flags) == n:
                name_parts.append(flags)
                name_at.append(at)
            at += n
        n_docs = len(present)
        sizes = np.asarray(lengths, dtype=np.int64)
        codes = np.concatenate(code_parts).astype(np.int64, copy=False)
        kernels = self._kernels
        if kernels is not None:
            df = kernels.count_document_frequencies(codes, sizes, self.df_)
            doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), sizes)
        else:
            df, doc_of = self._document_frequencies(codes, sizes)
        seen = 1.0 + (self.n_docs_ + 1 + doc_of)  # the number of documents each one saw
        self.n_docs_ += n_docs
        weights = np.log(seen / (1.0 + df)) + 1.0
        weights *= _tf_factors(counts)
        if name_parts:
            # Each flagged term's place in its document, moved to its document's place in the batch.
            flagged = np.concatenate(name_parts)
            part_sizes = np.fromiter(map(len, name_parts), dtype=np.int64, count=len(name_parts))
            shift = np.asarray(name_at, dtype=np.int64) - (np.cumsum(part_sizes) - part_sizes)
            named = np.flatnonzero(flagged)
            weights[named + np.repeat(shift, part_sizes)[named]] *= NAME_WEIGHT
        if kernels is not None:
            keep, unit, kept = kernels.strongest_terms(weights, sizes, _DOC_TERMS)
        else:
            keep, unit, kept = _strongest_unit(weights, doc_of, sizes)
        return present, names, keep, unit, kept, np.take(codes, keep)

    def _document_frequencies(self, codes: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Count a batch's documents in ``df_`` and return each term's document frequency just
        after its document was counted, and each term's document (numpy's way of
        :func:`~duluan.analysis.kernels.count_document_frequencies`).

        A document's idf counts the documents before it: the table's count before the batch
        plus the number of the batch's documents up to its own that have the bucket, a rank
        within the bucket's group after one sort.
        """
        n_docs = sizes.size
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), sizes)
        idx = codes % self.buckets
        # Each (bucket, document) pair once, by bucket then document: a bucket two of a text's
        # terms share counts the text once.
        pairs, pair_of = np.unique(idx * n_docs + doc_of, return_inverse=True)
        pair_buckets = pairs // n_docs
        first = np.flatnonzero(np.r_[True, pair_buckets[1:] != pair_buckets[:-1]])
        group_sizes = np.diff(np.r_[first, pairs.size])
        rank = np.arange(1, pairs.size + 1) - np.repeat(first, group_sizes)
        df = self.df_[idx] + rank[pair_of.ravel()]
        self.df_[pair_buckets[first]] += group_sizes.astype(self.df_.dtype)
        return df, doc_of

    # -- assignment ------------------------------------------------------------------------

    def assign(self, doc: ClusterDoc, vector: dict[str, float] | None = None) -> str:
        """Assign one document to a cluster.

        Args:
            doc: The document.
            vector: Its :meth:`vectorise_many` vector, when its batch was vectorised at once
                (made here otherwise).

        Returns:
            The id of the cluster it joined or opened.
        """
        return self._assign(doc, vector)

    def _assign(
        self, doc: ClusterDoc, vector: dict[str, float] | None = None, reach: _Reach | None = None
    ) -> str:
        """:meth:`assign`, given the vector's :data:`_Reach` when its batch worked it out."""
        when = doc.created_at
        now = self.now_
        if when is not None and (now is None or when > now):
            self.now_ = now = when
        clusters = self.clusters_
        window = self.window
        if now is not None:
            horizon = now - window
            # Clusters are kept in update order, so stale ones are usually at the front (_expire).
            # None is stale when the lowest last_seen is not (_bound_times), which spares most
            # documents this look at the first cluster.
            if clusters and (not self._plain_times or (self._low is not None and self._low < horizon)):
                last = next(iter(clusters.values())).last_seen
                if last is not None and last < horizon:
                    self._expire()
        if vector is None:
            vector = self.vectorise_many([doc])[0]  # its names too (see name_flags)
        if reach is None:
            reach = _reach_of(vector)
        probe = list(vector)[:_LOOKUP_TERMS]  # vectors list the strongest first
        # Clusters are indexed under the strongest terms of their documents (see _add), and
        # found by more of the strongest terms of the new one: similar texts share their key
        # words, but not always among the strongest of both.
        # The postings are split by topic, a cluster posted in the tables of its topic and of its
        # other topic, and only the tables of compatible topics are looked in: the document's
        # own, its other topic's and None's (clusters without a topic), or all of them for a
        # document without one. A fifth of the candidates had another topic,
        # and the others need no test of it (assign: 41.9 -> 38.8 µs a lead, 100,000 leads in
        # batches of 2,000, best of 3 alternating runs, 2026-11-30). The tables hold the clusters
        # themselves, not their seqs (a look-up in clusters_ less per candidate: 39.0 -> 37.4,
        # best of 5).
        by_topic = self._postings
        topic = doc.topic if self.require_same_topic else None
        # A document that names an earlier one to join (an exact copy its original) joins its
        # cluster while it can, without a search.
        joined = self._joinable_cluster(doc.joins, when) if doc.joins is not None else None
        if joined is not None:
            found = set()
        elif topic:
            postings = by_topic.get(topic)
            found = set() if postings is None else set().union(*map(postings.get, probe, _NO_HITS))
            postings = by_topic.get(None)
            if postings is not None:
                found.update(*map(postings.get, probe, _NO_HITS))
            other = doc.other_topic
            if other and other != topic:
                postings = by_topic.get(other)
                if postings is not None:
                    found.update(*map(postings.get, probe, _NO_HITS))
        else:
            found = set()
            for postings in by_topic.values():
                found.update(*map(postings.get, probe, _NO_HITS))
        best: Cluster | None = joined
        best_sim = self.similarity_threshold
        if found:
            # A compatible cluster has the same topic (when both have one and it is required:
            # the tables above), shares a place (when both have some), has the same series day
            # (when both have one) and was updated within the window of ``when``.
            places = doc.places
            within = doc.within
            day = doc.series_day
            # The window as a range of ``last_seen``: two comparisons instead of a subtraction.
            # Exact when every time is naive or has a fixed offset (see _plain_times).
            # The window is both the document's (a cluster updated more than the window before
            # or after it) and the newest document's (a cluster not updated within the window
            # of the newest is closed, even while the lazy _expire has not reached it yet: a
            # row older than that opens a cluster of its own, whatever the order of the open
            # clusters). A document without a time is taken as of the newest.
            at = when if when is not None else now
            lo = hi = None
            tz = at.tzinfo if at is not None else None
            fast = at is not None and self._plain_times and (tz is None or type(tz) is timezone)
            if fast:
                try:
                    # (now is the newest time, the document's own or later)
                    lo, hi = now - window, at + window  # type: ignore[operator]
                except OverflowError:
                    fast = False
                else:
                    # When every open cluster is within the window (nearly always), no candidate
                    # needs the test: 14.7 a lead on news (assign: 46.9 -> 44.9 µs a lead with
                    # the look at the first cluster above, best of 5, 2026-11-30).
                    low, high = self._low, self._high
                    if low is not None and not (lo <= low and high <= hi) and self._bound_times():
                        low, high = self._low, self._high
                    if low is None or (lo <= low and high <= hi):
                        lo = None
            if at is not None and not fast:
                lo = at  # any value but None: the subtractions below decide
            vkeys = vector.keys()
            best_seq = 0
            # Most candidates share one or two terms with the document, and those terms' weights
            # are far too small to reach the threshold. What the two could have in common
            # bounds the similarity without looking at the terms: at most k terms, where k is
            # the number of bits set in both masks plus the document's terms that share a bit
            # with another of its terms; each weighs at most the cluster's ``top`` (over the
            # norm) in the cluster and the document's k strongest weights together. A candidate
            # whose bound is below the best similarity so far cannot be the best, so it is left
            # out before the look-up of its terms. The result is the same (the bound is never
            # below the similarity; the margin covers its rounding). On the first 50,000 of
            # bench_analyze's news leads, 92 % of the 404,000 candidates were left out so; over
            # 100,000 leads, `duluan analyze` used 10.4-10.6 s of CPU in the driver against
            # 11.8-12.3 (same output; three alternating runs, 2026-12-01).
            mask, surplus, prefix = reach
            cut = best_sim * (1.0 - _BOUND_MARGIN)
            # The best is the most similar compatible cluster, the oldest of equals: the result
            # does not depend on the order candidates are met in.
            for cluster in found:
                if (
                    places
                    and cluster.places
                    and places.isdisjoint(cluster.places)
                    # (nor does one lie within a place of the other)
                    and places.isdisjoint(cluster.within)
                    and within.isdisjoint(cluster.places)
                ):
                    continue
                if day and cluster.series_day and day != cluster.series_day:
                    continue
                last = cluster.last_seen
                if (
                    lo is not None
                    and last is not None
                    and ((last < lo or last > hi) if fast else abs(at - last) > window or now - last > window)
                ):
                    continue
                if cluster.top * prefix[(mask & cluster.mask).bit_count() + surplus] < cut:
                    continue
                cw = cluster.weights
                # In C; of two views the same size it iterates the right one, so the document's
                # terms (in cache) are looked up in the cluster's, not the other way round.
                shared = cw.keys() & vkeys
                if len(shared) == 1:  # most candidates: the one product is the sum
                    t = shared.pop()
                    sim = vector[t] * cw[t] / cluster.norm
                elif len(shared) == 2:
                    # One addition is correctly rounded, as fsum is: the same bits, without a
                    # list and a call (assign: 50.4–50.6 → 48.5–49.8 µs a lead, 100,000 leads
                    # in batches of 2,000, best of 3, 2026-11-30).
                    t, u = shared
                    sim = (vector[t] * cw[t] + vector[u] * cw[u]) / cluster.norm
                else:
                    # fsum is exact, so the order of the shared terms cannot change the result.
                    sim = math.fsum([vector[t] * cw[t] for t in shared]) / cluster.norm
                if sim >= best_sim and (sim > best_sim or best is None or cluster.seq < best_seq):
                    best, best_sim, best_seq = cluster, sim, cluster.seq
                    cut = best_sim * (1.0 - _BOUND_MARGIN)
        if best is None:
            best = self._open(vector, probe[:_PROBE_TERMS], doc, reach)
        else:
            self._add(best, vector, probe[:_PROBE_TERMS], doc, reach)
        while len(clusters) > self.max_active:
            self._close_oldest()
        number = self.assigned_
        self.assigned_ = number + 1
        joinable = self._joinable
        joinable[doc.id] = entry = (best.seq, number)
        if doc.joins is not None:  # later copies of its original join the cluster it is in now
            joinable[doc.joins] = entry
        if len(joinable) > 2 * JOINABLE_DOCS:
            self._forget_unjoinable()
        return best.id

    def _joinable_cluster(self, doc_id: str, when: datetime | None) -> Cluster | None:
        """The open cluster of document ``doc_id`` (one of the last :data:`JOINABLE_DOCS`
        assigned) when a document of time ``when`` may join it (updated within the window of
        that time and of the newest), else ``None``."""
        entry = self._joinable.get(doc_id)
        if entry is None or self.assigned_ - entry[1] > JOINABLE_DOCS:
            return None
        cluster = self.clusters_.get(entry[0])
        if cluster is None:
            return None
        # Open and within the window, as a candidate of the search (see _assign).
        last, now, window = cluster.last_seen, self.now_, self.window
        at = when if when is not None else now
        if at is not None and last is not None and (abs(at - last) > window or now - last > window):
            return None
        return cluster

    def _forget_unjoinable(self) -> None:
        """Drop the pairs of :attr:`_joinable` no document can join any more (the cluster closed,
        or the document is too far back)."""
        oldest = self.assigned_ - JOINABLE_DOCS
        clusters = self.clusters_
        self._joinable = {
            d: entry for d, entry in self._joinable.items() if entry[1] >= oldest and entry[0] in clusters
        }

    def joinable(self) -> list[tuple[str, int, int]]:
        """The documents a later one can still join by id (:attr:`ClusterDoc.joins`), as
        ``(id, cluster seq, how many documents were assigned after it)``, oldest first (ties by
        id): what the state keeps of them."""
        oldest = self.assigned_ - JOINABLE_DOCS
        clusters = self.clusters_
        last = self.assigned_ - 1
        return sorted(
            (
                (d, seq, last - number)
                for d, (seq, number) in self._joinable.items()
                if number >= oldest and seq in clusters
            ),
            key=_oldest_first,
        )

    def assign_many(self, docs: Iterable[ClusterDoc]) -> list[str]:
        """Assign documents in order; see :meth:`assign` (the vectors come from
        :meth:`vectorise_many`)."""
        docs = list(docs)
        return list(map(self._assign, docs, *self._vectorise_many(docs)))

    def _open(self, vector: dict[str, float], probe: list[str], doc: ClusterDoc, reach: _Reach) -> Cluster:
        # What _add does to a new, empty cluster, without the merging: the document's vector
        # (made for this call, see assign) becomes the centroid as it is.
        seq = self.next_id_
        self.next_id_ = seq + 1
        when = doc.created_at or self.now_
        if when is not None and when.tzinfo is not None and type(when.tzinfo) is not timezone:
            self._plain_times = False
        values = vector.values()
        norm = math.sqrt(math.fsum(map(mul, values, values)))
        mask, _, prefix = reach
        cluster = Cluster(
            f"c{seq}",
            seq,
            1,
            doc.topic or None,
            set(doc.places),
            when,
            when,
            vector,
            norm,
            set(probe),
            mask,
            prefix[1] / norm if norm > 0 else 0.0,
            doc.series_day,
            (doc.other_topic or None) if doc.topic else None,
            set(doc.within) if doc.places else set(),
        )
        for postings in self._postings_of(cluster):
            for term in probe:
                _post(postings, term, cluster)
        self.clusters_[seq] = cluster
        if when is not None:
            self._widen(when)
        return cluster

    def _add(
        self, cluster: Cluster, vector: Mapping[str, float], probe: list[str], doc: ClusterDoc, reach: _Reach
    ) -> None:
        weights = cluster.weights
        if weights:
            for term, w in vector.items():
                weights[term] = weights.get(term, 0.0) + w
        else:
            weights.update(vector)  # a new cluster (and 0.0 + w is w)
        posted, seq = cluster.posted, cluster.seq
        if cluster.topic is None and doc.topic:
            # Its postings move to the tables of its topics (the same one when topics need not
            # agree).
            self._unpost(posted, cluster)
            cluster.topic = doc.topic
            cluster.other_topic = doc.other_topic or None
            for postings in self._postings_of(cluster):
                for term in posted:
                    _post(postings, term, cluster)
        new = [term for term in probe if term not in posted]
        if new:
            posted.update(new)
            for postings in self._postings_of(cluster):
                for term in new:
                    _post(postings, term, cluster)
        if len(weights) > 2 * _CENTROID_TERMS:
            kept = dict(sorted(weights.items(), key=_strongest_first)[:_CENTROID_TERMS])
            cluster.weights = weights = kept
            dropped = posted - kept.keys()
            posted -= dropped
            self._unpost(dropped, cluster)
        # fsum is exact, so the norm does not depend on the order terms were added (resume).
        cluster.norm = norm = math.sqrt(math.fsum([w * w for w in weights.values()]))
        cluster.mask |= reach[0]
        cluster.top = max(weights.values()) / norm if norm > 0 else 0.0
        cluster.size += 1
        if not cluster.series_day:
            cluster.series_day = doc.series_day
        if doc.places:
            cluster.places.update(doc.places)
            cluster.within.update(doc.within)
        when = doc.created_at or self.now_
        if when is not None:
            if when.tzinfo is not None and type(when.tzinfo) is not timezone:
                self._plain_times = False
            if cluster.first_seen is None or when < cluster.first_seen:
                cluster.first_seen = when
            if cluster.last_seen is None or when > cluster.last_seen:
                cluster.last_seen = when
                self._widen(when)
        self.clusters_.move_to_end(seq)

    def _widen(self, when: datetime) -> None:
        """Widen the bounds of the open clusters' last_seen (see _bound_times) to take ``when``."""
        low = self._low
        if low is None:
            self._low = self._high = when
        elif when < low:
            self._low = when
        elif when > self._high:
            self._high = when

    def _tables_of(self, cluster: Cluster) -> tuple[str | None, ...]:
        """The topics whose postings tables hold a cluster: its topic's and its other topic's."""
        if not self.require_same_topic:
            return (None,)
        topic, other = cluster.topic, cluster.other_topic
        return (topic,) if other is None or other == topic or topic is None else (topic, other)

    def _postings_of(self, cluster: Cluster) -> list[dict[str, Cluster | set[Cluster]]]:
        """The postings tables of a cluster's topics (made when missing)."""
        tables = []
        for key in self._tables_of(cluster):
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = {}
            tables.append(postings)
        return tables

    def _unpost(self, terms: Iterable[str], cluster: Cluster) -> None:
        # The postings only answer membership (assign ranks what it finds), so the order
        # terms are dropped in does not matter.
        terms = tuple(terms)
        for key in self._tables_of(cluster):
            postings = self._postings.get(key)
            if postings is None:
                continue
            for term in terms:
                found = postings.get(term)
                if found is cluster:
                    del postings[term]
                elif found.__class__ is set:
                    found.discard(cluster)  # type: ignore[union-attr]
                    if not found:
                        del postings[term]
            if not postings:
                del self._postings[key]

    def _close_oldest(self) -> None:
        # Clusters are kept in update order: the first is the least recently updated.
        _, cluster = self.clusters_.popitem(last=False)
        self._unpost(cluster.posted, cluster)
        cluster.posted.clear()
        self._closed += 1

    def _bound_times(self, force: bool = False) -> bool:
        """Make ``_low`` and ``_high`` the exact lowest and highest last_seen of the open clusters
        (None when none has a time), and return True; or, unless forced, return False when
        fewer clusters have closed since the last time than a quarter of those open, which
        keeps this scan to a few steps a closed cluster however often assign asks.

        Between scans the bounds only widen (_open, _add): closing a cluster leaves them valid,
        if loose. Used while every time is naive or has a fixed offset (_plain_times), where
        comparisons order instants.
        """
        clusters = self.clusters_
        if not force and self._closed - self._bounded_at < len(clusters) >> 2:
            return False
        self._bounded_at = self._closed
        times = [t for c in clusters.values() if (t := c.last_seen) is not None]
        self._low, self._high = (min(times), max(times)) if times else (None, None)
        return True

    def _expire(self) -> None:
        if self.now_ is None:
            return
        horizon = self.now_ - self.window
        # Clusters are kept in update order, so stale ones are usually at the front; one that
        # was updated late with an old date is caught when it reaches the front.
        clusters = self.clusters_
        while clusters:
            first = next(iter(clusters.values()))
            if first.last_seen is None or first.last_seen >= horizon:
                break
            self._close_oldest()

    def document_frequencies(self, terms: list[str]) -> list[int]:
        """How many of the documents seen so far hold each term (counted in the table of hashed
        buckets, so a rare term may read a few more: the documents of the terms sharing its
        bucket)."""
        return self.df_[term_codes(terms) % self.buckets].tolist()

    def get(self, cluster_id: str) -> Cluster | None:
        """Return an open cluster by id, or ``None`` when it is closed or unknown."""
        try:
            return self.clusters_.get(int(cluster_id.removeprefix("c")))
        except ValueError:
            return None

    def forget_terms(self, cluster_id: str, terms: Iterable[str]) -> bool:
        """Take ``terms`` out of an open cluster's centroid and postings; whether any was there.

        For words its documents no longer say: a signal read again with a better masker (its
        writer's name masked) must not leave the name among the terms the clusterer keeps. The
        cluster stays open with its other terms, its norm and bounds made again from them (its
        term bits stay a superset, which is all a bound needs); the document frequencies, counts
        in hashed buckets that name no term, stay as they are.

        Args:
            cluster_id: An open cluster's id (closed or unknown ones are left alone).
            terms: Folded terms, as :func:`document_terms` makes them.
        """
        cluster = self.get(cluster_id)
        if cluster is None:
            return False
        weights = cluster.weights
        gone = [term for term in set(terms) if term in weights or term in cluster.posted]
        if not gone:
            return False
        for term in gone:
            weights.pop(term, None)
        unposted = [term for term in gone if term in cluster.posted]
        cluster.posted.difference_update(unposted)
        self._unpost(unposted, cluster)
        cluster.norm = norm = math.sqrt(math.fsum([w * w for w in weights.values()]))
        cluster.top = max(weights.values()) / norm if norm > 0 else 0.0
        return True

    # -- inspection and persistence -------------------------------------------------------

    def active(self) -> list[Cluster]:
        """Return the open clusters, least recently updated first."""
        return list(self.clusters_.values())

    def summary(self, cluster_id: str, k: int = 10) -> dict[str, Any]:
        """Describe an open cluster for the platform.

        Args:
            cluster_id: An open cluster's id.
            k: Number of summary terms.

        Returns:
            ``{"id", "size", "topic", "places", "first_seen", "last_seen", "terms",
            "centroid"}`` with ISO dates and the ``k`` strongest centroid terms.
        """
        c = self.get(cluster_id)
        if c is None:
            raise KeyError(cluster_id)
        return {
            "id": c.id,
            "size": c.size,
            "topic": c.topic,
            "places": sorted(c.places),
            "first_seen": c.first_seen.isoformat() if c.first_seen else None,
            "last_seen": c.last_seen.isoformat() if c.last_seen else None,
            "terms": c.summary_terms(k),
            "centroid": c.centroid(),
        }

    def naive_times(self) -> bool:
        """Whether the clusterer's times have no time zone (a state written by a caller of naive
        times: it cannot take documents of aware ones, which it would compare with them)."""
        if self.now_ is not None:
            return self.now_.tzinfo is None
        return any(
            t is not None and t.tzinfo is None
            for c in self.clusters_.values()
            for t in (c.first_seen, c.last_seen)
        )

    def state(self, compact: bool = False) -> dict[str, Any]:
        """Return the whole state as JSON-able data (see :meth:`from_state`).

        Args:
            compact: Write format 4 instead of 3: the clusters' fields as columns, their weights
                as one base64 string of little-endian doubles (not ~250,000 pairs of a term and
                a float), the frequency table compressed faster. The same state, several times
                cheaper to make, encode as JSON, parse and load; :meth:`from_state` reads both.
                (Formats 1 and 2 are the same two from before terms were folded.)

        Returns:
            ``{"version", "params", "n_docs", "next_id", "now", "df", "joinable", "clusters"}``:
            ``joinable`` the documents a later one can join by id (:meth:`joinable`) as columns
            ``{"ids", "clusters", "after"}``.
        """
        if compact:
            return self._compact_state()
        df_bytes = zlib.compress(self.df_.astype("<i4").tobytes(), 6)
        return {
            "version": STATE_VERSION,
            "params": self._params(),
            "n_docs": self.n_docs_,
            "next_id": self.next_id_,
            "now": self.now_.isoformat() if self.now_ else None,
            "df": base64.b64encode(df_bytes).decode("ascii"),
            "joinable": _joinable_columns(self.joinable()),
            "clusters": [
                {
                    "id": c.id,
                    "size": c.size,
                    "topic": c.topic,
                    "places": sorted(c.places),
                    "first_seen": c.first_seen.isoformat() if c.first_seen else None,
                    "last_seen": c.last_seen.isoformat() if c.last_seen else None,
                    "weights": [[t, w] for t, w in c.weights.items()],
                    "posted": sorted(c.posted),
                    "series_day": c.series_day,
                    "other_topic": c.other_topic,
                    "within": sorted(c.within),
                }
                for c in self.clusters_.values()
            ],
        }

    def _params(self) -> dict[str, Any]:
        return {
            "similarity_threshold": self.similarity_threshold,
            "window_seconds": self.window.total_seconds(),
            "max_active": self.max_active,
            "buckets": self.buckets,
            "require_same_topic": self.require_same_topic,
        }

    def _compact_state(self) -> dict[str, Any]:
        clusters = list(self.clusters_.values())
        chain = itertools.chain.from_iterable
        n_weights = [len(c.weights) for c in clusters]
        weights = np.fromiter(chain(c.weights.values() for c in clusters), "<f8", sum(n_weights))
        # Level 1: a few times faster than 6 for a table about a fifth larger (~250 KB).
        df_bytes = zlib.compress(self.df_.astype("<i4").tobytes(), 1)
        return {
            "version": COMPACT_STATE_VERSION,
            "params": self._params(),
            "n_docs": self.n_docs_,
            "next_id": self.next_id_,
            "now": self.now_.isoformat() if self.now_ else None,
            "df": base64.b64encode(df_bytes).decode("ascii"),
            "joinable": _joinable_columns(self.joinable()),
            "clusters": {
                "id": [c.id for c in clusters],
                "size": [c.size for c in clusters],
                "topic": [c.topic for c in clusters],
                "places": [sorted(c.places) for c in clusters],
                "first_seen": [c.first_seen.isoformat() if c.first_seen else None for c in clusters],
                "last_seen": [c.last_seen.isoformat() if c.last_seen else None for c in clusters],
                # Cluster by cluster, each centroid's terms in order, then their weights.
                "n_weights": n_weights,
                "terms": list(chain(c.weights for c in clusters)),
                "weights": base64.b64encode(weights.tobytes()).decode("ascii"),
                "posted": [sorted(c.posted) for c in clusters],
                "series_day": [c.series_day for c in clusters],
                "other_topic": [c.other_topic for c in clusters],
                "within": [sorted(c.within) for c in clusters],
            },
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> OnlineClusterer:
        """Rebuild a clusterer from :meth:`state` output (format 3 or 4, or 1 or 2).

        A state of format 1 or 2, saved when terms kept their diacritics, is brought forward:
        each centroid's terms are folded (the weights of terms that fold alike added up) and
        the document frequencies start again from nothing. They were counted under the codes of
        the accented terms, which no folded term has, and cannot be told apart again; stale,
        they would make every folded term look rare. The open clusters then go on with the same
        documents, centroids and ids, and texts typed either way join them.

        Args:
            state: The data :meth:`state` returned (possibly through JSON).

        Returns:
            A clusterer that continues exactly as the saved one would have (for a state of
            format 1 or 2: as above).

        Raises:
            ValueError: When the state is of another version or malformed.
        """
        version = state.get("version")
        accented = version in _ACCENTED_VERSIONS
        if accented:
            version = _ACCENTED_VERSIONS[version]
        if version not in (STATE_VERSION, COMPACT_STATE_VERSION):
            raise ValueError(f"unsupported clusterer state version: {version!r}")
        p = state["params"]
        # A state is a file others may have edited: values the clusterer would fail on later (a
        # window of 1e30 s, no active cluster, times with and without a zone) are refused here,
        # as ValueError.
        _check_number(p["similarity_threshold"], "similarity_threshold", 0.0, 1.0, low_open=True)
        _check_number(p["window_seconds"], "window_seconds", 0.0, _MAX_WINDOW_SECONDS, low_open=True)
        _check_number(p["max_active"], "max_active", 1, 1 << 40, whole=True)
        _check_number(p["buckets"], "buckets", 1, 1 << 30, whole=True)
        _check_number(state["n_docs"], "n_docs", 0, 1 << 62, whole=True)
        _check_number(state["next_id"], "next_id", 0, 1 << 62, whole=True)
        self = cls(
            similarity_threshold=p["similarity_threshold"],
            window=timedelta(seconds=p["window_seconds"]),
            max_active=p["max_active"],
            buckets=p["buckets"],
            require_same_topic=p["require_same_topic"],
        )
        df = np.frombuffer(zlib.decompress(base64.b64decode(state["df"])), dtype="<i4")
        if df.size != self.buckets:
            raise ValueError("clusterer state has a document-frequency table of the wrong size")
        self.df_ = np.zeros_like(df, dtype=np.int32) if accented else df.astype(np.int32).copy()
        self.n_docs_ = 0 if accented else int(state["n_docs"])
        self.next_id_ = int(state["next_id"])
        self.now_ = _parse_time(state["now"])
        zones = {self.now_.tzinfo is not None} if self.now_ is not None else set()
        if version == STATE_VERSION:
            rows = (
                (
                    raw["id"],
                    raw["size"],
                    raw["topic"],
                    raw["places"],
                    raw["first_seen"],
                    raw["last_seen"],
                    {t: float(w) for t, w in raw["weights"]},
                    raw["posted"],
                    raw.get("series_day", 0),
                    raw.get("other_topic"),
                    raw.get("within", ()),
                )
                for raw in state["clusters"]
            )
        else:
            rows = _compact_rows(state["clusters"])
        clusters = self.clusters_
        for cid, size, topic, places, first_seen, last_seen, weights, posted, day, other, within in rows:
            if accented:
                weights, posted = fold_term_weights(weights), fold_many(posted)
            values = weights.values()
            _check_number(size, "size", 1, 1 << 62, whole=True)
            c = Cluster(
                id=cid,
                seq=int(cid.removeprefix("c")),
                size=size,
                topic=topic,
                places=set(places),
                first_seen=_parse_time(first_seen),
                last_seen=_parse_time(last_seen),
                weights=weights,
                norm=math.sqrt(math.fsum(map(mul, values, values))),
                posted=set(posted),
                series_day=int(day),
                other_topic=(other or None) if topic else None,
                within=set(within),
            )
            if c.seq in clusters or c.seq >= self.next_id_:
                raise ValueError(f"clusterer state: cluster {cid} twice, or not below next_id")
            if weights and not c.norm > 0:
                raise ValueError(f"clusterer state: cluster {cid} has weights of no length")
            zones.update(t.tzinfo is not None for t in (c.first_seen, c.last_seen) if t is not None)
            if len(zones) > 1:  # a clusterer's times are all naive or all aware: it compares them
                raise ValueError(f"clusterer state: times with and without a time zone (cluster {cid})")
            clusters[c.seq] = c
            for postings in self._postings_of(c):
                for term in c.posted:
                    _post(postings, term, c)
        # What bounds each one's similarity (see assign), as the documents it had left it, from
        # the codes of all their terms at once: resuming 10,000 clusters of news leads takes
        # 0.49-0.52 s of CPU against 0.35-0.40 without (0.56-0.59 a cluster at a time,
        # 2026-12-01); a resumed clusterer that bounded nothing would compare every candidate.
        restored = [c for c in clusters.values() if c.weights]
        if restored:
            sizes = [len(c.weights) for c in restored]
            codes = term_codes(itertools.chain.from_iterable(c.weights for c in restored))
            owner = np.repeat(np.arange(len(restored)), sizes)
            for c, mask in zip(restored, _masks(codes, owner, len(restored)), strict=True):
                c.mask = mask
                c.top = max(c.weights.values()) / c.norm
        joinable = state.get("joinable")  # (none in a state saved before documents could join)
        if joinable:
            ids, seqs, after = joinable["ids"], joinable["clusters"], joinable["after"]
            if not len(ids) == len(seqs) == len(after):
                raise ValueError("clusterer state has joinable columns of different lengths")
            for d, seq, n in zip(ids, seqs, after, strict=True):
                _check_number(seq, "joinable cluster", 0, 1 << 62, whole=True)
                _check_number(n, "joinable after", 0, JOINABLE_DOCS, whole=True)
                self._joinable[str(d)] = (int(seq), -1 - int(n))
        try:
            self._bound_times(force=True)
        except TypeError:  # naive and aware times (assign fails on them too): no bounds
            self._plain_times = False
            self._low = self._high = None
        return self


def _oldest_first(item: tuple[str, int, int]) -> tuple[int, str]:
    return -item[2], item[0]


def _joinable_columns(entries: list[tuple[str, int, int]]) -> dict[str, list[Any]]:
    """:meth:`OnlineClusterer.joinable` as the state's columns."""
    return {
        "ids": [d for d, _, _ in entries],
        "clusters": [seq for _, seq, _ in entries],
        "after": [n for _, _, n in entries],
    }


def _compact_rows(columns: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """The clusters of a format-2 state, as the fields of each in turn (see ``state``)."""
    n_weights = columns["n_weights"]
    terms = columns["terms"]
    weights = np.frombuffer(base64.b64decode(columns["weights"]), dtype="<f8").tolist()
    ids = columns["id"]
    fields = [columns[k] for k in ("size", "topic", "places", "first_seen", "last_seen", "posted")]
    # States saved before clusters had a series day or another topic have none.
    fields.append(columns.get("series_day") or [0] * len(ids))
    fields.append(columns.get("other_topic") or [None] * len(ids))
    fields.append(columns.get("within") or [()] * len(ids))  # (none before places had parents)
    if (
        sum(n_weights) != len(terms)
        or len(terms) != len(weights)
        or any(len(f) != len(ids) for f in (n_weights, *fields))
    ):
        raise ValueError("clusterer state has columns of different lengths")
    ends = itertools.accumulate(n_weights)
    starts = itertools.chain((0,), itertools.accumulate(n_weights))
    for cid, size, topic, places, first_seen, last_seen, posted, day, other, within, a, b in zip(
        ids, *fields, starts, ends, strict=False
    ):
        yield (
            cid,
            size,
            topic,
            places,
            first_seen,
            last_seen,
            dict(zip(terms[a:b], weights[a:b])),
            posted,
            day,
            other,
            within,
        )


def fold_term_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Term weights saved when terms kept their diacritics (a centroid, a term profile), with the
    terms folded as they are made now, in order of first appearance; the weights of terms that
    fold alike added up."""
    out: dict[str, float] = {}
    for term, w in zip(fold_many(list(weights)), weights.values(), strict=True):
        out[term] = out.get(term, 0.0) + w
    return out


def series_day(text: str) -> int:
    """The day that the heading of ``text`` stamps it with, as ``month * 100 + day``; 0 for none.

    The heading is the first line, when it is at most 200 characters. It stamps a day when a
    date closes it, followed by a colon or nothing: "Giá vàng hôm nay 9/8: …", "Tin ICT 29/12:
    …", "Dự báo thời tiết hôm nay (30/12): …", "Kết quả xổ số Vietlott ngày 22/6/2017". Such
    headings name a daily instalment of a series (the day's gold price, market commentary,
    forecast, lottery draw), and each day's is another event (the clustering gold set labels
    them so): the clusterer keeps instalments of different days apart, where their shared words
    (the series' name, "giá vàng", "VN-Index") would otherwise join them into one cluster that
    grows every day and never closes. A date inside a sentence ("xả tràn vào ngày mai, 29.8",
    "từ 1/7/2017") or opening the heading ("Ngày 9.8, …"), and a text with no heading, stamp
    nothing, so complaints written on different days about one matter still join. A date
    written with a dot or a dash counts after a word of time ("ngày", "hôm nay", "phiên"…), in
    parentheses or with its year: "thắng Thái Lan 2-1" is a score.

    On the clustering gold set (``python -m duluan.analysis.cluster_eval``, dev / test,
    2026-12-02), pairwise precision rose from 54.3 / 64.2 to 63.6 / 75.7 for events and from
    76.0 / 73.5 to 86.4 / 86.7 for issues; F1 from 52.4 / 43.8 to 53.2 / 45.0 for events and
    from 36.8 / 23.1 to 34.1 / 22.9 for issues (the dev slice labels three days of the gold
    price, pushed up by one crisis, one event).

    >>> series_day("Giá vàng hôm nay 9/8: Căng thẳng Triều Tiên đẩy giá vàng tăng")
    809
    >>> series_day("Thủy điện Trị An xả tràn vào ngày mai, 29.8")
    0
    """
    end = text.find("\n")
    heading = text if end < 0 else text[:end]
    if len(heading) > _HEADING_CHARS or _DIGITS_APART_RE.search(heading) is None:
        return 0
    found = _SERIES_DAY_RE.match(heading)
    if found is None:
        return 0
    before, paren, day_digits, separator, month_digits, year = found.groups()
    if _DATE_IN_SENTENCE_RE.search(before) or (
        separator != "/" and not (paren or year or _DAY_WORD_RE.search(before))
    ):
        return 0
    day, month = int(day_digits), int(month_digits)
    return month * 100 + day if 1 <= day <= 31 and 1 <= month <= 12 else 0


def name_flags(text: str, codes: np.ndarray | None) -> np.ndarray | None:
    """Which of a text's terms it writes as a proper name: ``None`` when none, else a boolean per
    term of ``codes`` (its terms' :func:`term_codes`, in order).

    A term is written as a name when its two syllables begin with a capital letter somewhere in
    the text, one right after the other ("Trần Bắc Hà", "Bệnh viện Bạch Mai", "VN-Index"), but
    for the text's first word, capitalised whatever it is. The clusterer weighs such terms
    :data:`NAME_WEIGHT` times more. :func:`name_flags_many` gives the same for a batch, faster.

    >>> codes = term_codes(["tran bac", "bac ha", "bi bat"])
    >>> name_flags("Tin đồn ông Trần Bắc Hà bị bắt", codes).tolist()
    [True, True, False]
    """
    if codes is None or not len(codes):
        return None
    words = SYLLABLE_RE.findall(text)
    syllables = SYLLABLE_RE.findall(text.lower())
    if len(words) != len(syllables):  # a letter whose lower case is two ("İ"): no names read
        return None
    folded = fold_many(syllables)
    capital = [w[0] in _CAPITALS for w in words]
    named = {
        zlib.crc32(f"{folded[k - 1]} {folded[k]}".encode())
        for k in range(2, len(words))
        if capital[k - 1] and capital[k]
    }
    return _flags_of(codes, named)


def _flags_of(codes: np.ndarray, named: set[int]) -> np.ndarray | None:
    if not named:
        return None
    flags = np.fromiter(map(named.__contains__, codes.tolist()), dtype=bool, count=len(codes))
    return flags if flags.any() else None


@lru_cache(maxsize=1)
def _character_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point of the BMP: whether it is a syllable's character (``[^\\W_]``: alphanumeric)
    and whether it is one of :data:`_CAPITALS`."""
    word = np.fromiter((chr(c).isalnum() for c in range(0x10000)), dtype=bool, count=0x10000)
    upper = np.zeros(0x10000, dtype=bool)
    upper[[ord(c) for c in _CAPITALS]] = True
    return word, upper


def name_flags_many(
    texts: Sequence[str],
    lengths: np.ndarray,
    codes: Sequence[np.ndarray | None],
    pair_codes: Callable[[np.ndarray], np.ndarray],
) -> list[np.ndarray | None]:
    """``[name_flags(text, c) for text, c in zip(texts, codes)]`` for a batch whose texts have
    ``lengths[i]`` syllables each (:func:`~duluan.analysis.pipeline.tokenise`), numbered one
    text after the other.

    Where each syllable begins, and whether with a capital, is read for the whole batch at once
    from two tables of code points; only the pairs of capitalised syllables are then made into
    terms. A text whose syllables do not line up so (a character beyond the BMP, a lower case of
    another length) is read by :func:`name_flags`.

    Args:
        texts, lengths, codes: The batch (see above).
        pair_codes: The term codes of the pairs of syllables that end at the given numbers
            (:meth:`TermCoder.pair_codes` of the batch, from the values it keeps per syllable).
    """
    n = len(texts)
    out: list[np.ndarray | None] = [None] * n
    if not n:
        return out
    joined = "\x00".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word_table, upper_table = _character_tables()
    beyond = points.size and int(points.max()) > 0xFFFF
    clipped = np.minimum(points, 0xFFFF) if beyond else points
    word = word_table[clipped]
    starts = np.flatnonzero(word & ~np.concatenate(([False], word[:-1])))
    separators = np.flatnonzero(points == 0)
    lengths = np.asarray(lengths, dtype=np.int64)
    if separators.size != n - 1:  # a text holds the separator: each on its own
        return [name_flags(t, c) for t, c in zip(texts, codes, strict=True)]
    doc_of = np.searchsorted(separators, starts)
    counts = np.bincount(doc_of, minlength=n)
    aligned = counts == lengths
    if beyond:  # the texts with a character beyond the BMP are read one by one
        aligned[np.searchsorted(separators, np.flatnonzero(points > 0xFFFF))] = False
    capital = upper_table[clipped[starts]]
    # Syllable k read here is syllable k - first[d] of its text d, numbered k - first[d] + at[d].
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    at = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    k = np.arange(2, starts.size) if starts.size > 2 else np.zeros(0, dtype=np.int64)
    pair = capital[k - 1] & capital[k] & (doc_of[k - 2] == doc_of[k])
    k = k[pair]
    docs = doc_of[k]
    keep = aligned[docs]
    k, docs = k[keep], docs[keep]
    for d in np.flatnonzero(~aligned).tolist():
        out[d] = name_flags(texts[d], codes[d])
    if not k.size:
        return out
    # Each pair's term code, with its text's number above the code's 32 bits; then every term of
    # the texts that have pairs, so keyed, looked up among them at once.
    keys = np.unique((docs << 32) | pair_codes(k - first[docs] + at[docs]))
    holders = [d for d in np.unique(docs).tolist() if codes[d] is not None and len(codes[d])]
    if not holders:
        return out
    parts = [codes[d] for d in holders]
    sizes = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    terms = (np.repeat(np.asarray(holders, dtype=np.int64), sizes) << 32) | np.concatenate(parts).astype(
        np.int64
    )
    found = np.minimum(np.searchsorted(keys, terms), keys.size - 1)
    flags = keys[found] == terms
    ends = np.cumsum(sizes)
    hits = np.add.reduceat(flags, ends - sizes)
    for d, end, size, hit in zip(holders, ends.tolist(), sizes.tolist(), hits.tolist(), strict=True):
        if hit:
            out[d] = flags[end - size : end]
    return out


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# Ten years: a longer window is no window (and timedelta overflows past 999,999,999 days).
_MAX_WINDOW_SECONDS = 10 * 366 * 86400


def _check_number(
    value: Any, name: str, low: float, high: float, *, whole: bool = False, low_open: bool = False
) -> None:
    """Refuse a state's ``value`` that is no number (of a whole one for ``whole``) from ``low``
    (excluded for ``low_open``) to ``high``."""
    kinds = (int,) if whole else (int, float)
    if type(value) not in kinds or not (low < value if low_open else low <= value) or not value <= high:
        raise ValueError(f"clusterer state: {name} {value!r} is not a number from {low} to {high}")
