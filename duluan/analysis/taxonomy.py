"""The topic taxonomy officials work with, kept as editable data, and its gold set.

``data/taxonomy_vi.json`` lists each topic with its code, Vietnamese and English labels, a
description (the definition labellers follow, see ``data/labelling_guide.md``), seed terms,
the sectors of the public news corpora (VNTC, TC201805) that map onto it, and a sensitivity
weight in [0, 1] used by hotness (corruption and land weigh most). Officials may edit the file
(or a copy given by path); nothing about the topics is hard-coded.

``data/gold_topics.jsonl`` is the hand-labelled gold set: ``{corpus, id, label}`` rows pointing
into the shared corpora (the texts themselves are never copied into the repository).
``data/gold_topics_sample.jsonl`` labels a random sample of the same corpora the same way: the
gold set favours the rare topics, the sample shows the mix of a news stream as it comes.
``data/topic_examples.jsonl`` holds hand-labelled *training* examples in the same form, for the
topics news rarely labels by sector or seed terms (see :mod:`duluan.analysis.bootstrap`); no row
of it is in the gold set or the sample.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import ahocorasick

from duluan.analysis.cues import TopicCue
from duluan.analysis.features import prepare
from duluan.analysis.messages import ANGER_MAX
from duluan.analysis.normalise import fold, written_bare

__all__ = [
    "GoldLabel",
    "Taxonomy",
    "Topic",
    "evaluation_ids",
    "load_examples",
    "load_gold",
    "load_taxonomy",
    "read_gold_texts",
]

DATA_DIR = Path(__file__).parent / "data"
TAXONOMY_PATH = DATA_DIR / "taxonomy_vi.json"
GOLD_PATH = DATA_DIR / "gold_topics.jsonl"
SAMPLE_PATH = DATA_DIR / "gold_topics_sample.jsonl"
EXAMPLES_PATH = DATA_DIR / "topic_examples.jsonl"
# The gold passages in a citizen's voice of the sentiment files (data/labelling_guide.md),
# labelled by topic: never learnt, nor their articles.
LETTERS_GOLD_PATH = DATA_DIR / "gold_topics_letters.jsonl"
# News leads naming an official and a word of misconduct (scripts/misconduct_candidates.py),
# labelled by topic: whether the model sends officials' misconduct to ``corruption`` (the guide's
# rule 2), not to the sector it happened in, and crimes reported by the police to
# ``security_order``. A third of the leads read; the others are training examples, a file of
# their own (a draw of labelled files made before them reads the files as they were).
MISCONDUCT_GOLD_PATH = DATA_DIR / "gold_topics_misconduct.jsonl"
MISCONDUCT_EXAMPLES_PATH = DATA_DIR / "topic_examples_misconduct.jsonl"
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy.

    Attributes:
        code: Stable identifier (``land``, ``corruption``, …), the classifier's label.
        label_vi: Vietnamese name shown to officials.
        label_en: English name.
        description: What belongs here (the labelling definition).
        description_en: The same in English (empty: none written).
        seed_terms: Lower-case phrases typical of the topic (bootstrap and search hints).
        sectors: Corpus name → sector labels of that corpus mapped onto this topic.
        sensitivity: 0–1, how politically sensitive the topic is (used by hotness).
        cue: Two lists of phrases (an official, an act of misconduct) whose nearness raises the
            odds of this topic in the shipped model (:mod:`duluan.analysis.cues`), or ``None``.
    """

    code: str
    label_vi: str
    label_en: str
    description: str = ""
    description_en: str = ""
    seed_terms: tuple[str, ...] = ()
    sectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sensitivity: float = 0.5
    cue: TopicCue | None = None


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of topics with a default (catch-all) topic.

    Attributes:
        name: Title of the taxonomy.
        version: Version number written in the file.
        topics: The topics, in display order.
        default: Code of the catch-all topic.
    """

    name: str
    version: int
    topics: tuple[Topic, ...]
    default: str

    @property
    def codes(self) -> tuple[str, ...]:
        """Topic codes in display order."""
        return tuple(t.code for t in self.topics)

    def get(self, code: str) -> Topic:
        """Return the topic with this code.

        Args:
            code: A topic code.

        Returns:
            The topic.

        Raises:
            KeyError: No such topic.
        """
        for topic in self.topics:
            if topic.code == code:
                return topic
        raise KeyError(code)

    def sector_map(self, corpus: str) -> dict[str, str]:
        """Return ``{sector label of corpus: topic code}``.

        Args:
            corpus: ``vntc`` or ``tc201805``.

        Returns:
            The mapping (sectors mapped nowhere are absent).
        """
        return {s: t.code for t in self.topics for s in t.sectors.get(corpus, ())}

    @cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        return self._seed_automaton(folded=False)

    @cached_property
    def _bare_automaton(self) -> ahocorasick.Automaton:
        return self._seed_automaton(folded=True)

    def _seed_automaton(self, folded: bool) -> ahocorasick.Automaton:
        """The seed terms (prepared; with ``folded``, folded too), each found as ``(length of
        the key, the term as written, its topics)``: terms that fold alike are one key, under
        the first one's spelling, with the topics of all.

        Folded, a word of one syllable with diacritics is left out: it mostly stands for other
        words ("chùa" folds as "chưa" does, "thuế" as "thuê", "đền" as "đến"); phrases and
        abbreviations keep their meaning."""
        automaton = ahocorasick.Automaton()
        for topic in self.topics:
            for term in topic.seed_terms:
                written = prepare(term).strip()
                key = fold(written) if folded else written
                if folded and key != written and " " not in key:
                    continue
                if key:
                    length, shown, codes = automaton.get(key, (len(key), written, set()))
                    codes.add(topic.code)
                    automaton.add_word(key, (length, shown, codes))
        automaton.make_automaton()
        return automaton

    def seed_matches(self, text: str) -> dict[str, Counter]:
        """Count whole-word seed-term occurrences in a text, per topic.

        A text typed without diacritics (:func:`~duluan.analysis.normalise.written_bare`) is
        matched folded against the folded terms, so "ngap lut" counts as "ngập lụt".

        Args:
            text: Any text.

        Returns:
            ``{topic code: Counter({term: occurrences})}`` for topics with at least one match,
            each term as the taxonomy writes it.
        """
        prepared = prepare(text)
        out: dict[str, Counter] = {}
        if written_bare(prepared):
            prepared, automaton = fold(prepared), self._bare_automaton
        else:
            automaton = self._automaton
        if len(automaton) == 0:
            return out
        for end, (length, term, codes) in automaton.iter(prepared):
            start = end - length + 1
            if start > 0 and _WORD_CHAR.match(prepared[start - 1]):
                continue
            if end + 1 < len(prepared) and _WORD_CHAR.match(prepared[end + 1]):
                continue
            for code in codes:
                out.setdefault(code, Counter())[term] += 1
        return out


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy file (default: the shipped ``data/taxonomy_vi.json``).

    Args:
        path: A taxonomy JSON file.

    Returns:
        The taxonomy.

    Raises:
        ValueError: The file is malformed (duplicate codes, unknown default, bad sensitivity, a
            cue without its lists).
    """
    raw = json.loads(Path(path or TAXONOMY_PATH).read_text(encoding="utf-8"))
    topics = []
    for item in raw["topics"]:
        sensitivity = float(item.get("sensitivity", 0.5))
        if not 0.0 <= sensitivity <= 1.0:
            raise ValueError(f"topic {item['code']}: sensitivity must lie in [0, 1]")
        topics.append(
            Topic(
                code=str(item["code"]),
                label_vi=str(item["label_vi"]),
                label_en=str(item.get("label_en", "")),
                description=str(item.get("description", "")),
                description_en=str(item.get("description_en", "")),
                seed_terms=tuple(str(t) for t in item.get("seed_terms", ())),
                sectors={k: tuple(v) for k, v in (item.get("sectors") or {}).items()},
                sensitivity=sensitivity,
                cue=TopicCue.from_data(str(item["code"]), item["cue"]) if item.get("cue") else None,
            )
        )
    codes = [t.code for t in topics]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate topic codes in the taxonomy")
    default = str(raw.get("default", codes[-1] if codes else ""))
    if default not in codes:
        raise ValueError(f"default topic '{default}' is not in the taxonomy")
    return Taxonomy(
        name=str(raw.get("name", "")),
        version=int(raw.get("version", 1)),
        topics=tuple(topics),
        default=default,
    )


@dataclass(frozen=True)
class GoldLabel:
    """One hand-labelled text of the gold set: a row ``id`` of a shared ``corpus``, or the
    passage ``start:end`` of that row's text (offsets of :func:`~duluan.analysis.corpora.read_corpus`'s
    text) when both are given; ``anger``, where rated, is the anger its writer shows, from 0 to
    :data:`ANGER_MAX` (the mean of two readers: ``data/labelling_guide.md``)."""

    corpus: str
    id: str
    label: str
    start: int | None = None
    end: int | None = None
    anger: float | None = None


def load_gold(path: str | Path | None = None) -> list[GoldLabel]:
    """Read the gold set (default: the shipped ``data/gold_topics.jsonl``).

    Args:
        path: A JSONL file of ``{corpus, id, label}`` rows.

    Returns:
        The gold labels (empty when the file does not exist).
    """
    return _read_labels(Path(path or GOLD_PATH))


def evaluation_ids() -> set[tuple[str, str]]:
    """``(corpus, id)`` of every row the shipped evaluations score (the gold set, the random
    sample, the articles of the gold passages and the misconduct leads): no model may train on
    them."""
    paths = (GOLD_PATH, SAMPLE_PATH, LETTERS_GOLD_PATH, MISCONDUCT_GOLD_PATH)
    return {(g.corpus, g.id) for path in paths for g in _read_labels(path)}


def load_examples(path: str | Path | None = None) -> list[GoldLabel]:
    """Read hand-labelled training examples (default: the shipped ``data/topic_examples.jsonl``
    and ``data/topic_examples_misconduct.jsonl``, in that order).

    Args:
        path: A JSONL file of ``{corpus, id, label}`` rows.

    Returns:
        The examples (empty when the file does not exist).
    """
    if path is None:
        return _read_labels(EXAMPLES_PATH) + _read_labels(MISCONDUCT_EXAMPLES_PATH)
    return _read_labels(Path(path))


def _read_labels(path: Path) -> list[GoldLabel]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            start, end = item.get("start"), item.get("end")
            if (start is None) != (end is None):
                raise ValueError(f"{path}: a passage needs both start and end: {line}")
            anger = None if item.get("anger") is None else float(item["anger"])
            if anger is not None and not 0 <= anger <= ANGER_MAX:
                raise ValueError(f"{path}: anger {anger} is not from 0 to {ANGER_MAX}: {line}")
            rows.append(
                GoldLabel(
                    str(item["corpus"]),
                    str(item["id"]),
                    str(item["label"]),
                    None if start is None else int(start),
                    None if end is None else int(end),
                    anger,
                )
            )
    return rows


def read_gold_texts(gold: list[GoldLabel], data_dir: str | Path) -> list[tuple[GoldLabel, str]]:
    """Fetch the texts of gold rows from the shared corpora.

    Args:
        gold: Gold labels.
        data_dir: The shared data folder.

    Returns:
        ``(gold label, text)`` pairs, in gold order, the text being the labelled passage of a row
        that names one; rows whose text is not found, or is shorter than the passage, are left out.
    """
    from duluan.analysis.corpora import read_corpus

    wanted: dict[str, set[str]] = {}
    for g in gold:
        wanted.setdefault(g.corpus, set()).add(g.id)
    texts: dict[tuple[str, str], str] = {}
    for corpus, ids in wanted.items():
        for row in read_corpus(corpus, data_dir):
            if row.id in ids:
                texts[(corpus, row.id)] = row.text
    found = []
    for g in gold:
        text = texts.get((g.corpus, g.id))
        if text is None:
            continue
        if g.start is not None or g.end is not None:
            if g.start is None or g.end is None or not 0 <= g.start < g.end <= len(text):
                continue
            text = text[g.start : g.end]
        found.append((g, text))
    return found
