"""Reading stored signals again with the models as they are now.

Intake reads each signal once, as it arrives (:mod:`duluan.apps.intake.analysis`). A model built
again (``retrain_models``, the models page), models built after the platform had run on the
taxonomy's keywords, or a changed engine (the intensity of 2026-12-05) read new signals
differently from the stored ones, so issues mix two readings. :func:`signals_reanalyse` reads the
stored ones again, in batches, and brings them in line.

What changes is the engine's reading: a signal's topic with its score and terms, its sentiment
with its score, its intensity, and ``extra["analysis"]`` (model or fallback); and its masked text,
its title (masked again as intake masks a title: :func:`~.services.stored_title`) and its search
key, so personal data a newer masker masks (a writer's name signed in a shape it has learnt) is
masked in the stored signals too, and in the copies of their words their issues keep: an
automatic title, key words, the clusterer's terms, the former title in an official's correction
(:func:`~duluan.apps.issues.services.issues_after_remasking`). The original title is not kept:
the stored one is masked again, which masks what the newer masker finds in it.

What an official decided stays: a topic or sentiment confirmed (``*_confirmed``), and a topic the
sender chose (an Open311 service), whose engine reading goes to ``extra["engine_topic"]`` as at
intake. What the signal is stays too: its places and unit, duplicates and issue, on which cases,
routing and officials' merges rest.

Then its issues follow, in the batch's transaction: their sentiment mix and intensity are
recounted, an issue named from a signal whose topic changed takes the new topic unless an
official confirmed it
(:func:`~duluan.apps.issues.services.issues_after_reanalysis`), and hotness, forecasts,
bursts and alerts are computed again.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from duluan.apps.audit.services import audit_record
from duluan.apps.core.bulk import bulk_update_by_pk
from duluan.apps.core.text import signal_search_key
from duluan.apps.issues import services as issue_services

from .analysis import MODE_FALLBACK, MODE_MODEL, Analysis, analyse_parallel, intake_pipeline
from .models import Reporter, Signal
from .services import IntakeError, private_values, stored_title

FALLBACK_REFUSED = (
    "Chưa có mô hình chủ đề/sắc thái (chạy `duluan models build`): đọc lại bằng từ khoá sẽ thay "
    "kết quả của mô hình trên các tín hiệu đã lưu. Dùng --allow-fallback nếu đó là điều muốn làm."
)
MODE_NAMES = {MODE_MODEL: "bằng mô hình", MODE_FALLBACK: "bằng từ khoá"}
NOTHING_SELECTED = "Không có tín hiệu nào khớp điều kiện đã chọn."

# What a signal's reading is stored in, and so what a batch writes back.
READING_FIELDS = (
    "topic",
    "topic_score",
    "topic_terms",
    "sentiment",
    "sentiment_score",
    "intensity",
    "extra",
    "title",
    "text_masked",
    "search_key",
)
LOADED_FIELDS = ("pk", "text", "created_at", "topic_confirmed", "sentiment_confirmed", "issue_id")
# The fields an official's confirmation owns, by the flag that says so.
_OWNED = {
    "topic_confirmed": ("topic", "topic_score", "topic_terms"),
    "sentiment_confirmed": ("sentiment", "sentiment_score"),
}
# Counted as changed when the new reading differs by more than the stored rounding (4 places).
TOLERANCE = 5e-5


@dataclass
class ReanalyseResult:
    """What :func:`signals_reanalyse` did."""

    signals: int = 0
    # Signals whose topic, sentiment, intensity, masked text or title changed, by that name.
    changed: Counter = field(default_factory=Counter)
    # Issues, officials' corrections and clusters whose copies of the signals' words were
    # masked again (see issues_after_remasking), by that name.
    remasked: Counter = field(default_factory=Counter)
    updated: int = 0  # signals written back (any part of their reading differed)
    failed: int = 0  # signals the engine could not read: left as they were
    issues: int = 0  # issues recounted
    issue_topics: int = 0  # issues that took their opening signal's new topic
    mode: str = ""
    seconds: float = 0.0
    refresh: Any = None  # the hotness refresh's RefreshResult, when anything changed

    def summary(self) -> str:
        how = MODE_NAMES.get(self.mode, self.mode)
        text = (
            f"Đã đọc lại {self.signals} tín hiệu ({how}, {self.seconds:.1f} s): "
            f"{self.changed['topic']} đổi chủ đề, {self.changed['sentiment']} đổi sắc thái, "
            f"{self.changed['intensity']} đổi mức độ bức xúc, {self.changed['text_masked']} đổi nội dung "
            f"đã che; {self.failed} không đọc được. "
            f"Đã đếm lại {self.issues} vấn đề, {self.issue_topics} vấn đề đổi chủ đề."
        )
        return f"{text} {self.refresh.summary()}" if self.refresh is not None else text

    def facts(self) -> dict[str, Any]:
        """The audit event's ``after``, and a run's result on the models page."""
        return {
            "signals": self.signals,
            "updated": self.updated,
            "changed": dict(self.changed),
            "failed": self.failed,
            "issues": self.issues,
            "issue_topics": self.issue_topics,
            "remasked": dict(self.remasked),
            "mode": self.mode,
            "seconds": self.seconds,
        }


def _batches(query, batch_size: int, held: dict[int, Signal]) -> Iterator[list[dict[str, Any]]]:
    """The selected signals in batches, by id; each batch is read by a query of its own (no
    cursor held open while earlier batches are written). ``held`` keeps each signal until its
    analysis is back."""
    last = 0
    while True:
        signals = list(
            query.filter(pk__gt=last).order_by("pk").only(*LOADED_FIELDS, *READING_FIELDS)[:batch_size]
        )
        if not signals:
            return
        last = signals[-1].pk
        # The reporters' own names and addresses, masked where the texts write them (as at intake).
        reporters = {
            r["signal_id"]: r
            for r in Reporter.objects.filter(signal_id__in=[s.pk for s in signals]).values(
                "signal_id", "name", "address", "phone", "email"
            )
        }
        rows = []
        for signal in signals:
            held[signal.pk] = signal
            reporter = reporters.get(signal.pk)
            # Masked again as intake masks a title, by the masker of now (its original is not
            # kept); what masked it before is masked alike, so a title read again is the same. With
            # its text: the writer the text introduces, named in the title, is masked there too.
            title = stored_title(signal.title, reporter, text=signal.text) if signal.title else signal.title
            row = {
                "key": str(signal.pk),
                "text": signal.text,
                "title": title,
                "created_at": signal.created_at,
            }
            private = private_values(reporter)
            if private:
                row["private"] = private
            rows.append(row)
        yield rows


def differs(old: float | None, new: float | None) -> bool:
    """Whether a stored figure and a new reading of it differ by more than the stored rounding."""
    if old is None or new is None:
        return (old is None) != (new is None)
    return abs(old - new) > TOLERANCE


def _reread(
    signal: Signal,
    analysis: Analysis,
    title: str,
    result: ReanalyseResult,
    topics: dict[int, tuple[str, str]],
    remasked: dict[int, issue_services.Remasked],
) -> bool:
    """Put ``analysis`` of the signal titled ``title`` (masked again) into ``signal`` where the
    engine owns the field; whether anything changed. A signal whose masked words changed is
    noted in ``remasked``, for its issue's copies of them."""
    before = {name: getattr(signal, name) for name in READING_FIELDS}
    topic = analysis.topic or {}
    sentiment = analysis.sentiment or {}
    extra = dict(signal.extra or {})
    extra["analysis"] = analysis.mode
    sender_chose = bool(signal.topic) and signal.topic_score is None and not signal.topic_confirmed
    if sender_chose:
        # As at intake (services._build): the sender's topic stays, the engine's is noted.
        if topic.get("label") and topic["label"] != signal.topic:
            extra["engine_topic"] = topic["label"]
        else:
            extra.pop("engine_topic", None)
    elif not signal.topic_confirmed:
        signal.topic = topic.get("label") or ""
        signal.topic_score = topic.get("score")
        signal.topic_terms = list(topic.get("terms") or [])[:10]
    if not signal.sentiment_confirmed:
        signal.sentiment = sentiment.get("label") or ""
        signal.sentiment_score = sentiment.get("score")
    signal.intensity = sentiment.get("intensity")
    signal.extra = extra
    signal.title = title
    signal.text_masked = analysis.normalised
    signal.search_key = analysis.search_key or signal_search_key(title, analysis.normalised)
    if signal.topic != before["topic"]:
        result.changed["topic"] += 1
        topics[signal.pk] = (before["topic"], signal.topic)
    if signal.sentiment != before["sentiment"]:
        result.changed["sentiment"] += 1
    if differs(before["intensity"], signal.intensity):
        result.changed["intensity"] += 1
    if signal.text_masked != before["text_masked"]:
        result.changed["text_masked"] += 1
    if signal.title != before["title"]:
        result.changed["title"] += 1
    if (signal.title, signal.text_masked) != (before["title"], before["text_masked"]):
        remasked[signal.pk] = issue_services.Remasked(
            title_before=before["title"],
            text_before=before["text_masked"] or "",
            title=signal.title,
            text=signal.text_masked or "",
        )
    return any(
        differs(before[name], getattr(signal, name))
        if name in ("topic_score", "sentiment_score", "intensity")
        else before[name] != getattr(signal, name)
        for name in READING_FIELDS
    )


def _write(signals: list[Signal]) -> None:
    """Write the signals' readings back. An official may confirm a signal's
    topic or sentiment between its batch being read and written: what the row then says, confirmed,
    wins over the engine's reading (as an official's title wins over the clusterer's)."""
    if not signals:
        return
    qn = transaction.get_connection().ops.quote_name
    column = {name: qn(Signal._meta.get_field(name).column) for name in (*READING_FIELDS, *_OWNED)}
    sets = {
        name: f"CASE WHEN {column[flag]} THEN {column[name]} ELSE %s END"
        for flag, names in _OWNED.items()
        for name in names
    }
    bulk_update_by_pk(signals, READING_FIELDS, sets=sets)


def signals_reanalyse(
    *,
    since: datetime | None = None,
    channels: Sequence[str] = (),
    fallback_only: bool = False,
    allow_fallback: bool = False,
    workers: int = 1,
    batch_size: int = 500,
    model_dir: str | None = None,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ReanalyseResult:
    """Read the stored signals again with the current models (see the module's docstring).

    Each batch's signals are written, and their issues recounted, in a transaction of their own,
    so a long run holds no lock for long, and a run stopped midway leaves every signal with one
    reading or the other and every issue counting what its signals say: running it again finishes
    the work (a signal already read again is read the same). Hotness is computed again at the
    end, with one audit event for the run.

    Args:
        since: Only signals that arose from this moment (``created_at``).
        channels: Only signals of these channels (all when empty).
        fallback_only: Only signals read by the taxonomy's keywords (models built after them).
        allow_fallback: Read again even when no model is built (the keywords then replace the
            models' readings); refused otherwise.
        workers: Processes that analyse (see :func:`~duluan.apps.intake.analysis.analyse_parallel`).
        batch_size: Signals per batch (and per transaction).
        model_dir: Model folder (default ``DULUAN_MODEL_DIR`` or ``var/models``).
        actor: Who asked (``None``: a scheduled run).
        progress: Called with (signals read so far, signals selected) after each batch.
        now: The moment hotness is computed for (default: now).

    Raises:
        IntakeError: No model is built and ``allow_fallback`` is false, or no signal is selected.
    """
    start = time.perf_counter()
    built = intake_pipeline(model_dir)
    if built.mode == MODE_FALLBACK and not allow_fallback:
        raise IntakeError(FALLBACK_REFUSED)
    query = Signal.objects.all()
    if since is not None:
        query = query.filter(created_at__gte=since)
    if channels:
        query = query.filter(channel__in=list(channels))
    if fallback_only:
        query = query.filter(extra__analysis=MODE_FALLBACK)
    total = query.count()
    if not total:
        raise IntakeError(NOTHING_SELECTED)
    result = ReanalyseResult(mode=built.mode)
    held: dict[int, Signal] = {}
    recounted: set[int] = set()
    for rows, analyses in analyse_parallel(
        _batches(query, batch_size, held), workers=workers, model_dir=model_dir, reading_only=True
    ):
        changed = []
        topics: dict[int, tuple[str, str]] = {}
        remasked: dict[int, issue_services.Remasked] = {}
        recount: set[int] = set()
        for row, analysis in zip(rows, analyses, strict=True):
            signal = held.pop(int(row["key"]))
            result.signals += 1
            if analysis.error is not None:
                result.failed += 1
                continue
            mix = (signal.sentiment, signal.intensity)
            if _reread(signal, analysis, row["title"], result, topics, remasked):
                changed.append(signal)
                if signal.issue_id is not None and (signal.sentiment, signal.intensity) != mix:
                    recount.add(signal.issue_id)
        # The batch's issues follow in its transaction: a run stopped midway leaves no issue
        # counting readings its signals no longer have (a run again reads those the same).
        with transaction.atomic():
            if changed:  # before the signals' rows, as a clustering session takes it
                issue_services.clusterer_states_lock()
            _write(changed)
            _, followed = issue_services.issues_after_reanalysis(recount=recount, topics=topics)
            result.remasked += issue_services.issues_after_remasking(remasked)
        result.updated += len(changed)
        result.issue_topics += followed
        recounted |= recount
        if progress is not None:
            progress(result.signals, total)
    result.issues = len(recounted)
    with transaction.atomic():
        result.seconds = round(time.perf_counter() - start, 1)
        audit_record(
            action="intake.signals_reanalyse",
            actor=actor,
            object_type="intake.signal",
            after=result.facts(),
        )
    if sum(result.changed.values()) or result.issue_topics:
        result.refresh = issue_services.issues_refresh_hotness(now=now, actor=actor)
    return result
