"""The per-row analysis intake runs on every signal, built from :mod:`duluan.analysis` steps.

No Django here: worker processes of a bulk import build this pipeline themselves (see
:func:`analyse_rows`), so the module must import without settings.

When the topic and sentiment model files are built (``DULUAN_MODEL_DIR``, default
``var/models``), the engine's classifiers are used. When they are not, intake still works with a
clear, explainable fallback and says so (:data:`FALLBACK_NOTE`, ``Signal.extra["analysis"]``):

- topic: the taxonomy's seed terms (the same terms the model is bootstrapped from); the topic
  with most whole-word matches wins, the catch-all topic when none matches or the text names an
  official or an office and says nothing of them;
- sentiment: the complaint lexicon's intensity; ``negative`` from 0.3, else ``neutral``.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson
from django.conf import settings

from duluan.analysis.dask_engine import PackedBatch, pack_documents, unpack_documents
from duluan.analysis.pipeline import (
    DedupeFeaturesStep,
    Document,
    NormaliseStep,
    Pipeline,
    PlacesStep,
    SentimentStep,
    TopicStep,
    resolve_model_dir,
    run_guarded,
)
from duluan.analysis.runtime import forked_pool
from duluan.apps.core.text import search_key, signal_search_key
from duluan.apps.issues.titles import ISSUE_TITLE_MAX, term_profile, title_from_text

log = logging.getLogger(__name__)

MODE_MODEL = "model"
MODE_FALLBACK = "fallback"
FALLBACK_NOTE = (
    "Chưa có mô hình chủ đề/sắc thái (chạy `duluan models build`); "
    "đang dùng từ khoá của danh mục chủ đề và từ điển bức xúc."
)
NEGATIVE_FROM = 0.3


class KeywordTopicStep:
    """Topic from the taxonomy's seed terms: the fallback when no topic model is built.

    A taxonomy's cue (:mod:`duluan.analysis.cues`: an official and an act of misconduct in one
    sentence) decides, as the labelling guide's rule 2 does: its topic wins, its two phrases
    counted as two matches of it, and named first among the terms. Without the corpora there are
    no folded spellings to trust, so a text typed without diacritics is read by its seed terms.

    A text that names an official or an office and says nothing of them ("Cán bộ phường.", "Trạm
    y tế xã Song Mai.") is the catch-all topic's, with the score 1 and the name as its term, as
    the topic model reads it: by the model's cue of a bare mention
    (:func:`~duluan.analysis.sentiment.bare_mention_cue`, the same words), in the text with its
    places masked (:func:`~duluan.analysis.pipeline.masked_views`). By their seed terms alone, 33
    of the 80 bare mentions of ``duluan/analysis/tests/bare_mentions.tsv`` read as some other
    topic ("Trạm y tế xã Song Mai." ``health``); none of its 80 opinions of officials in the same
    names reads otherwise than before (2026-12-07).
    """

    name = "topic"
    ordered = False

    def __init__(self, taxonomy: Any = None) -> None:
        from duluan.analysis.sentiment import bare_mention_cue
        from duluan.analysis.topic import BARE_MENTION_BOOST

        if taxonomy is None:
            from duluan.analysis.taxonomy import load_taxonomy

            taxonomy = load_taxonomy()
        self.taxonomy = taxonomy
        self.order = {code: i for i, code in enumerate(taxonomy.codes)}
        self.cues = [t.cue for t in taxonomy.topics if t.cue is not None]
        self.bare_mention = bare_mention_cue(BARE_MENTION_BOOST, topic=taxonomy.default)

    def __call__(self, batch: list[Document]) -> list[Document]:
        for doc, name in zip(batch, self._bare_mentions(batch), strict=True):
            if name is not None:
                doc.topic = {"label": self.bare_mention.topic, "score": 1.0, "terms": [name]}
                continue
            text = doc.normalised or doc.full_text
            matches = self.taxonomy.seed_matches(text)
            fired = next(((cue.topic, pair) for cue in self.cues if (pair := cue.find(text))), None)
            if not matches and fired is None:
                doc.topic = {"label": self.taxonomy.default, "score": 0.0, "terms": []}
                continue
            totals = {code: sum(c.values()) for code, c in matches.items()}
            if fired is None:
                best = min(totals, key=lambda code: (-totals[code], self.order.get(code, 99)))
                terms = [t for t, _ in matches[best].most_common(5)]
            else:
                best, (actor, act) = fired
                totals[best] = totals.get(best, 0) + 2
                seeds = matches.get(best, Counter())
                terms = [f"{actor} … {act}", *(t for t, _ in seeds.most_common(4))]
            share = totals[best] / sum(totals.values())
            doc.topic = {"label": best, "score": round(share, 4), "terms": terms}
        return batch

    def _bare_mentions(self, batch: list[Document]) -> list[str | None]:
        """The official or office each document names bare, or ``None``: read in its text with
        its places masked, as the model reads it; only texts no longer than a bare mention can be
        are masked."""
        from duluan.analysis.pipeline import masked_views

        cue = self.bare_mention
        out: list[str | None] = [None] * len(batch)
        short = [i for i, doc in enumerate(batch) if len(doc.normalised or doc.full_text) <= cue.max_chars]
        if short:
            for i, (text, _) in zip(short, masked_views([batch[i] for i in short]), strict=True):
                # (A document the normalise step did not read is read as given.)
                found = cue.find(text or batch[i].full_text)
                if found is not None:
                    out[i] = found[0]
        return out


class LexiconSentimentStep:
    """Sentiment from the complaint lexicon alone: the fallback when no sentiment model is built
    (with a model, the engine's :class:`~duluan.analysis.pipeline.SentimentStep` gives the label,
    score and intensity).

    Args:
        lexicon: The :class:`~duluan.analysis.sentiment.ComplaintLexicon`.
    """

    name = "sentiment"
    ordered = False

    def __init__(self, lexicon: Any) -> None:
        self.lexicon = lexicon

    def __call__(self, batch: list[Document]) -> list[Document]:
        for doc, reasons in zip(batch, self.explain(batch), strict=True):
            doc.sentiment = {"label": reasons.label, "score": None, "intensity": reasons.intensity}
        return batch

    def explain(self, batch: list[Document]) -> list[Reasons]:
        """Each document's reading with the lexicon's phrases behind its intensity."""
        out = []
        for doc in batch:
            intensity, terms = self.lexicon.score(doc.normalised or doc.full_text)
            label = "negative" if intensity >= NEGATIVE_FROM else "neutral"
            out.append(Reasons(label, float(intensity), tuple(terms)))
        return out


@dataclass(frozen=True)
class Reasons:
    """Why a text reads as it does: its sentiment label, its intensity, the phrases behind the
    intensity (``(phrase, share)``, the shares adding up to it) and the n-grams behind the label
    (``(n-gram, weight)``; none by the keywords)."""

    label: str
    intensity: float
    intensity_terms: tuple[tuple[str, float], ...]
    terms: tuple[tuple[str, float], ...] = ()


def reading_reasons(
    *, text: str, title: str = "", created_at: Any = None, model_dir: str | None = None
) -> Reasons:
    """Why a stored signal reads as it does now: its text run through the steps intake runs
    before sentiment (places found, and masked for a model that masks them), then the sentiment
    step asked to explain. Intake leaves explanations out (several times slower); a signal's page
    asks for one signal's."""
    built = intake_pipeline(model_dir)
    steps = {step.name: step for step in built.pipeline.steps}
    docs = [Document(id="", text=text, title=title or None, created_at=created_at)]
    Pipeline([steps["normalise"], steps["places"]]).run(docs)
    sentiment = steps["sentiment"]
    (reading,) = sentiment.explain(docs)
    if isinstance(reading, Reasons):
        return reading
    return Reasons(reading.label, float(reading.intensity), reading.intensity_terms, reading.terms)


def home_gazetteer(home_province: str | None = None) -> Any:
    """The gazetteer of both schemes, preferring the home province (``DULUAN_HOME_PROVINCE``
    unless given; built once per process and province)."""
    return _gazetteer_of(home_province or settings.DULUAN_HOME_PROVINCE)


@lru_cache(maxsize=2)
def _gazetteer_of(home_province: str) -> Any:
    from duluan.analysis.places import Gazetteer

    return Gazetteer.default(home_province=home_province)


@dataclass
class IntakePipeline:
    """The per-row pipeline and how it was built (``mode`` is ``model`` or ``fallback``)."""

    pipeline: Pipeline
    mode: str
    note: str = ""

    @property
    def reading(self) -> Pipeline:
        """The steps that read a text (normalise, places, topic, sentiment) without the
        duplicate features, which only the clusterer uses: what reading stored signals again
        needs (:func:`~duluan.apps.intake.reanalysis.signals_reanalyse`)."""
        return Pipeline([step for step in self.pipeline.steps if not isinstance(step, DedupeFeaturesStep)])

    @property
    def stickiness(self) -> Callable[[list[str], list[str]], Any] | None:
        """How much two syllables stick together by the topic model's counts, which moves the
        edges of issues' key words to the words they cut
        (:func:`~duluan.analysis.cluster.summary_phrases`); ``None`` without a model."""
        for step in self.pipeline.steps:
            if isinstance(step, TopicStep):
                return step.classifier.stickiness
        return None


# (model folder, home province) -> (the model files' stamp, the pipeline built from them)
_BUILT: dict[tuple[str, str], tuple[tuple, IntakePipeline]] = {}


def _model_stamp(folder: Any) -> tuple:
    """When and how big each model file of ``folder`` is (``None`` where missing): a model built
    again (``retrain_models``) replaces its file, and a changed stamp builds the pipeline
    again, in each process at its next analysis, without a restart."""
    from duluan.analysis.pipeline import _model_file

    stamp = []
    for stem in ("topic", "sentiment"):
        try:
            status = _model_file(folder, stem).stat()
        except OSError:  # FileNotFoundError included
            stamp.append(None)
        else:
            stamp.append((status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def intake_pipeline(
    model_dir: str | None = None, home_province: str | None = None, *, refresh: bool = True
) -> IntakePipeline:
    """Return the per-row pipeline (cached per process and model folder, and built again when a
    model file changes: see :func:`_model_stamp`).

    Args:
        model_dir: Folder of the model files; ``DULUAN_MODEL_DIR`` or ``var/models`` by default.
        home_province: 2025 code of the home province, preferred by the gazetteer
            (``DULUAN_HOME_PROVINCE`` by default: a name several provinces share is read as the
            home province's unit, as a citizen of that province means it).
        refresh: Look whether a model file changed since the pipeline was built. ``False``: the
            pipeline this process holds, if any, as a run that must use one model throughout
            does (:func:`analyse_parallel`), without looking at the files.

    Returns:
        The pipeline with the engine's models, or the fallback when a model file is missing or
        unreadable (logged once, with the reason).
    """
    folder = resolve_model_dir(model_dir)
    home_province = home_province or settings.DULUAN_HOME_PROVINCE
    key = (str(folder), home_province)
    cached = _BUILT.get(key)
    if cached is not None and not refresh:
        return cached[1]
    stamp = _model_stamp(folder)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    gazetteer = home_gazetteer(home_province)
    try:
        from duluan.analysis.pipeline import _model_file
        from duluan.analysis.sentiment import SentimentClassifier
        from duluan.analysis.topic import TopicClassifier

        topic = TopicClassifier.load(_model_file(folder, "topic"))
        sentiment = SentimentClassifier.load(_model_file(folder, "sentiment"))
        steps = [TopicStep(topic), SentimentStep(sentiment)]
        mode, note = MODE_MODEL, ""
    except (FileNotFoundError, ValueError, OSError) as exc:
        from duluan.analysis.sentiment import ComplaintLexicon
        from duluan.shared_data import shared_data_dir

        base = shared_data_dir()
        lexicon_dir = base / "lexicons" if base is not None and (base / "lexicons").is_dir() else None
        steps = [KeywordTopicStep(), LexiconSentimentStep(ComplaintLexicon.load(lexicon_dir))]
        mode, note = MODE_FALLBACK, FALLBACK_NOTE
        log.warning("intake analysis fallback: %s", exc)
    pipeline = Pipeline([NormaliseStep(), PlacesStep(gazetteer), *steps, DedupeFeaturesStep()])
    built = IntakePipeline(pipeline, mode, note)
    _BUILT[key] = (stamp, built)
    return built


def reset_pipeline_cache() -> None:
    """Forget the built pipelines (tests that switch the model folder)."""
    _BUILT.clear()


@dataclass(slots=True)
class Analysis:
    """What the write path needs from one analysed row (picklable, no Django)."""

    key: str
    normalised: str = ""
    content_hash: str = ""
    topic: dict[str, Any] | None = None
    sentiment: dict[str, Any] | None = None
    places: list[dict[str, Any]] = field(default_factory=list)
    place_codes: frozenset[str] = frozenset()
    # The units its places lie within (Document.place_within): a signal naming a ward and one
    # naming its city or province may be of one issue.
    place_within: frozenset[str] = frozenset()
    shingles: Any = None
    signature: Any = None
    terms: dict[str, int] | None = None
    term_codes: Any = None
    error: str | None = None
    mode: str = MODE_MODEL
    # The signal's search key, when the analysing process computed it (imports' workers).
    search_key: str = ""
    # Computed by imports' workers too, for the clustering session (see _issue_parts); the
    # profile as orjson's JSON.
    profile: bytes | None = None
    issue_title: tuple[str, str] | None = None
    # The day a daily instalment's heading names (see duluan.analysis.cluster.series_day).
    series_day: int = 0
    # Which terms the text writes as proper names (duluan.analysis.cluster.name_flags).
    names: Any = None


def analyse_rows(
    rows: list[Mapping[str, Any]],
    model_dir: str | None = None,
    *,
    refresh: bool = True,
    reading_only: bool = False,
) -> list[Analysis]:
    """Run the per-row steps over ``rows`` (``key``, ``text``, ``title``, ``created_at``).

    A row whose analysis fails comes back with ``error`` set; the batch never fails as a whole.
    ``refresh``: see :func:`intake_pipeline`; ``reading_only``: see :func:`analyse_parallel`.
    """
    docs, mode = _analyse_documents(rows, model_dir, refresh, reading_only)
    return _analyses(docs, mode)


def _analyse_documents(
    rows: list[Mapping[str, Any]], model_dir: str | None, refresh: bool = True, reading_only: bool = False
) -> tuple[list[Document], str]:
    built = intake_pipeline(model_dir, refresh=refresh)
    docs = [
        Document(
            id=str(r["key"]),
            text=r["text"],
            title=r.get("title") or None,
            created_at=r.get("created_at"),
            private=r.get("private"),
        )
        for r in rows
    ]
    return run_guarded(built.reading if reading_only else built.pipeline, docs), built.mode


def _analyse_packed(
    rows: list[Mapping[str, Any]], model_dir: str | None, reading_only: bool = False
) -> tuple[PackedBatch, str, list[str], list[Any]]:
    """The task of a worker process: the analyses packed for the trip back (see PackedBatch),
    with each row's search key and :func:`_issue_parts` (computed here, in parallel, rather than
    in the single writer; none for ``reading_only``, see :func:`analyse_parallel`). It uses the
    pipeline the worker was forked with (see :func:`analyse_parallel`)."""
    docs, mode = _analyse_documents(rows, model_dir, refresh=False, reading_only=reading_only)
    keys = [signal_search_key(r.get("title"), d.normalised) for r, d in zip(rows, docs, strict=True)]
    if reading_only:
        parts: list[Any] = [None] * len(docs)
    else:
        parts = [_issue_parts(r.get("title"), d) for r, d in zip(rows, docs, strict=True)]
    for doc in docs:
        # The writer takes each signal's moment from its own row (an Analysis has none): an aware
        # datetime less to pickle here and unpickle there, 1.0 of the writer's 4.1 µs a row for
        # the packed scalars of news leads (2,000 rows, best of 7, 2026-11-30).
        doc.created_at = None
    return pack_documents(docs, keep_normalised=True), mode, keys, parts


def _issue_parts(title: str | None, doc: Document) -> tuple[bytes, tuple[str, str]] | None:
    """What the clustering session needs of a signal besides its terms: its term profile, the
    title it would lend its issue and that title's search key. The single writer made them itself
    for about 22 µs of CPU a signal (profile 14, title 5, the issue's search key 3 more; thread
    CPU of a 100,000-lead news import, 2026-11-30); the workers, which wait for the writer, have
    the time.

    The profile comes as orjson's JSON of the dict, the text an issue's ``title_vector`` column
    stores: nearly every news lead opens an issue, and its profile is then only written, so the
    writer need not unpickle a dict of 32 floats (3.8 µs) and encode it again (1.0 µs); it decodes
    the few it compares (see ``ClusteringSession._represent``)."""
    if doc.error is not None or doc.terms is None:
        return None
    lent = title_from_text(title, doc.normalised)[:ISSUE_TITLE_MAX]
    return orjson.dumps(term_profile(doc.terms)), (lent, search_key(lent))


def _analyses(
    docs: list[Document], mode: str, search_keys: list[str] | None = None, parts: list[Any] | None = None
) -> list[Analysis]:
    keys = search_keys or [""] * len(docs)
    parts = parts or [None] * len(docs)
    return [
        Analysis(
            key=d.id,
            normalised=d.normalised or "",
            content_hash=d.content_hash or "",
            topic=d.topic,
            sentiment=d.sentiment,
            places=d.places,
            place_codes=d.place_codes,
            place_within=d.place_within,
            shingles=d.shingles,
            signature=d.signature,
            terms=d.terms,
            term_codes=d.term_codes,
            error=d.error,
            mode=mode,
            search_key=key,
            profile=part[0] if part is not None else None,
            issue_title=part[1] if part is not None else None,
            series_day=d.series_day,
            names=d.names,
        )
        for d, key, part in zip(docs, keys, parts, strict=True)
    ]


def analyse_parallel(
    batches: Iterable[list[Mapping[str, Any]]],
    *,
    workers: int = 1,
    model_dir: str | None = None,
    reading_only: bool = False,
) -> Iterator[tuple[list[Mapping[str, Any]], list[Analysis]]]:
    """Yield ``(rows, analyses)`` per batch, in input order, using ``workers`` processes.

    ``reading_only`` leaves out what only clustering uses (the duplicate features and the parts
    of an issue: their analyses have no ``shingles``, ``signature``, ``terms`` or ``profile``),
    for signals that keep their duplicates and issue and are only read again.

    At most ``2 * workers + 1`` batches are in flight, so memory stays bounded. Nothing is
    loaded and no process started until a batch has rows (a re-import of known rows analyses
    nothing). With several workers the models are loaded here once and the workers are forked
    from this process (:func:`duluan.analysis.runtime.forked_pool`), so they start at once
    and share the models' pages.

    The whole run uses the models as they are at its first batch: a model built again meanwhile
    (``retrain_models``) is read by the next run, so one import is never analysed by two models,
    nor do its workers each load their own copy.
    """
    workers = max(1, workers)
    pool: ProcessPoolExecutor | None = None
    pinned = False  # the pipeline of this run is built
    pending: deque[tuple[list[Mapping[str, Any]], Any]] = deque()
    try:
        for batch in batches:
            if batch and not pinned:
                intake_pipeline(model_dir)  # built here, inherited by the forked workers
                pinned = True
            if not batch:
                pending.append((batch, None))
            elif workers == 1:
                pending.append(
                    (batch, analyse_rows(batch, model_dir, refresh=False, reading_only=reading_only))
                )
            else:
                if pool is None:
                    pool = forked_pool(workers)
                pending.append((batch, pool.submit(_analyse_packed, batch, model_dir, reading_only)))
            while pending and (len(pending) > 2 * workers or not hasattr(pending[0][1], "result")):
                rows, out = pending.popleft()
                yield rows, _result(out)
        while pending:
            rows, out = pending.popleft()
            yield rows, _result(out)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _result(out: Any) -> list[Analysis]:
    if out is None:
        return []
    if not hasattr(out, "result"):
        return out
    packed, mode, search_keys, parts = out.result()
    # The writer only clusters the terms: as slices of the batch's arrays (see TermSlice).
    return _analyses(unpack_documents(packed, flat_terms=True), mode, search_keys, parts)
