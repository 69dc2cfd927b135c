"""Cues: two phrases near each other that settle a text's topic where its sector's words do not.

The labelling guide's rule 2 says that misconduct of an official is ``corruption`` whatever the
sector it happens in: a complaint that a traffic policeman takes money must not be routed to the
transport office, nor one about a land officer to the land office. A linear model over n-grams
reads such a text mostly by its sector's many words ("tài xế", "xe tải", "quốc lộ"), and the one
pair that decides it, an official ("CSGT", "cán bộ địa chính") and an act of misconduct
("nhận tiền", "vòi tiền", "lạm thu") a few words apart, weighs as little as any two words.
Learning the pair as a feature of its own did not help (117 of the 151 misconduct leads of
``data/gold_topics_misconduct.jsonl`` read as ``corruption``, as without it).

A :class:`TopicCue` is such a pair of phrase lists, kept as editable data in the taxonomy (its
topic's ``cue``, ``data/taxonomy_vi.json``): where a phrase of each list stands in one sentence at
most ``window`` words apart, and no phrase of its ``unless`` list (posing as an official: "giả
danh", "tự xưng") stands in that sentence, the cue *fires* and the text's odds of the cue's topic
are multiplied by ``exp(boost)`` (:func:`cue_margins`). The model still decides: a text that reads
as nothing like its topic stays where it was. A text typed without diacritics is read with the
phrases folded, each kept only where that spelling mostly means the phrase in real text
(:func:`accent_free_cue`: "hoi lo" is "hối lộ", "lam thu" is far more often "làm thủ" than "lạm
thu").

This module is pure Python (no Django), like the rest of :mod:`duluan.analysis`.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import ahocorasick
import numpy as np

from duluan.analysis.features import SyllableMemo, TokenBatch, _Growing, prepare
from duluan.analysis.model_io import model_part
from duluan.analysis.normalise import fold, written_bare

__all__ = ["TopicCue", "accent_free_cue", "cue_margins", "cue_terms", "spelling_readings"]

# A cue's window and boost where its data gives none (those of the shipped taxonomy's cue, chosen
# by cross-validation: see duluan.analysis.topic.taxonomy_cues).
DEFAULT_WINDOW = 20
DEFAULT_BOOST = 8.0
# Fewer readings of a folded spelling than this tell too little to keep it (accent_free_cue).
MIN_READINGS = 5
# A sentence ends at a stop, a question or exclamation mark or a semicolon before a space (not in
# "1.500.000 đồng"), or at a line break: a cue's two phrases must stand in one.
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|\n")
# A word, for a cue's window: a number written "1.500.000" is one.
_WORD = re.compile(r"\w+(?:[.,]\w+)*")
_WORD_CHAR = re.compile(r"\w")
# A token, as the featurizers split texts (TokenBatch.tokens).
_TOKEN = re.compile(r"\w+")


@model_part
@dataclass(frozen=True)
class TopicCue:
    """A pair of phrase lists whose nearness raises the odds of a topic.

    Pickled in model files by its fields' names (no ``slots``: a frozen dataclass with slots
    pickles its fields by position), so a file written before a field was added loads with that
    field's default, as :class:`~duluan.analysis.linear_text.LinearTextClassifier`'s do.

    Attributes:
        topic: The topic code whose odds rise (``corruption``).
        actors: Phrases naming who acts ("cán bộ", "csgt", "hiệu trưởng"), lower case, NFC.
        acts: Phrases naming the act ("nhận tiền", "vòi tiền", "lạm thu").
        window: At most this many words between the two phrases, in one sentence.
        boost: The log of the factor the topic's odds are multiplied by where the cue fires.
        unless: Phrases that keep the cue from firing in their sentence: the actor is not what
            it names ("giả danh", "tự xưng": a fraudster posing as an official).
        not_acts: Phrases that hold an act's words but name no misconduct ("nhận tiền lương",
            "đòi tiền bồi thường", "chưa nhận tiền": what a citizen is owed): an act that stands
            within one of them is not read.
        bare_actors: The actors' folded spellings read in a text typed without diacritics
            (:func:`accent_free_cue`; empty: such texts are not read).
        bare_acts: The acts' folded spellings, likewise.
        bare_unless: The folded spellings of ``unless``: all of them (one read otherwise only
            keeps a cue from firing).
        bare_not_acts: The folded spellings of ``not_acts``, all of them likewise.
    """

    topic: str
    actors: tuple[str, ...]
    acts: tuple[str, ...]
    window: int = DEFAULT_WINDOW
    boost: float = DEFAULT_BOOST
    unless: tuple[str, ...] = ()
    bare_actors: tuple[str, ...] = ()
    bare_acts: tuple[str, ...] = ()
    bare_unless: tuple[str, ...] = ()
    not_acts: tuple[str, ...] = ()
    bare_not_acts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.actors or not self.acts:
            raise ValueError(f"cue of '{self.topic}': needs at least one actor and one act")
        if self.window < 0:
            raise ValueError(f"cue of '{self.topic}': window must be 0 or more words")
        if not math.isfinite(self.boost) or self.boost < 0:
            raise ValueError(f"cue of '{self.topic}': boost must be a finite number, 0 or more")

    @classmethod
    def from_data(cls, topic: str, data: Mapping) -> TopicCue:
        """The cue of a taxonomy topic's ``cue`` object (``actors``, ``acts``, optional ``unless``,
        ``not_acts``, ``window``, ``boost``).

        Raises:
            ValueError: A list is missing or empty, or a number is out of range.
        """
        try:
            actors, acts = _phrases(data["actors"]), _phrases(data["acts"])
            unless = _phrases(data["unless"]) if "unless" in data else ()
            not_acts = _phrases(data["not_acts"]) if "not_acts" in data else ()
        except (KeyError, TypeError) as exc:
            raise ValueError(
                f"cue of '{topic}': needs lists 'actors' and 'acts', "
                f"and 'unless', 'not_acts' if given ({exc})"
            ) from exc
        except ValueError as exc:
            raise ValueError(f"cue of '{topic}': {exc}") from exc
        try:
            window = int(data.get("window", DEFAULT_WINDOW))
            boost = float(data.get("boost", DEFAULT_BOOST))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cue of '{topic}': window and boost must be numbers ({exc})") from exc
        return cls(
            topic=topic,
            actors=actors,
            acts=acts,
            window=window,
            boost=boost,
            unless=unless,
            not_acts=not_acts,
        )

    def find(self, text: str) -> tuple[str, str] | None:
        """The first ``(actor, act)`` pair of the cue in ``text``, as the cue spells them, or ``None``.

        The text is read in lower case and NFC; its tone marks as given (the platform, ``analyze``
        and ``classify`` give a model normalised text, whose tones sit where the cue's phrases
        have theirs: :func:`~duluan.analysis.features.prepare`). A text typed without diacritics
        (:func:`~duluan.analysis.normalise.written_bare`) is folded and read with the folded
        phrases.
        """
        if not text:
            return None
        bare = written_bare(text)
        acts, actors, unless = _automata(
            self.bare_acts if bare else self.acts,
            self.bare_actors if bare else self.actors,
            self.bare_unless if bare else self.unless,
        )
        if acts is None:
            return None
        not_acts = self.bare_not_acts if bare else self.not_acts
        low = text.lower()
        if not low.isascii() and not unicodedata.is_normalized("NFC", low):
            low = unicodedata.normalize("NFC", low)
        if bare:
            low = fold(low)
        ends: list[int] | None = None  # where the text's sentences end, once an act is found
        owed: list[tuple[int, int]] | None = None  # where its not_acts stand, likewise
        for last, act in acts.iter(low):
            start, end = last + 1 - len(act), last + 1
            if not _whole(low, start, end):
                continue
            if not_acts:
                if owed is None:
                    owed = _spans(low, _automaton(not_acts))
                if any(a <= start and end <= b for a, b in owed):
                    continue
            # The sentence around the act, where its actor must stand.
            if ends is None:
                ends = [m.end() for m in _SENTENCE_END.finditer(low)]
            k = bisect_right(ends, start)
            first = ends[k - 1] if k else 0
            sentence = low[first : ends[k] if k < len(ends) else len(low)]
            start, end = start - first, end - first
            if unless is not None and any(
                _whole(sentence, i + 1 - len(p), i + 1) for i, p in unless.iter(sentence)
            ):
                continue
            for who_last, actor in actors.iter(sentence):
                who_start, who_end = who_last + 1 - len(actor), who_last + 1
                if not _whole(sentence, who_start, who_end):
                    continue
                lo, hi = (who_end, start) if who_end <= start else (end, who_start)
                if lo <= hi and len(_WORD.findall(sentence, lo, hi)) <= self.window:
                    return actor, act
        return None

    def firing(self, batch: TokenBatch) -> list[int]:
        """The texts of ``batch`` in which the cue fires (:meth:`find` finds a pair), in order.

        The topic and sentiment models of one pipeline read the same batch
        (:func:`~duluan.analysis.pipeline.token_batch`), and the sentiment model's cue of
        misconduct has the topic's phrases (aimed at ``negative``; their folded spellings differ,
        learnt from other texts): what the last batch read gave for texts written with their
        diacritics is kept (per thread) and given again to a cue of the same phrases, which
        saved the second reading 2-3 µs of CPU a news lead (2026-12-07). Texts typed without
        them are read with each cue's own folded phrases.
        """
        key = (self.actors, self.acts, self.window, self.unless, self.not_acts)
        last = getattr(_LAST_FIRING, "value", None)
        texts = batch.texts
        if last is not None and last[0] is batch and last[1] == key:
            accented = last[2]
        else:
            accented = [
                row
                for row in self._accented_candidates(batch)
                if not written_bare(texts[row]) and self.find(texts[row]) is not None
            ]
            _LAST_FIRING.value = (batch, key, accented)
        if not (self.bare_acts and self.bare_actors):
            return list(accented)
        # (The batch's bare texts are kept apart, for every cue: _bare_rows.)
        fired = [row for row in _bare_rows(batch) if self.find(texts[row]) is not None]
        return sorted(accented + fired) if fired else list(accented)

    def candidates(self, batch: TokenBatch) -> list[int]:
        """The texts of ``batch`` in which the cue may fire, in order; :meth:`find` gives ``None``
        for every other text.

        A phrase that :meth:`find` finds stands as whole words, so its words are tokens of the
        text (the batch's tokens are the text's runs of word characters, lower case, NFC, as
        :meth:`find` reads it). A text typed with its diacritics can only fire where it holds a
        word of one of the acts and a word of one of the actors: for each phrase, the word
        written least often in news (:func:`_key_words`). Texts typed without diacritics are
        read with the folded phrases, and are always candidates where the cue has them.

        The check is one look-up of the batch's syllable numbers, against the automaton's pass
        over every text: the cue took 6.7-6.9 µs a news lead that way, 2.9-3.5 this way, of which
        1.1 is :func:`~duluan.analysis.normalise.written_bare`; 15 % of the leads are read (30,000
        leads, three runs, 2026-12-05). The same texts fire as when every text is read (385,412
        texts of the shared corpora, and folded copies).
        """
        both = self._accented_candidates(batch)
        if not (self.bare_acts and self.bare_actors):
            return both
        bare = _bare_rows(batch)
        return sorted(set(both).union(bare)) if bare else both

    def _accented_candidates(self, batch: TokenBatch) -> list[int]:
        """The texts of ``batch`` holding a key word of an act and one of an actor (see
        :meth:`candidates`)."""
        ids, flags = _key_memo(self.acts, self.actors).lookup(batch)
        starts = batch.starts()
        found = flags[ids] if ids.size else np.zeros(0, np.uint8)

        def rows(bit: int) -> np.ndarray:
            at = np.flatnonzero(found & bit)
            return np.unique(np.searchsorted(starts, at, side="right") - 1)

        return np.intersect1d(rows(_ACT), rows(_ACTOR), assume_unique=True).tolist()


_LAST_FIRING = threading.local()
_LAST_BARE = threading.local()


def batch_memo(
    memo: threading.local, batch: TokenBatch, key: Hashable, rows: Callable[[], list[int]]
) -> list[int]:
    """``rows()``, the texts of ``batch`` in which a cue fires, kept in ``memo`` for the last batch
    read (per thread): given again (a copy) to a cue of the same ``key`` (its phrases) that reads
    the same batch next, as the twin cues of one reading aimed at two classes do, and the topic and
    sentiment models of one pipeline (:func:`~duluan.analysis.pipeline.token_batch`)."""
    last = getattr(memo, "value", None)
    if last is not None and last[0] is batch and last[1] == key:
        return list(last[2])
    found = rows()
    memo.value = (batch, key, found)
    return list(found)


def _bare_rows(batch: TokenBatch) -> list[int]:
    """The texts of ``batch`` typed without diacritics (:func:`written_bare`), kept for the last
    batch read (per thread): every cue of a pipeline's models reads them of the same batch, and
    finding them is most of what a cue that fires in few texts costs. The sentiment model's cue of
    an official's conduct (:func:`duluan.analysis.sentiment.conduct_cue`), read after its cue of
    misconduct, took 1.69-2.22 µs a news lead finding them again, 0.62-0.89 with them kept
    (20,000 TC201805 leads, three runs on a busy machine, 2026-12-07)."""
    last = getattr(_LAST_BARE, "value", None)
    if last is not None and last[0] is batch:
        return last[1]
    rows = [row for row, text in enumerate(batch.texts) if written_bare(text)]
    _LAST_BARE.value = (batch, rows)
    return rows


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words: no letter, digit or ``_`` glued to it."""
    glued_before = start > 0 and _WORD_CHAR.match(text, start - 1) is not None
    return not glued_before and not (end < len(text) and _WORD_CHAR.match(text, end))


def _spans(text: str, automaton: ahocorasick.Automaton) -> list[tuple[int, int]]:
    """Where the automaton's phrases stand in ``text`` as whole words."""
    out = []
    for last, phrase in automaton.iter(text):
        start = last + 1 - len(phrase)
        if _whole(text, start, last + 1):
            out.append((start, last + 1))
    return out


def _phrases(values: Iterable) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError("a list of phrases, not one string")
    out = tuple(dict.fromkeys(p for p in (prepare(str(v)).strip() for v in values) if p))
    if not out:
        raise ValueError("an empty list of phrases")
    return out


@lru_cache(maxsize=64)
def _automata(
    acts: tuple[str, ...], actors: tuple[str, ...], unless: tuple[str, ...]
) -> tuple[ahocorasick.Automaton | None, ahocorasick.Automaton | None, ahocorasick.Automaton | None]:
    """Aho-Corasick automata of a cue's phrase lists (``None`` for none; acts and actors both, or
    neither): every phrase found in one pass over a text, in C. A regular expression of the
    shipped cue's 30 acts took 107 µs a VNTC article (2,127 characters), the automaton 27
    (2026-12-05)."""
    if not acts or not actors:
        return None, None, None
    return _automaton(acts), _automaton(actors), _automaton(unless) if unless else None


# The bits of a syllable that is the key word of an act or of an actor (see TopicCue.candidates).
_ACT, _ACTOR = 1, 2


def _key_words(phrases: Iterable[str]) -> set[str]:
    """One word of each phrase that every text holding it holds too: the one written least
    often in news (:func:`~duluan.analysis.legacy_encodings.syllable_counts`, which counts the
    words with letters beyond ASCII: one absent from it is rare; a word of ASCII letters alone,
    "an" of "công an", is taken for common)."""
    from duluan.analysis.legacy_encodings import syllable_counts

    counts = syllable_counts()

    def written(word: str) -> float:
        return math.inf if word.isascii() else counts.get(word, 0)

    keys = set()
    for phrase in phrases:
        words = _TOKEN.findall(phrase)
        if words:
            keys.add(min(words, key=lambda w: (written(w), -len(w), w)))
    return keys


class _CueKeys(SyllableMemo):
    """Per syllable of the process's numbering, whether it is the key word of one of a cue's
    acts (bit ``_ACT``) or actors (``_ACTOR``)."""

    def __init__(self, acts: tuple[str, ...], actors: tuple[str, ...]) -> None:
        self._acts, self._actors = _key_words(acts), _key_words(actors)
        super().__init__()

    def _reset(self) -> None:
        self._bits = _Growing(np.uint8)

    def _add(self, fresh: list[str]) -> None:
        acts, actors = self._acts, self._actors
        self._bits.extend(
            np.fromiter(
                ((_ACT if w in acts else 0) | (_ACTOR if w in actors else 0) for w in fresh),
                np.uint8,
                len(fresh),
            )
        )

    def _snapshot(self) -> np.ndarray:
        return self._bits.view()


@lru_cache(maxsize=64)
def _key_memo(acts: tuple[str, ...], actors: tuple[str, ...]) -> _CueKeys:
    return _CueKeys(acts, actors)


@lru_cache(maxsize=64)
def _automaton(phrases: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    return automaton


def alternatives(phrases: Iterable[str]) -> str:
    """Phrases as the alternatives of a pattern, escaped, longest first (so a longer phrase wins
    over one it begins with)."""
    return "|".join(map(re.escape, sorted(set(phrases), key=lambda p: (-len(p), p))))


def _alternation(phrases: Iterable[str]) -> re.Pattern:
    """A whole-word pattern of phrases, longest first (:func:`spelling_readings`)."""
    return re.compile(r"(?<!\w)(?:" + alternatives(phrases) + r")(?!\w)")


def cue_margins(
    texts: Sequence[str] | TokenBatch, classes: np.ndarray, cues: Sequence[TopicCue], temperature: float
) -> np.ndarray | None:
    """The part of the texts' cues in a linear model's margins, or ``None`` where none fires.

    A model's probabilities are ``softmax((margins + intercept) * temperature)``: adding
    ``boost / temperature`` to a class's margin multiplies its odds by ``exp(boost)``.

    Args:
        texts: The texts as the model reads them (strings), or their batch of syllables, whose
            texts only a cue's :meth:`~TopicCue.candidates` are read.
        classes: The model's classes, in column order; a cue of another topic is ignored.
        cues: The model's cues.
        temperature: The model's score temperature.

    Returns:
        ``(len(texts), len(classes))`` float32, or ``None``.
    """
    batch = texts if isinstance(texts, TokenBatch) else None
    strings = batch.texts if batch is not None else texts
    out = None
    for cue in cues:
        column = np.flatnonzero(classes == cue.topic)
        if column.size == 0 or cue.boost == 0:
            continue
        rows = (
            cue.firing(batch)
            if batch is not None
            else [row for row, text in enumerate(strings) if cue.find(text) is not None]
        )
        for row in rows:
            if out is None:
                out = np.zeros((len(strings), classes.size), dtype=np.float32)
            out[row, column[0]] += cue.boost / temperature
    return out


def cue_terms(
    texts: Sequence[str],
    labels: np.ndarray,
    terms: list,
    cues: Sequence[TopicCue],
    temperature: float,
    top: int,
    words_only: bool = False,
) -> list:
    """Each text's explaining terms, led by the pair of the cue that raised its label, if any.

    An official reads why a text went to a topic: where a cue of the text's label fired, its two
    phrases ("csgt … nhận tiền") come first, weighing what the cue added to the margin, before
    the phrases of its words (at most ``top`` terms in all), but those the pair already says.

    Args:
        texts: The texts as the model read them.
        labels: Their labels.
        terms: Their terms: sequences of ``(term, weight)`` pairs, or with ``words_only`` of
            words alone.
        cues: The model's cues.
        temperature: The model's score temperature.
        top: The most terms a text has.
        words_only: The terms are words alone.

    Returns:
        The terms, each text's of the same type as given.
    """
    out = terms
    for cue in cues:
        weight = round(cue.boost / temperature, 4)
        for row in np.flatnonzero(labels == cue.topic).tolist():
            pair = cue.find(texts[row])
            if pair is None:
                continue
            if out is terms:
                out = list(terms)
            given = out[row]
            term = " … ".join(phrase for phrase in pair if phrase)  # (a cue of one phrase: its own)
            # A term that is one of the pair's phrases, or within one, says it twice.
            said = [f" {phrase.lower()} " for phrase in pair if phrase]
            rest = [t for t in given if not any(f" {t if words_only else t[0]} " in p for p in said)]
            out[row] = type(given)([term if words_only else (term, weight), *rest[: max(top - 1, 0)]])
    return out


def spelling_readings(texts: Iterable[str], phrases: Iterable[str]) -> dict[str, Counter[str]]:
    """How often each folded spelling of ``phrases`` stands for which words in ``texts``.

    Each place where a text, folded, reads as a phrase folded ("hoi lo") is counted under the
    words it has there as written ("hối lộ"). Texts typed without diacritics are skipped: their
    words say nothing of what a spelling stands for. A regular expression over the folded text
    finds them (:func:`~duluan.analysis.normalise.fold` keeps a text one character for one, so
    the offsets are the written text's): a few phrases over a whole corpus, in seconds.

    The complaint lexicon counts its spellings with
    :func:`~duluan.analysis.sentiment.phrase_readings`, which reads a text's words apart from its
    punctuation, so "phòng, bị" is a reading of "phong bi" there and not here. Counted that way,
    the cue's "phong bì" makes 24 of the 51 readings of "phong bi" in the bootstrap news and would
    be dropped; counted here, 24 of 46, and it is kept. Counted this way, the lexicon's folded form
    would change. Each keeps its own count (2026-12-05).

    Args:
        texts: Real texts, written with their diacritics.
        phrases: Phrases, as written.

    Returns:
        Folded spelling → {words as written, lower case: times seen}, for the spellings seen.
    """
    pattern = _alternation({fold(p) for p in phrases})
    readings: dict[str, Counter[str]] = {}
    for text in texts:
        if not text or written_bare(text):
            continue
        low = prepare(text)
        folded = fold(low)
        if len(folded) != len(low):
            continue
        for m in pattern.finditer(folded):
            readings.setdefault(m.group(), Counter())[low[m.start() : m.end()]] += 1
    return readings


def accent_free_cue(cue: TopicCue, readings: Mapping[str, Mapping[str, int]] | None = None) -> TopicCue:
    """``cue`` with its folded spellings set, for texts typed without diacritics.

    A folded spelling stands for every phrase that folds to it, in the cue or not. With
    ``readings`` (:func:`spelling_readings` of real text), a spelling is kept where the cue's
    phrases that fold to it make at least half of the times it was read, and it was read at
    least :data:`MIN_READINGS` times; without them (or so few), only a spelling of several words
    is kept. A phrase without diacritics ("csgt") is its own spelling, always kept. As the
    complaint lexicon's are
    (:meth:`~duluan.analysis.sentiment.ComplaintLexicon.accent_free`).

    Args:
        cue: A cue.
        readings: Folded spelling → {words as written: times seen}.

    Returns:
        A copy of the cue with ``bare_actors``, ``bare_acts`` and ``bare_unless`` set.
    """

    def kept(phrases: tuple[str, ...]) -> tuple[str, ...]:
        by_form: dict[str, list[str]] = {}
        for phrase in phrases:
            by_form.setdefault(fold(phrase), []).append(phrase)
        out = []
        for form, own in by_form.items():
            seen = (readings or {}).get(form) or {}
            total = sum(seen.values())
            if form in own:  # written without diacritics already ("csgt"): its own spelling
                out.append(form)
            elif total >= MIN_READINGS:
                if sum(seen.get(p, 0) for p in own) * 2 >= total:
                    out.append(form)
            elif " " in form:
                out.append(form)
        return tuple(out)

    return replace(
        cue,
        bare_actors=kept(cue.actors),
        bare_acts=kept(cue.acts),
        bare_unless=tuple(dict.fromkeys(map(fold, cue.unless))),
        bare_not_acts=tuple(dict.fromkeys(map(fold, cue.not_acts))),
    )
