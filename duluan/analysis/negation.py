"""Words a negator governs, read apart from the same words unnegated.

"Thầy dạy nhiệt tình" and "thầy dạy không nhiệt tình" share every syllable but one, and the
n-grams of a linear model read "nhiệt tình" as praise in both: only the bigram "không nhiệt"
speaks against it. Marking the syllables a negator governs (Das & Chen 2001, Pang et al. 2002)
gives the negated words weights of their own: "không nhiệt tình" is read as the syllables
"không", "ngxnhiệt", "ngxtình", and "nhiệt tình" keeps the weight of the praise it is elsewhere.

A negator (:data:`NEGATORS`) governs the syllables after it, :data:`NEGATION_SCOPE` by default,
up to a word that opens another clause (:data:`CLAUSE_WORDS`), a mark that ends a clause or a
sentence, or the end of the text. UIT-VSFC's sentences gave the same with the marks or without (five-fold
cross-validation, train + dev, weighted-F1 91.96 against 91.97; without the clause words too,
91.95), but a citizen's letter is several sentences: "… bị thủy đậu hay chưa. Xin hỏi tôi …"
read "chưa" as governing "xin hỏi tôi".

Five-fold cross-validation of the default sentiment classifier on UIT-VSFC's training and dev
splits (stratified, seed 0; 2026-12-06; ``bench/bench_models.py --only negation``), weighted-F1:
91.39 as the texts are written, 91.96 with three syllables marked, better in every fold (by 0.35
to 0.91); AIVIVN's reviews 90.71 -> 90.84 (better in four folds of five). Marking by adding the
negated copy beside each syllable instead of replacing it gave 91.80 on UIT-VSFC.

The chat forms "ko", "k", "kh", "khg", "hok" are "không" once normalised, as the platform's texts
are, and are no negators here. Read as negators in raw text too, they lifted the default
classifier's five-fold weighted-F1 on AIVIVN's raw reviews 90.84 -> 91.16 (UIT-VSFC the same), but
cost the shipped model 4 texts of its gold sets and gained none (2026-12-06).

The mark is a prefix no text of the shared corpora starts a syllable with (VNTC, TC201805,
UIT-VSFC, AIVIVN and the 2026 news, checked 2026-12-06), so every splitter reads a marked
syllable as one. Explanations show a marked run as the words with ``(không)`` before them
(:func:`readable_term`). :func:`duluan.analysis.features.negated_batch` marks a batch.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

import numpy as np

# How many syllables after a negator the sentiment classifier reads as negated by default
# (cross-validated above, without the marks' ends: 2 gave 91.83, 3 91.97, 4 91.89).
NEGATION_SCOPE = 3
MARK = "ngx"
NEGATORS = frozenset({"không", "chưa", "chẳng", "chả", "đừng", "chớ"})
# Words that open another clause: "không đẹp nhưng bền" does not negate "bền".
CLAUSE_WORDS = frozenset({"nhưng", "mà", "và", "tuy", "còn"})
# A text's syllables, and the marks that end a clause or a sentence between them ("hay chưa.
# Xin hỏi": the question's "chưa" governs nothing of the next sentence). Hyphens and slashes do
# not ("Covid-19", "2/9").
CLAUSE_MARK_CHARS = '.,;:!?…()[]{}"“”«»–—\n'
CLAUSE_MARKS = f"[{re.escape(CLAUSE_MARK_CHARS)}]"
_CLAUSE_RE = re.compile(r"(\w+)|" + CLAUSE_MARKS)
_WORD, _MARK_CLASS = 1, 2  # classes of _clause_classes()
# What an explanation shows for a run of marked syllables.
SHOWN_NEGATOR = "(không)"

# Words of degree before the word they strengthen ("rất", "cực kỳ", "thật sự"): read as no
# syllable at all by a featurizer that quiets them (``quiet_intensifiers``), so that the word
# keeps its own weight. UIT-VSFC's students praise with them ("thầy rất nhiệt tình"), and a linear
# model learnt "rất" as praise: "Cán bộ phường nhũng nhiễu." read negative and "Cán bộ phường rất
# nhũng nhiễu." positive (0.64); of 50 complaint adjectives, "Đường làng rất X." read 30
# positive. Each is a syllable, or two read together; only a syllable no negator governs is
# quieted (a marked one, "không ngxthật ngxsự", keeps its hedge). "quá", "lắm" and "hơi" are not
# here: "quá tải", "quá trình" are words of their own, and the model reads the three as the
# complaints they mostly strengthen.
INTENSIFIERS = ("rất", "cực kỳ", "cực kì", "thật sự", "thực sự", "vô cùng", "hết sức")
# The syllable a quieted syllable is read as: never in a featurizer's vocabulary (its ``fit``
# leaves it out), and a run of "_" that character n-grams read as a space.
QUIET = "_"


@lru_cache(maxsize=1)
def intensifier_heads() -> dict[str, frozenset[str]]:
    """Each intensifier's first syllable → the syllables that may follow it to make one (the
    empty string: it is one alone)."""
    heads: dict[str, set[str]] = {}
    for word in INTENSIFIERS:
        first, _, rest = word.partition(" ")
        heads.setdefault(first, set()).add(rest)
    return {first: frozenset(rests) for first, rests in heads.items()}


def intensifier_positions(tokens: Sequence[str], candidates: Iterable[int]) -> list[int]:
    """The positions of the syllables of ``tokens`` that make an intensifier, in order.

    Args:
        tokens: A batch's syllables.
        candidates: The positions of the syllables that begin one (:func:`intensifier_heads`).
    """
    heads = intensifier_heads()
    found: list[int] = []
    end = len(tokens)
    for at in candidates:
        if found and at <= found[-1]:
            continue
        rests = heads.get(tokens[at])
        if rests is None:
            continue
        if "" in rests:
            found.append(at)
        elif at + 1 < end and tokens[at + 1] in rests:
            found.extend((at, at + 1))
    return found


def governed(
    tokens: list[str],
    negators: Iterable[int],
    scope: int,
    separator: str,
    breaks: Collection[int] = (),
) -> list[int]:
    """The positions of the syllables that the negators at ``negators`` govern, in order.

    Args:
        tokens: A batch's syllables, texts apart by ``separator`` (which ends every scope).
        negators: The positions of its negators, in order.
        scope: How many syllables after a negator it governs.
        separator: The batch's separator between texts.
        breaks: Positions of syllables that punctuation comes before (:func:`clause_starts`):
            a scope ends there too.
    """
    found: list[int] = []
    end = len(tokens)
    for start in negators:
        last = found[-1] if found else -1
        for at in range(start + 1, min(start + 1 + scope, end)):
            token = tokens[at]
            if token == separator or token in CLAUSE_WORDS or at in breaks:
                break
            if at > last:  # a negator within another's scope governs anew from itself
                found.append(at)
    return found


def clause_starts(text: str, count: int) -> list[int] | None:
    """Which of the ``count`` syllables of ``text`` (its runs of word characters) come after
    punctuation that ends a clause or a sentence, or a line break: their indexes in the text.
    None when the text's runs are not ``count`` (its syllables were not split from it)."""
    starts: list[int] = []
    index = 0
    pending = False
    for word in _CLAUSE_RE.findall(text):
        if word:
            if pending:
                starts.append(index)
                pending = False
            index += 1
        else:
            pending = True
    return starts if index == count else None


def clause_starts_many(texts: Sequence[str], counts: Sequence[int]) -> list[list[int] | None]:
    """:func:`clause_starts` of each text, for a batch at once.

    One table look-up over the batch's UTF-16 code units gives each character's class (a word
    character, a mark, neither), and numpy finds the syllables and counts the marks before each:
    :func:`clause_starts` took 7.3 µs a news lead, 2.5 this way (20,000 of ``bench_steps.py``'s
    leads, 27 % of which hold a negator, 2026-12-06). A text with a character beyond the BMP (an
    emoji, which may sit in a word's place; an astral letter) is read by :func:`clause_starts`.
    """
    out: list[list[int] | None] = [None] * len(texts)
    if not texts:
        return out
    broken, text_of, found, astral = clause_marks(texts)
    first_index = np.concatenate(([0], np.cumsum(found)[:-1]))
    where = np.flatnonzero(broken)
    per_text = np.split(
        where - first_index[text_of[where]], np.searchsorted(text_of[where], np.arange(1, len(texts)))
    )
    for i, (text, count) in enumerate(zip(texts, counts, strict=True)):
        if astral[i]:
            out[i] = clause_starts(text, count)
        elif found[i] == count:
            out[i] = per_text[i].tolist()
    return out


def clause_marks(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The syllables of a batch of texts (at least one) and the marks before them, in arrays
    (see :func:`clause_starts_many`).

    Returns:
        ``(broken, text_of, found, astral)``: per syllable, the texts' one after the other,
        whether a mark stands before it in its text (after its text's start for the first) and
        which text it is in; per text, how many syllables it has and whether it has a character
        beyond the BMP (then read it by :func:`clause_starts`: its syllables here may be wrong).
    """
    joined = "\x00".join(t.replace("\x00", " ") for t in texts)  # (a zero is no word, nor a mark)
    codes = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    classes = _clause_classes()[codes]
    word = classes == _WORD
    first = word.copy()
    first[1:] &= ~word[:-1]
    tokens = np.flatnonzero(first)
    bounds = np.flatnonzero(codes == 0)  # "\x00" is neither a word character nor a mark
    text_of = np.searchsorted(bounds, tokens)
    marks = np.concatenate(([0], np.cumsum(classes == _MARK_CLASS)))
    text_start = np.concatenate(([0], bounds + 1))
    # Each syllable's previous syllable in its text, or its text's start: a mark between them
    # ends the clause.
    opens = np.ones(tokens.size, dtype=bool)
    opens[1:] = text_of[1:] != text_of[:-1]
    before = np.where(opens, text_start[text_of], np.concatenate(([0], tokens[:-1])))
    broken = marks[tokens] > marks[before]
    found = np.bincount(text_of, minlength=len(texts))
    astral = np.zeros(len(texts), dtype=bool)
    halves = np.flatnonzero((codes >= 0xD800) & (codes <= 0xDFFF))
    if halves.size:
        astral[np.searchsorted(bounds, halves)] = True
    return broken, text_of, found, astral


@lru_cache(maxsize=1)
def _clause_classes() -> np.ndarray:
    """Per code point of the BMP: :data:`_WORD` where :data:`_CLAUSE_RE` reads it as part of a
    syllable, :data:`_MARK_CLASS` where it reads it as a mark, 0 otherwise (built from the
    expression itself, so that both read every character alike)."""
    from duluan.analysis.normalise import plane_string

    bmp = plane_string()
    table = np.zeros(len(bmp), dtype=np.uint8)
    for m in _CLAUSE_RE.finditer(bmp):
        table[m.start() : m.end()] = _WORD if m.group(1) else _MARK_CLASS
    return table


def readable_term(term: str) -> str:
    """An n-gram as an explanation shows it: its marked syllables unmarked, and a run of them
    that opens the term after :data:`SHOWN_NEGATOR` ("ngxnhiệt ngxtình" is "(không) nhiệt
    tình"; "không ngxnhiệt" is "không nhiệt")."""
    if MARK not in term:
        return term
    words = term.split(" ")
    shown = [w[len(MARK) :] if w.startswith(MARK) else w for w in words]
    if words[0].startswith(MARK):
        shown.insert(0, SHOWN_NEGATOR)
    return " ".join(shown)
