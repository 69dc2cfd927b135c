"""The analysis pipeline: steps over batches of documents, in the spirit of spaCy's ``Doc -> Doc``.

Every step is a callable that takes a batch (a list of :class:`Document`) and returns it with its
results filled in, so steps can be added, removed and reordered. A step declares whether it is
``ordered``: ordered steps (exact and near-duplicates, online clustering) keep state across
batches and must see the stream in order in one process; the others depend on one row only and
can run anywhere. :meth:`Pipeline.split` cuts a pipeline at its first ordered step so an engine
can run the per-row part in worker processes and the ordered part on the driver, in input order
— which is why the local and the Dask engines give identical output.

:func:`analyze_stream` runs a pipeline over an endless iterable of rows in fixed-size batches and
yields documents in input order; a row whose analysis fails is returned with ``error`` set
instead of stopping the run.
"""

from __future__ import annotations

import inspect
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from duluan.adminunits import DEFAULT_HOME_PROVINCE
from duluan.analysis.cluster import ClusterDoc, OnlineClusterer, TermCoder, name_flags_many, series_day
from duluan.analysis.dedupe import (
    ContentHashIndex,
    MinHasher,
    NearDuplicateIndex,
    content_hash,
    content_hashes,
)
from duluan.analysis.frames import PersonValues, letter_view, mask_person
from duluan.analysis.normalise import SYLLABLE_RE

__all__ = [
    "ANALYSIS_ERROR",
    "ClusterStep",
    "DedupeFeaturesStep",
    "Document",
    "ExactDuplicateStep",
    "NearDuplicateStep",
    "NormaliseStep",
    "Pipeline",
    "PlacesStep",
    "SentimentStep",
    "Step",
    "TopicStep",
    "analyze_stream",
    "basic_per_row_pipeline",
    "copy_joins",
    "default_pipeline",
    "ordered_pipeline",
    "per_row_pipeline",
    "place_keys",
    "token_batch",
    "tokenise",
    "units_within",
]

ANALYSIS_ERROR = "analysis_error"
MODEL_DIR_ENV = "DULUAN_MODEL_DIR"
# The same token pattern as duluan.analysis.normalise.syllables, applied to text that is already
# normalised (that function normalises again, which would double the cost of the step).


def tokenise(normalised_text: str) -> list[str]:
    """Return the lower-case syllables (and personal-data placeholders) of normalised text.

    Args:
        normalised_text: ``normalise(text).text``.

    Returns:
        Tokens, in order, as :func:`duluan.analysis.normalise.syllables` would give them.
    """
    return SYLLABLE_RE.findall(normalised_text.lower())


def copy_joins(doc_id: str, duplicate_of: str | None, near_duplicate_group: str | None) -> str | None:
    """The earlier document whose cluster a document joins whatever their similarity
    (:attr:`~duluan.analysis.cluster.ClusterDoc.joins`): its original when it is an exact copy,
    else the first of its near-duplicate group when that is another document; ``None`` for a
    document that is neither copy."""
    if duplicate_of:
        return duplicate_of
    return near_duplicate_group if near_duplicate_group and near_duplicate_group != doc_id else None


def units_within(gazetteer: Any, units: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The codes (``"scheme:code"``) of the units any of ``units`` lies within, in both schemes
    (:meth:`~duluan.analysis.places.Gazetteer.ancestors`): what :attr:`Document.place_within`
    holds for the units a text names and their counterparts. None from a gazetteer that does not
    know parents."""
    ancestors = getattr(gazetteer, "ancestors", None)
    if ancestors is None:
        return frozenset()
    return frozenset(f"{scheme}:{code}" for unit in units for scheme, code in ancestors(*unit))


def place_keys(gazetteer: Any, units: Iterable[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """``(place_codes, place_within)`` of a text naming ``units`` (``(scheme, code)`` pairs), as
    :class:`PlacesStep` gives them (:attr:`Document.place_codes`, :attr:`Document.place_within`):
    the codes of the units and of their counterparts in the other scheme
    (:meth:`~duluan.analysis.places.Gazetteer.equivalents`), and of the units any of these lie
    within. For the platform, which stores a signal's places without their counterparts and
    clusters stored signals again from them: a signal naming phường Trần Phú before 1/7/2025 and
    one naming phường Bắc Giang, which it became, after are of one issue there too. Only the
    units themselves (and no units within) from a gazetteer that knows neither."""
    units = list(units)
    equivalents = getattr(gazetteer, "equivalents", None)
    keys = units + [(s, c) for unit in units for s, c, _ in equivalents(*unit)] if equivalents else units
    return frozenset(f"{scheme}:{code}" for scheme, code in keys), units_within(gazetteer, keys)


@dataclass(slots=True)
class Document:
    """One text and everything the pipeline learns about it.

    Input fields come from the row; result fields start empty and are filled by steps.
    Offsets of ``places`` refer to :attr:`full_text` (the title, a newline, then the text).

    Attributes:
        id: Row id.
        text: Body text.
        title: Optional title, analysed together with the text.
        created_at: When it was written (timezone-aware when known).
        source: Where it came from (site, hotline, …).
        channel: Intake channel.
        row: 1-based row number in the input file (for the rejects report).
        line: 1-based line number in the input file, for line-based formats.
        normalised: Display form after normalisation (personal data masked, and the name of
            the letter's writer: :func:`~duluan.analysis.frames.mask_identity`).
        content: ``normalised`` without its letter's frame ("Kính gửi …", "Trân trọng cảm
            ơn!": :func:`~duluan.analysis.frames.letter_view`), or ``None`` where it has none.
        letter: Whether ``normalised`` holds a word of a letter's frame (``None``: not known);
            where it holds none, neither frame nor name is looked for again for the models.
        private: Personal data known apart from the text (a reporter's name, address, phone
            and e-mail on a form), masked in ``normalised`` wherever the text writes them
            (:func:`~duluan.analysis.frames.mask_person`).
        tokens: Lower-case syllables of ``content`` (of ``normalised`` where it is ``None``).
        content_hash: :func:`duluan.analysis.dedupe.content_hash` of ``normalised``.
        shingles: Shingle hashes for near-duplicate verification.
        signature: MinHash signature.
        terms: Term counts (syllable bigrams) for clustering: a dictionary, or a
            :class:`~duluan.analysis.cluster.TermSlice` of its batch's arrays (the same mapping).
        term_codes: :func:`duluan.analysis.cluster.term_codes` of ``terms``.
        topic: ``{"label", "score", "terms", "runner_up"}`` (``runner_up``, the second most
            probable label, when the model gives it).
        sentiment: ``{"label", "score", "intensity"}`` (intensity when the model measures it).
        places: ``[{"code", "scheme", "level", "name", "start", "end", "confidence",
            "equivalents", "candidates"}]``: ``equivalents`` the units of the other scheme the unit
            became or came from (``{"scheme", "code", "level", "name", "within", "share"}``),
            ``candidates`` the units a name shared by many could be when the text did not tell
            them apart (``{"scheme", "code", "level", "name", "within"}``; empty when resolved).
        place_codes: Codes (with cross-scheme equivalents) used to keep clusters local.
        place_within: Codes of the units those lie within (both schemes), so that a text naming
            a ward and one naming its city or province stay compatible.
        duplicate_of: Earlier document with the same normalised text.
        near_duplicate_group: First document of its near-duplicate group (itself if new).
        cluster: Online cluster id.
        error: Why the analysis of this row failed (then the other results are meaningless).
        series_day: :func:`duluan.analysis.cluster.series_day` of the normalised text, for
            clustering.
        names: :func:`duluan.analysis.cluster.name_flags` of the normalised text and
            ``term_codes``: which terms it writes as proper names, for clustering.
        masked: What a model that masks places reads (see :func:`masked_views`): the
            normalised text and its tokens with each place found replaced by
            :data:`~duluan.analysis.places.masking.PLACE_TOKEN` (``normalised`` and ``tokens``
            themselves when it names none); ``None`` until a model asks.
    """

    id: str
    text: str
    title: str | None = None
    created_at: datetime | None = None
    source: str | None = None
    channel: str | None = None
    row: int | None = None
    line: int | None = None
    normalised: str | None = None
    tokens: list[str] | None = None
    content_hash: str | None = None
    shingles: np.ndarray | None = None
    signature: np.ndarray | None = None
    terms: Mapping[str, int] | None = None
    term_codes: np.ndarray | None = None
    topic: dict[str, Any] | None = None
    sentiment: dict[str, Any] | None = None
    places: list[dict[str, Any]] = field(default_factory=list)
    place_codes: frozenset[str] = frozenset()
    place_within: frozenset[str] = frozenset()
    duplicate_of: str | None = None
    near_duplicate_group: str | None = None
    cluster: str | None = None
    error: str | None = None
    series_day: int = 0
    names: np.ndarray | None = None
    masked: tuple[str | None, list[str] | None] | None = None
    # (last: unpack_documents builds documents by position)
    content: str | None = None
    letter: bool | None = None
    private: PersonValues | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Document:
        """Build a document from a validated input row (see :mod:`duluan.analysis.io`)."""
        return cls(
            id=str(row["id"]),
            text=row["text"],
            title=row.get("title") or None,
            created_at=row.get("created_at"),
            source=row.get("source") or None,
            channel=row.get("channel") or None,
            row=row.get("_row"),
            line=row.get("_line"),
        )

    @property
    def full_text(self) -> str:
        """The text analysed: the title and the body, one line apart."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def slim(self) -> Document:
        """Drop what ordered steps and the output never need, before crossing processes."""
        self.text = ""
        self.title = None
        self.normalised = None
        self.content = None
        self.tokens = None
        self.masked = None
        return self

    def to_record(self) -> dict[str, Any]:
        """Return the output row: ``id``, ``topic``, ``sentiment``, ``places``, ``duplicate_of``,
        ``near_duplicate_group``, ``cluster``."""
        return {
            "id": self.id,
            "topic": self.topic,
            "sentiment": self.sentiment,
            "places": self.places,
            "duplicate_of": self.duplicate_of,
            "near_duplicate_group": self.near_duplicate_group,
            "cluster": self.cluster,
        }


@runtime_checkable
class Step(Protocol):
    """A pipeline step: fills results into a batch of documents and returns the batch.

    Attributes:
        name: Short name, for messages.
        ordered: ``True`` when the step keeps state across batches, so it must run in one
            process over batches in stream order.
    """

    name: str
    ordered: bool

    def __call__(self, batch: list[Document]) -> list[Document]: ...


class Pipeline:
    """An ordered list of steps.

    Args:
        steps: The steps, run in this order on every batch.
    """

    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)

    def __repr__(self) -> str:
        return f"Pipeline([{', '.join(s.name for s in self.steps)}])"

    def run(self, batch: list[Document]) -> list[Document]:
        """Run every step over a batch.

        Args:
            batch: Documents in stream order.

        Returns:
            The same documents with results filled in.
        """
        for step in self.steps:
            batch = step(batch)
        return batch

    def split(self) -> tuple[Pipeline, Pipeline]:
        """Cut the pipeline at its first ordered step.

        Returns:
            ``(per_row, ordered)``: the leading steps that depend on one row only, and the rest.
        """
        cut = next((i for i, s in enumerate(self.steps) if s.ordered), len(self.steps))
        return Pipeline(self.steps[:cut]), Pipeline(self.steps[cut:])


# -- per-row steps ------------------------------------------------------------------------------


class NormaliseStep:
    """Normalise the title and text (NFC, tones, masked personal data) and split syllables.

    The name and house of who wrote or reported it ("Tôi tên là …, trú tại số 12 đường …",
    "Người phản ánh: …") are masked too (:func:`~duluan.analysis.frames.letter_view`): the
    normalised text is what officials see of a signal in lists, titles and the issue's terms,
    where a complainant's name must not be. The tokens are those of the text without its
    letter's frame (:attr:`Document.content`), which duplicates and clusters compare.

    Args:
        normaliser: ``text -> object with .text``; defaults to
            :func:`duluan.analysis.normalise.normalise`.
    """

    name = "normalise"
    ordered = False

    def __init__(self, normaliser: Callable[[str], Any] | None = None) -> None:
        # The default normaliser has a batch form that also gives the syllables (same results).
        self._many: Callable[[list[str]], list[tuple[str, list[str]]]] | None = None
        if normaliser is None:
            from duluan.analysis.normalise import normalise as normaliser
            from duluan.analysis.normalise import normalise_many

            self._many = normalise_many
        self.normaliser = normaliser

    def __call__(self, batch: list[Document]) -> list[Document]:
        if self._many is not None:
            results = self._many([doc.full_text for doc in batch])
        else:
            results = [(text := self.normaliser(doc.full_text).text, tokenise(text)) for doc in batch]
        for doc, (text, tokens) in zip(batch, results, strict=True):
            view = letter_view(text)
            # Normalising adds words of a letter where it joins or mends them, and takes none away
            # but where it masks personal data: there, the text as written may still hold one.
            doc.letter = view is not None or "<" in text
            masked, content = view or (text, text)
            if doc.private:
                plain = content is masked
                masked = mask_person(masked, doc.private)
                content = masked if plain else mask_person(content, doc.private)
            doc.normalised = masked
            doc.content = None if content is masked else content
            doc.tokens = tokens if content is text else tokenise(content)
        return batch


class DedupeFeaturesStep:
    """Compute what duplicate detection and clustering need: hash, shingles, signature, terms.

    Args:
        hasher: The :class:`MinHasher` (its parameters must match the near-duplicate index's).
    """

    name = "dedupe_features"
    ordered = False

    def __init__(self, hasher: MinHasher | None = None) -> None:
        self.hasher = hasher or MinHasher()
        self._terms = TermCoder()

    def load_compiled(self) -> bool:
        """Find the terms by a compiled loop from now on, for long inputs (see
        :meth:`~duluan.analysis.cluster.TermCoder.load_compiled`); return True."""
        return self._terms.load_compiled()

    def __call__(self, batch: list[Document]) -> list[Document]:
        # The batch's syllables are looked up once; shingles and terms (the same as
        # :meth:`MinHasher.shingles_many` and :func:`terms_many`) both start from their rows:
        # 43 against 52-53 µs of CPU a lead for this step (bench_steps.py --rows 100000
        # --batch-gc, alternating runs, 2026-11-30).
        token_lists = [doc.tokens or [] for doc in batch]
        flat: list[str] = []
        for tokens in token_lists:
            flat += tokens
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        hasher = self.hasher
        shared = _numbered_tokens(token_lists, lengths)
        if shared is not None:
            rows, strings, generation = shared
            table = hasher.numbered_hashes(strings, generation)
            syllables, version = strings, ("numbered", generation)
        else:
            rows, table = hasher.syllable_rows(flat), None
            syllables, version = hasher.syllables, ("hasher", hasher.generation)
        shingle_sets = hasher.shingles_from_rows(rows, lengths, table)
        signatures = hasher.signatures_from_shingles(shingle_sets)
        # The terms as slices of the batch's arrays (see TermCoder): pack_documents sends them on
        # as they are, and the clusterer reads them so.
        terms, codes = self._terms(flat, lengths, rows, syllables, version)
        hashes = content_hashes([doc.normalised or "" for doc in batch], [doc.full_text for doc in batch])
        texts = [doc.content or doc.normalised or doc.full_text for doc in batch]
        # The pairs' codes from the rows' values the term coder keeps (see TermCoder.pair_codes).
        coder = self._terms
        names = name_flags_many(texts, lengths, codes, lambda at: coder.pair_codes(rows, at))
        for doc, digest, shingles, signature, doc_terms, doc_codes, text, doc_names in zip(
            batch, hashes, shingle_sets, signatures, terms, codes, texts, names, strict=True
        ):
            doc.series_day = series_day(text)
            doc.names = doc_names
            doc.content_hash = digest
            doc.shingles = shingles
            doc.signature = signature
            doc.terms = doc_terms
            doc.term_codes = doc_codes
        return batch


def _numbered_tokens(
    token_lists: list[list[str]], lengths: np.ndarray
) -> tuple[np.ndarray, list[str], int] | None:
    """The numbers of the texts' tokens, one text after the other, in the syllable table the
    last :func:`token_batch` (in this thread) was numbered in, with the table's strings and
    generation; ``None`` when there is no such batch of as many texts.

    The models' batch already numbers the documents' tokens (see
    :meth:`~duluan.analysis.features.TokenBatch.numbered`): a text whose tokens the models
    read from the same list takes their numbers there instead of a look-up of every token
    again. The others (a placeholder ``<url>`` read as ``url``, a text holding ``_`` split
    again, another batch's texts) have their own tokens numbered here, so shingles and terms
    stay those of the tokens given. The near-duplicate features of news leads took 24.7-27.9
    against 29.2-32.6 µs of CPU a lead (five alternating rounds over 20 batches of 1,000,
    2026-12-01): this takes 0.6 µs a lead where the look-up took 5.4.
    """
    from duluan.analysis.features import number_syllables

    last = getattr(_LAST_TOKEN_BATCH, "value", None)
    if last is None or len(last[1].token_lists) != len(token_lists):
        return None
    made = last[1]
    ids, strings, generation = made.numbered()
    # Where each token sits in the models' batch: its text's start there, plus its place in
    # the text (the same list, so the same length).
    source = np.repeat(made.starts() - (np.cumsum(lengths) - lengths), lengths) + np.arange(
        int(lengths.sum())
    )
    differ = [i for i, (read, given) in enumerate(zip(made.token_lists, token_lists)) if read is not given]
    if not differ:
        return ids[source], strings, generation
    own = np.zeros(len(token_lists), dtype=bool)
    own[differ] = True
    mine = np.repeat(own, lengths)
    source[mine] = 0
    rows = ids[source]
    rest: list[str] = []
    for i in differ:
        rest += token_lists[i]
    numbers, strings, again = number_syllables(rest)
    if again != generation:  # the table started afresh: the models' numbers are gone
        return None
    rows[mine] = numbers
    return rows, strings, generation


class PlacesStep:
    """Find administrative places with a gazetteer (``find(text, when=date)``).

    The gazetteer reads the original title and text (it does its own NFC and folding), so
    ``start``/``end`` are offsets into ``full_text`` — the title, a newline, then the text — as
    received, which is what a reviewer highlights.

    Each place names its unit in both schemes (``equivalents``: a pre-2025 commune's 2025 commune,
    a 2025 commune's pre-2025 ones) and, when the text could not tell which of the units sharing a
    name it meant, all of them (``candidates``, each with the parents it lies ``within``).

    Args:
        gazetteer: E.g. :meth:`duluan.analysis.places.Gazetteer.default`.
    """

    name = "places"
    ordered = False

    def __init__(self, gazetteer: Any) -> None:
        self.gazetteer = gazetteer
        # A unit's counterparts, and a name's candidates, as the output lists them: units recur, so
        # each list is made once and shared by the rows that name it (output rows are not changed).
        self._equivalents: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._candidates: dict[tuple[tuple[str, str], ...], list[dict[str, Any]]] = {}
        # "scheme:code" of the units a unit or its counterparts lie within, by the unit.
        self._within: dict[tuple[str, str], frozenset[str]] = {}

    def _unit(self, scheme: str, code: str) -> dict[str, Any]:
        """A unit as the output lists it (:meth:`~duluan.analysis.places.Gazetteer.describe`;
        its scheme and code alone from a gazetteer that does not describe units)."""
        describe = getattr(self.gazetteer, "describe", None)
        return (describe(scheme, code) if describe else None) or {"scheme": scheme, "code": code}

    def _listed_equivalents(self, mention: Any) -> list[dict[str, Any]]:
        """The units of the other scheme that ``mention``'s unit became or came from, with the share."""
        key = (mention.scheme, mention.code)
        listed = self._equivalents.get(key)
        if listed is None:
            listed = self._equivalents[key] = [
                {**self._unit(scheme, code), "share": share}
                for scheme, code, share in (getattr(mention, "equivalents", None) or ())
            ]
        return listed

    def _listed_candidates(self, mention: Any) -> list[dict[str, Any]]:
        """The units an unresolved name could be (none when the text told them apart)."""
        candidates = getattr(mention, "candidates", None)
        if not candidates:
            return []
        listed = self._candidates.get(candidates)
        if listed is None:
            listed = self._candidates[candidates] = [self._unit(scheme, code) for scheme, code in candidates]
        return listed

    def _listed_within(self, mention: Any) -> frozenset[str]:
        """The codes of the units ``mention``'s unit and its counterparts in the other scheme lie
        within (none from a gazetteer that does not know parents)."""
        key = (mention.scheme, mention.code)
        within = self._within.get(key)
        if within is None:
            units = [key, *((e[0], e[1]) for e in (getattr(mention, "equivalents", None) or ()))]
            within = self._within[key] = units_within(self.gazetteer, units)
        return within

    def __call__(self, batch: list[Document]) -> list[Document]:
        texts = [doc.full_text for doc in batch]
        whens = [doc.created_at.date() if doc.created_at is not None else None for doc in batch]
        find_many = getattr(self.gazetteer, "find_many", None)
        if find_many is not None:  # Gazetteer.find_many folds the whole batch at once
            found = find_many(texts, whens)
        else:
            found = [self.gazetteer.find(text, when=when) for text, when in zip(texts, whens)]
        for doc, mentions in zip(batch, found, strict=True):
            doc.places = [
                {
                    "code": m.code,
                    "scheme": m.scheme,
                    "level": m.level,
                    "name": m.name,
                    "start": m.start,
                    "end": m.end,
                    "confidence": float(m.confidence),
                    "equivalents": self._listed_equivalents(m),
                    "candidates": self._listed_candidates(m),
                }
                for m in mentions
            ]
            # "scheme:code" of each unit and of its counterparts in the other scheme, so a
            # report naming an old district and one naming its 2025 successor stay compatible.
            codes: set[str] = set()
            within: set[str] = set()
            for m in mentions:
                codes.add(f"{m.scheme}:{m.code}")
                codes.update(f"{e[0]}:{e[1]}" for e in (getattr(m, "equivalents", None) or ()))
                within |= self._listed_within(m)
            doc.place_codes = frozenset(codes)
            # And the units they lie within: a report naming a ward and one naming its city may
            # be of one issue (see ClusterDoc.within).
            doc.place_within = frozenset(within)
        return batch


class TopicStep:
    """Classify the topic with a model exposing ``predict(texts) -> [(label, score, terms)]``.

    A model that ``reads_token_batches`` gets the batch's syllables as the normalise step split
    them (see :func:`token_batch`) instead of the texts, so it does not split them again.
    """

    name = "topic"
    ordered = False

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier

    def load_compiled(self) -> bool:
        """Load the model's compiled loops for explained batches of syllables now, for long
        inputs (about a second: see
        :meth:`~duluan.analysis.linear_text.LinearTextClassifier.load_compiled_explain`); return
        whether it scores and explains by them (from then on, every batch)."""
        load = getattr(self.classifier, "load_compiled_explain", None)
        return bool(load()) if load is not None else False

    def __call__(self, batch: list[Document]) -> list[Document]:
        fields = getattr(self.classifier, "predict_fields", None)
        if fields is not None:
            # The model's columns, terms already as words: no prediction object per document,
            # no weights rounded to be dropped: 26.4 µs a news lead against 29.6, best of three
            # over 10,000 leads in batches of 1,000, alternating runs (measured 2026-11-30).
            labels, scores, terms, runner_ups = fields(_model_input(self.classifier, batch))
            for doc, label, score, words, second in zip(
                batch, labels, scores, terms, runner_ups, strict=True
            ):
                doc.topic = {"label": label, "score": score, "terms": words, "runner_up": second}
            return batch
        predictions = self.classifier.predict(_model_input(self.classifier, batch))
        for doc, p in zip(batch, predictions, strict=True):
            # Terms may come as (term, weight) pairs; the output keeps the words.
            terms = [t[0] if isinstance(t, tuple | list) else str(t) for t in p.terms]
            doc.topic = {
                "label": p.label,
                "score": float(p.score),
                "terms": terms,
                "runner_up": getattr(p, "runner_up", None),
            }
        return batch


class SentimentStep:
    """Classify sentiment with a model exposing ``predict(texts) -> [(label, score, ...)]``.

    The output keeps only the label, score and intensity, so the model is asked not to explain
    either (the real classifier then runs several times faster) when its ``predict`` accepts
    ``explain`` and ``intensity_terms``; like :class:`TopicStep`, it passes the batch's syllables
    to a model that ``reads_token_batches``.
    """

    name = "sentiment"
    ordered = False

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier
        try:
            accepted = inspect.signature(classifier.predict).parameters
        except (TypeError, ValueError):
            accepted = {}
        self._kwargs = {flag: False for flag in ("explain", "intensity_terms") if flag in accepted}

    def load_compiled(self) -> bool:
        """Load the model's compiled scoring loops now, for long inputs (about a second: see
        :meth:`~duluan.analysis.linear_text.LinearTextClassifier.load_compiled`); return whether
        it scores by them. The step never explains, so they score every batch from then on."""
        load = getattr(self.classifier, "load_compiled", None)
        return bool(load()) if load is not None else False

    def __call__(self, batch: list[Document]) -> list[Document]:
        fields = getattr(self.classifier, "predict_fields", None)
        if fields is not None:
            # Columns, without a prediction object per document: 30.5 µs a news lead against
            # 31.6, measured as the topic step's (2026-11-30).
            labels, scores, intensities = fields(_model_input(self.classifier, batch))
            for doc, label, score, intensity in zip(batch, labels, scores, intensities, strict=True):
                doc.sentiment = {"label": label, "score": score, "intensity": intensity}
            return batch
        predictions = self.classifier.predict(_model_input(self.classifier, batch), **self._kwargs)
        for doc, p in zip(batch, predictions, strict=True):
            doc.sentiment = {"label": p.label, "score": float(p.score)}
            intensity = getattr(p, "intensity", None)
            if intensity is not None:  # anger/complaint intensity in [0, 1], when the model gives it
                doc.sentiment["intensity"] = float(intensity)
        return batch

    def explain(self, batch: list[Document]) -> list[Any]:
        """The model's predictions of ``batch`` (run through the steps before this one) with their
        explanations: the n-grams behind each label and the phrases behind each intensity, which
        :meth:`__call__` leaves out for speed (a signal's page shows them)."""
        return self.classifier.predict(
            _model_input(self.classifier, batch), explain=True, intensity_terms=True
        )


def _model_input(classifier: Any, batch: list[Document]) -> Any:
    """The texts a model reads (normalised when known), or their syllables if it takes them;
    with their places masked for a model that masks them (see :func:`masked_views`)."""
    masked = bool(getattr(classifier, "mask_places", False))
    if getattr(classifier, "reads_token_batches", False):
        return token_batch(batch, masked=masked)
    if masked:
        return [text or doc.full_text for doc, (text, _) in zip(batch, masked_views(batch), strict=True)]
    return [doc.content or doc.normalised or doc.full_text for doc in batch]


def masked_views(batch: list[Document]) -> list[tuple[str | None, list[str] | None]]:
    """Per document, the normalised text and tokens a model that masks places reads
    (:mod:`duluan.analysis.places.masking`), kept in :attr:`Document.masked`.

    The places are those the places step found (offsets into :attr:`Document.full_text`) and
    the streets' names (:func:`~duluan.analysis.places.masking.street_spans`); a letter's frame
    (:func:`~duluan.analysis.frames.frame_spans`: "Kính gửi …", "Tôi tên là …, trú tại …",
    "Trân trọng cảm ơn!") is left out. The full text so masked is normalised again, as the
    normalise step did (not where it did not run).
    A document that names none reads as it is:
    its own ``normalised`` and ``tokens``, so the models' batches (see :func:`token_batch`) and
    the duplicate features reuse them as before. The places step must come before the models
    for them to be masked.
    """
    from duluan.analysis.frames import left_out_spans
    from duluan.analysis.places.masking import mask_spans, street_spans

    again: list[tuple[Document, str]] = []
    for doc in batch:
        if doc.masked is not None:
            continue
        spans = [(p["start"], p["end"]) for p in doc.places] + street_spans(doc.full_text, doc.tokens)
        frame = left_out_spans(doc.full_text) if doc.letter is not False else []
        if not spans and not frame:
            doc.masked = (doc.content or doc.normalised, doc.tokens)
            continue
        text = mask_spans(doc.full_text, spans, frame)
        if doc.normalised is None:
            doc.masked = (text, None)  # split by the model, as the unmasked text would be
        else:
            again.append((doc, text))
    if again:
        # Normalised again rather than masked in the normalised text, whose offsets differ
        # from the full text's where normalising changed a length: splitting a masked text
        # into syllables alone cost as much (8-9 against 9.2 µs a news lead, 2026-12-04).
        from duluan.analysis.normalise import normalise_many

        for (doc, _), (text, tokens) in zip(again, normalise_many([t for _, t in again]), strict=True):
            doc.masked = (text, tokens)
    return [doc.masked for doc in batch]  # type: ignore[misc]


def token_batch(batch: list[Document], masked: bool = False) -> Any:
    """Return the :class:`~duluan.analysis.features.TokenBatch` of the documents' texts.

    The texts are the normalised ones (the full text when empty). Their syllables are those the
    normalise step already split (:attr:`Document.tokens`), as the featurizers split them: a
    personal-data placeholder ``<url>`` is the syllable ``url``. A text with ``_`` (which
    :func:`tokenise` splits at and the featurizers do not), or with no tokens, is split again.

    The topic and sentiment steps ask for the same batch one after the other: the last result
    (per thread) is given again while the documents and their texts and tokens are the same
    objects, so the second step reuses the first one's syllables and their numbers.

    Args:
        batch: Documents, normalised or not.
        masked: Their texts with places masked (:func:`masked_views`), for a model that masks
            them.

    Returns:
        The batch's texts and syllables.
    """
    if masked:
        views = masked_views(batch)
        inputs = [
            (doc, text, tokens, doc.text, doc.title) for doc, (text, tokens) in zip(batch, views, strict=True)
        ]
    else:
        inputs = [(doc, doc.content or doc.normalised, doc.tokens, doc.text, doc.title) for doc in batch]
    last = getattr(_LAST_TOKEN_BATCH, "value", None)
    if last is not None and len(last[0]) == len(inputs):
        if all(
            a is b for old, new in zip(last[0], inputs, strict=True) for a, b in zip(old, new, strict=True)
        ):
            return last[1]
    _LAST_TOKEN_BATCH.value = (inputs, made := _make_token_batch(inputs))
    return made


_LAST_TOKEN_BATCH = threading.local()


def _make_token_batch(inputs: list[tuple[Document, str | None, list[str] | None, str, str | None]]) -> Any:
    """The :class:`~duluan.analysis.features.TokenBatch` of :func:`token_batch`'s inputs:
    ``(document, normalised text, its tokens, text, title)``."""
    from duluan.analysis.features import tokenise_normalised

    return tokenise_normalised(
        [normalised or doc.full_text for doc, normalised, _, _, _ in inputs],
        [tokens if normalised else None for _, normalised, tokens, _, _ in inputs],
    )


# -- ordered steps ------------------------------------------------------------------------------


class ExactDuplicateStep:
    """Mark documents whose normalised text an earlier document already had.

    Args:
        index: Remembers recent content hashes (bounded).
    """

    name = "exact_duplicates"
    ordered = True

    def __init__(self, index: ContentHashIndex | None = None) -> None:
        self.index = index if index is not None else ContentHashIndex()

    def __call__(self, batch: list[Document]) -> list[Document]:
        for doc in batch:
            doc.duplicate_of = self.index.add(
                doc.id, doc.content_hash or content_hash(doc.normalised or "", doc.full_text)
            )
        return batch


class _Recent(dict):
    """A dict that forgets its oldest entries beyond ``capacity`` (insertion order)."""

    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def remember(self, key: str, value: str) -> None:
        self[key] = value
        if len(self) > self.capacity:
            del self[next(iter(self))]


# The groups of texts that joined another's, remembered for their exact copies, most recent first out.
_GROUPS_KEPT = 100_000


class NearDuplicateStep:
    """Group near-duplicates (Jaccard of syllable shingles ≥ threshold) in stream order.

    An exact copy (``duplicate_of``, set before this step) is in its original's group, whatever
    the index still holds: a copy of a text gone from its window joined the group of a later near
    copy, not its original's (with the index's budget, 18,000 articles back). So is the copy of a
    text without a syllable ("😀😀😀", "!!!"), which resembles nothing.

    Args:
        index: The near-duplicate index (bounded to its most recent documents).
    """

    name = "near_duplicates"
    ordered = True

    def __init__(self, index: NearDuplicateIndex | None = None) -> None:
        # (not "index or …": an empty index has a length, 0, and is false)
        self.index = index if index is not None else NearDuplicateIndex()
        self._joined = _Recent(_GROUPS_KEPT)  # an original's id -> the group it joined, if not its own

    def __call__(self, batch: list[Document]) -> list[Document]:
        if not batch:
            return batch
        sets = [doc.shingles if doc.shingles is not None else np.zeros(0, np.uint64) for doc in batch]
        signatures = np.stack([doc.signature for doc in batch])
        matches = self.index.add_many([doc.id for doc in batch], sets, signatures)
        for doc, match in zip(batch, matches, strict=True):
            group = match.group
            if doc.duplicate_of is not None:
                group = self._joined.get(doc.duplicate_of, doc.duplicate_of)
            elif group != doc.id:
                self._joined.remember(doc.id, group)
            doc.near_duplicate_group = group
        return batch


class ClusterStep:
    """Assign each document to an online cluster (an issue) in stream order.

    An exact copy (``duplicate_of``) joins its original's cluster while that is open and within
    the window (:attr:`~duluan.analysis.cluster.ClusterDoc.joins`), however far the cluster's
    centroid has drifted from the original, and whatever the batches; a near copy joins its
    near-duplicate group's first text's cluster the same way (on AIVIVN reviews, 65 of 454 near
    copies had been in another cluster than their group's first). So does the copy of a text
    without terms (emoji, marks), which opens a cluster of its own as it resembles nothing
    ("😀😀😀" sent a hundred times made a hundred clusters). The clusterer remembers the
    originals' clusters in its state, so a resumed one goes on the same way.

    Args:
        clusterer: The clusterer; pass one rebuilt with ``OnlineClusterer.from_state`` to resume.
    """

    name = "cluster"
    ordered = True

    def __init__(self, clusterer: OnlineClusterer | None = None) -> None:
        self.clusterer = clusterer if clusterer is not None else OnlineClusterer()

    def __call__(self, batch: list[Document]) -> list[Document]:
        docs = [
            ClusterDoc(
                id=doc.id,
                terms=doc.terms or {},
                topic=doc.topic["label"] if doc.topic else None,
                places=doc.place_codes,
                within=doc.place_within,
                created_at=doc.created_at,
                codes=doc.term_codes,
                other_topic=doc.topic.get("runner_up") if doc.topic else None,
                series_day=doc.series_day,
                names=doc.names,
                joins=copy_joins(doc.id, doc.duplicate_of, doc.near_duplicate_group),
            )
            for doc in batch
        ]
        for doc, cluster in zip(batch, self.clusterer.assign_many(docs), strict=True):
            doc.cluster = cluster
        return batch


# -- assembly -----------------------------------------------------------------------------------


def resolve_model_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder of the default model files (argument, ``DULUAN_MODEL_DIR``, ``var/models``)."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(MODEL_DIR_ENV) or Path("var") / "models")


def per_row_pipeline(
    model_dir: str | os.PathLike[str] | None = None,
    gazetteer: Any = None,
    home_province: str | None = DEFAULT_HOME_PROVINCE,
) -> Pipeline:
    """Return the default per-row steps (normalise, places, topic, sentiment, dedupe features).

    Args:
        model_dir: Folder holding ``topic`` and ``sentiment`` model files (see :func:`model_dir`).
        gazetteer: A gazetteer; defaults to ``Gazetteer.default(home_province=home_province)``.
        home_province: 2025 code of the province whose units a shared name is read as, ``None``
            for none (a name several provinces have is then left unresolved, its candidates
            listed); Bắc Ninh (:data:`~duluan.adminunits.DEFAULT_HOME_PROVINCE`) by default.

    Returns:
        A pipeline with no ordered step, safe to build in each worker process.

    Raises:
        FileNotFoundError, ValueError: From the model loaders when a model is missing or corrupt.
    """
    from duluan.analysis.places import Gazetteer
    from duluan.analysis.sentiment import SentimentClassifier
    from duluan.analysis.topic import TopicClassifier

    if gazetteer is None:
        gazetteer = Gazetteer.default(home_province=home_province)
    folder = resolve_model_dir(model_dir)
    # Mapped, not read: the two models loaded in 0.07 s of CPU against 0.17-0.22 (0.09-0.10 s
    # wall against 0.23-0.43, 2026-11-30), and forked workers share the file's pages. Model
    # files are only ever replaced whole (save_model renames a new file over the old), so a
    # mapped file never changes under a running pipeline.
    return Pipeline(
        [
            NormaliseStep(),
            PlacesStep(gazetteer),
            TopicStep(TopicClassifier.load(_model_file(folder, "topic"), mapped=True)),
            SentimentStep(SentimentClassifier.load(_model_file(folder, "sentiment"), mapped=True)),
            DedupeFeaturesStep(),
        ]
    )


def basic_per_row_pipeline(model_dir: str | os.PathLike[str] | None = None) -> Pipeline:
    """Return the per-row steps that need no model: normalise and dedupe features.

    Topic, sentiment and places stay empty; duplicates and clusters still work. Useful when
    the models are not built yet and in tests.

    Args:
        model_dir: Ignored (the signature matches :func:`per_row_pipeline`).

    Returns:
        The pipeline.
    """
    return Pipeline([NormaliseStep(), DedupeFeaturesStep()])


def ordered_pipeline(
    clusterer: OnlineClusterer | None = None, near_index: NearDuplicateIndex | None = None
) -> Pipeline:
    """Return the default ordered steps (exact duplicates, near-duplicates, clusters)."""
    return Pipeline([ExactDuplicateStep(), NearDuplicateStep(near_index), ClusterStep(clusterer)])


def default_pipeline(
    model_dir: str | os.PathLike[str] | None = None,
    gazetteer: Any = None,
    clusterer: OnlineClusterer | None = None,
) -> Pipeline:
    """Return the whole default pipeline: per-row steps then ordered steps.

    Args:
        model_dir: Folder of the model files (default ``DULUAN_MODEL_DIR`` or ``var/models``).
        gazetteer: A gazetteer; defaults to ``Gazetteer.default()``.
        clusterer: A clusterer to continue (e.g. from saved state).

    Returns:
        The pipeline.
    """
    return Pipeline(per_row_pipeline(model_dir, gazetteer).steps + ordered_pipeline(clusterer).steps)


def model_fingerprint(folder: str | os.PathLike[str] | None) -> str:
    """The fingerprint of the topic and sentiment models in ``folder`` (the SHA-256 each file
    keeps of itself, :class:`~duluan.analysis.model_io.ModelInfo`): equal on two machines when
    their files are copies, whatever their times and paths.

    Raises:
        FileNotFoundError: A model is missing (:func:`_model_file`).
        ModelFileError: A model file is corrupt or incompatible.
    """
    from duluan.analysis.model_io import read_model_info

    found = resolve_model_dir(folder)
    return " ".join(read_model_info(_model_file(found, stem)).sha256 for stem in ("topic", "sentiment"))


def _model_file(folder: Path, stem: str) -> Path:
    """Find ``<stem>.*`` in the model folder (the model builder picks the extension)."""
    matches = sorted(folder.glob(f"{stem}*"))
    if not matches:
        raise FileNotFoundError(
            f"Không tìm thấy mô hình '{stem}' trong {folder}. "
            f"Hãy xây dựng mô hình hoặc đặt biến {MODEL_DIR_ENV}."
        )
    return matches[0]


# -- running ------------------------------------------------------------------------------------


def run_guarded(pipeline: Pipeline, batch: list[Document]) -> list[Document]:
    """Run a per-row pipeline so that one bad row cannot fail the batch.

    If the batch fails, each row is run alone and a row that still fails gets ``error`` set
    (``"analysis_error: <exception>"``) instead of results.

    Args:
        pipeline: Steps that depend on one row only.
        batch: Documents.

    Returns:
        The documents, in order.
    """
    try:
        return pipeline.run(batch)
    except Exception:
        out = []
        for doc in batch:
            try:
                out.extend(pipeline.run([doc]))
            except Exception as exc:
                doc.error = f"{type(exc).__name__}: {exc}"
                out.append(doc)
        return out


def run_ordered(pipeline: Pipeline, batch: list[Document]) -> list[Document]:
    """Run the ordered steps over the rows that the per-row steps analysed without error."""
    good = [doc for doc in batch if doc.error is None]
    if good:
        pipeline.run(good)
    return batch


def batched(rows: Iterable[Any], size: int, max_chars: int | None = None) -> Iterator[list[Any]]:
    """Yield lists of ``size`` items (the last may be shorter); with ``max_chars``, a list ends
    too once its rows' texts and titles hold that many characters (see :data:`BATCH_CHARS`)."""
    batch: list[Any] = []
    chars = 0
    for row in rows:
        batch.append(row)
        if max_chars is not None:
            chars += len(row.get("text") or "") + len(row.get("title") or "")
        if len(batch) >= size or (max_chars is not None and chars >= max_chars):
            yield batch
            batch = []
            chars = 0
    if batch:
        yield batch


# What a batch of `analyze` holds at most, in characters (or bytes of its lines): the per-row steps'
# working set grows with a batch's text, and a worker keeps the memory it peaked at. 2,000 news leads
# hold about 600,000; 2,000 whole articles held 8 million, and each worker 807 MiB (PSS).
BATCH_CHARS = 2_000_000


def analyze_stream(
    rows: Iterable[Mapping[str, Any] | Document],
    pipeline: Pipeline | None = None,
    batch_size: int = 1000,
) -> Iterator[Document]:
    """Analyse a stream of rows in batches, in this process, yielding documents in input order.

    Memory stays bounded: one batch is held at a time and the ordered steps keep bounded state.

    Args:
        rows: Validated rows (``id``, ``text``, optional ``title``, ``created_at``, ``source``,
            ``channel``) or :class:`Document` objects.
        pipeline: Defaults to :func:`default_pipeline`.
        batch_size: Rows per batch.

    Yields:
        Each :class:`Document` with results, or with ``error`` set if its analysis failed.
    """
    pipeline = pipeline or default_pipeline()
    per_row, ordered = pipeline.split()
    for rows_batch in batched(rows, batch_size):
        batch = [r if isinstance(r, Document) else Document.from_row(r) for r in rows_batch]
        batch = run_guarded(per_row, batch)
        yield from run_ordered(ordered, batch)
