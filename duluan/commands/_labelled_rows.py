"""Rows in and predictions out for ``duluan train / classify / evaluate``.

Reads JSONL (``.gz`` ok), CSV or Parquet with configurable text, label and id fields; every bad
row becomes a :class:`~duluan.analysis.tabular.Reject` with a reason and never stops the run.
The checks are those of ``duluan analyze`` (:class:`~duluan.analysis.tabular.RowValidator`,
with its reason codes) for the columns these commands read: the text (encoding, binary data,
empty, over 1 MB) and, for ``classify``, the id (missing, duplicate, unusable); ``classify``
also warns once about each column it does not read. The model is given the texts as the
analysis pipeline gives them (:func:`model_texts`, :func:`model_input`). Writes ``id, label,
score, …`` rows as JSONL (``.gz`` ok), CSV or Parquet, whole or not at all
(:class:`~duluan.analysis.tabular.StagedFile`).
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import json
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from duluan.analysis.tabular import (
    MESSAGES,
    Reject,
    RejectsWriter,
    RowValidator,
    StagedFile,
    csv_delimiter,
    input_format,
    json_line,
    read_records,
    text_problem,
)

__all__ = [
    "LabelledRow",
    "PredictionWriter",
    "RejectLog",
    "RejectsWriter",
    "collect",
    "labelled_rows",
    "load_classifier",
    "model_input",
    "model_texts",
    "read_labelled_rows",
]

_MESSAGES = {
    **MESSAGES,
    "missing_label": "Thiếu nhãn (cột {field}).",
    "bad_label": (
        "Nhãn phải là chữ hoặc số nguyên, không phải true/false, danh sách, đối tượng hay số lẻ,"
        " không có ký tự điều khiển và không dài quá 200 ký tự (cột {field})."
    ),
}
# Texts given to the normaliser at once (train and evaluate hold the whole file anyway; this
# bounds the batch's numpy tables).
_NORMALISE_BATCH = 2048


@dataclass(frozen=True, slots=True)
class LabelledRow:
    """A usable input row: its id (or row number), text and label (``None`` when not asked)."""

    id: str
    text: str
    label: str | None
    row: int


def _reject(row: int, line: int | None, doc_id: str | None, reason: str, **fmt: str) -> Reject:
    return Reject(row, line, doc_id, reason, _MESSAGES[reason].format(**fmt))


def read_labelled_rows(
    path: str | Path,
    *,
    text_field: str = "text",
    label_field: str | None = "label",
    id_field: str | None = None,
    validator: RowValidator | None = None,
) -> Iterator[LabelledRow | Reject]:
    """Stream usable rows and rejects of a file, in file order.

    Args:
        path: JSONL (``.gz`` ok), CSV or Parquet.
        text_field: Column holding the text.
        label_field: Column holding the label, or ``None`` when labels are not needed.
        id_field: See :func:`labelled_rows`.
        validator: See :func:`labelled_rows`.

    Yields:
        :class:`LabelledRow` and :class:`~duluan.analysis.tabular.Reject` records.

    Raises:
        duluan.analysis.tabular.UnreadableInput: The file is damaged (truncated ``.gz``, not
            Parquet), while it is read.
    """
    yield from labelled_rows(
        read_records(path),
        text_field=text_field,
        label_field=label_field,
        id_field=id_field,
        validator=validator,
    )


def labelled_rows(
    records: Iterable[tuple[int, int | None, Any]],
    *,
    text_field: str = "text",
    label_field: str | None = "label",
    id_field: str | None = None,
    validator: RowValidator | None = None,
    whole_file: bool = True,
) -> Iterator[LabelledRow | Reject]:
    """Check raw records as :func:`read_labelled_rows` does (it reads them from a file).

    Every row's text gets the checks of ``analyze`` (the reasons ``missing_text``,
    ``empty_text``, ``too_large``, ``bad_encoding``, ``binary``, ``bad_value``; a text typed in
    legacy fonts is converted, with a ``legacy_fonts`` warning before its row), its label, when
    asked, ``missing_label`` and ``bad_label`` (see :func:`_label_of`).

    Rows that need their own ids (``classify``) come with a ``validator``, which checks the ids
    as ``analyze`` does: a row without one is rejected (``missing_id``); and, when it sees the
    whole file, a row whose id an earlier row had (``duplicate_id``), and each column the
    command does not read gets one warning (``unknown_columns``, with the id of the row it was
    first seen on). A validator of part of a file (``RowValidator(whole_file=False)``, with
    ``whole_file=False`` here) leaves those two to the process that sees every row, and keeps
    the unread columns of each row in its ``unknown``. Its messages name the columns as it was
    told (``RowValidator(text_field=..., id_field=...)``, ``id`` for row numbers): the
    command's. With ``id_field=None`` the ids are the row numbers. Without a validator
    (``train``, ``evaluate``), rows are named by their number and their id column, if named, is
    only shown in the rejects.

    Args:
        records: ``(row, line, record)`` triples, as :func:`~duluan.analysis.tabular.read_records`
            yields them.
        text_field: Column holding the text.
        label_field: Column holding the label, or ``None`` when labels are not needed.
        id_field: Column holding the id, or ``None`` for row numbers.
        validator: Checks the ids (see above); ``None`` when the rows need none.
        whole_file: Whether ``validator`` sees every row of the file.

    Yields:
        :class:`LabelledRow` and :class:`~duluan.analysis.tabular.Reject` records, in order.
    """
    own_ids = validator is not None
    checker = (
        validator
        if validator is not None
        else RowValidator(whole_file=False, text_field=text_field, id_field=id_field or "id")
    )
    read = frozenset(name for name in (text_field, label_field, id_field) if name is not None)
    for row, line, raw in records:
        if isinstance(raw, Reject):
            yield raw
            continue
        if type(raw) is not dict and not isinstance(raw, Mapping):
            yield _reject(row, line, None, "bad_row")
            continue
        raw_id = None if id_field is None else raw.get(id_field)
        given_id = raw_id if own_ids and id_field is not None else str(row)
        # (no unknown column, no time: a single reject, or none; or the warning of a text
        # converted from legacy fonts)
        clean, notes = checker.validate({"id": given_id, "text": raw.get(text_field)}, row, line)
        if own_ids and not raw.keys() <= read:
            names = [str(k) for k in raw if k not in read]
            doc_id = clean["id"] if clean is not None else notes[0].id
            if whole_file:
                warning = checker.unknown_columns(names, row, line, doc_id)
                if warning is not None:
                    yield warning
            else:
                checker.unknown.append((row, line, doc_id, names))
        if clean is None:
            if own_ids:
                yield from notes
            else:
                yield from (dataclasses.replace(note, id=_shown_id(raw_id)) for note in notes)
            continue
        doc_id = clean["id"]
        label = None
        if label_field is not None:
            label, problem = _label_of(raw.get(label_field))
            if problem is not None:
                shown = doc_id if own_ids else _shown_id(raw_id)
                yield _reject(row, line, shown, problem, field=label_field)
                continue
        if notes:  # warnings of a row that is kept
            yield from notes if own_ids else (dataclasses.replace(n, id=_shown_id(raw_id)) for n in notes)
        yield LabelledRow(doc_id, clean["text"], label, row)


def _label_of(value: Any) -> tuple[str | None, str | None]:
    """A row's label as text, or the reason it has none: ``missing_label`` (nothing, blank, or a
    number a table left empty: NaN), ``bad_label`` (true/false, a list, an object, a fraction:
    no class a model learns; as text, "1.5" or "True", it would be one silently)."""
    if value is None or (isinstance(value, float) and value != value):
        return None, "missing_label"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, "bad_label"
    if isinstance(value, float):
        if not value.is_integer():
            return None, "bad_label"
        value = int(value)  # 2.0 from a column of numbers with a gap: the class 2
    # One spelling per label: "Thể thao" typed decomposed, with a no-break or a double space or a
    # zero-width character in it, made classes of their own that printed alike.
    label = " ".join(unicodedata.normalize("NFC", str(value)).translate(_no_zero_width()).split())
    if not label:
        return None, "missing_label"
    if len(label) > MAX_LABEL_CHARS or any(unicodedata.category(c) == "Cc" for c in label):
        return None, "bad_label"
    return label, None


# A label is a class's name: one longer is some other column (a text) given as the labels.
MAX_LABEL_CHARS = 200


@lru_cache(maxsize=1)
def _no_zero_width() -> dict[int, None]:
    from duluan.analysis.normalise import ZERO_WIDTH  # (not imported at start-up: see classify)

    return dict.fromkeys(map(ord, ZERO_WIDTH))


def _shown_id(raw_id: Any) -> str | None:
    """The id a reject of ``train`` or ``evaluate`` shows: the row's id when it is plain text."""
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        return None
    shown = str(raw_id).strip()
    return shown if shown and not text_problem(shown) else None


# Inputs of at least this size (bytes of a file to classify, characters of texts to evaluate)
# are labelled by a topic model through the compiled scoring loops
# (LinearTextClassifier.load_compiled): the texts normalised without their syllables
# (model_texts), which the loops split themselves. The same labels and scores. Loading the loops
# takes 0.6-0.8 s (10 s the first time after an install, to compile them); they saved 180 µs of
# CPU a VNTC article and 24 a TC201805 lead (bench_classify.py, shipped topic model, two
# workers, 2026-12-01: 33,709 articles 11.2 -> 6.9 s, 90,000 leads classified alone 5.7 -> 3.6
# CPU s), so they pay from about 10 MB of either.
COMPILED_MIN_SIZE = 8 << 20


def model_texts(texts: list[str]) -> list[str]:
    """The texts as ``analyze`` gives them to a model: normalised, personal data masked.

    The analysis pipeline's normalise step (the texts of
    :func:`~duluan.analysis.normalise.normalise_many`, in batches, without their syllables): NFC,
    one tone placement, chat spellings expanded, URLs, e-mail addresses and phone numbers replaced
    by ``<url>``, ``<email>``, ``<phone>``; a text that normalises to nothing is given as it is,
    as the pipeline gives it. A model trained, evaluated or used on these texts scores a text as
    ``analyze`` does, and never sees nor explains with personal data.

    Args:
        texts: Raw texts.

    Returns:
        The texts the model reads, in order.
    """
    return [norm or text for text, norm in zip(texts, _normalised(texts), strict=True)]


def _normalised(texts: list[str], expand_chat: bool = True) -> list[str]:
    """:func:`~duluan.analysis.normalise.normalise_texts` of ``texts``, in batches (an empty
    string for a text that normalises to nothing)."""
    from duluan.analysis.normalise import normalise_texts

    out: list[str] = []
    for start in range(0, len(texts), _NORMALISE_BATCH):
        out.extend(normalise_texts(texts[start : start + _NORMALISE_BATCH], expand_chat=expand_chat))
    return out


def model_labels(model: Any, texts: list[str]) -> tuple[Any, Any]:
    """``model.predict_labels(model_texts(texts), compiled=True)``, with the chat forms found by
    the compiled loops as they score the texts instead of by a scan of their own.

    The texts are normalised but for their chat forms
    (:func:`~duluan.analysis.normalise.normalise_texts` without ``expand_chat``) and scored;
    the loops mark each text with a syllable that may be a chat form
    (:func:`~duluan.analysis.normalise.chat_form_table`). Only those, and those whose syllables
    the loops split otherwise than the normaliser ("_" is a word character of theirs), get
    their forms expanded (:func:`~duluan.analysis.normalise.expand_chat_forms`) and are scored
    again: the others are what :func:`model_texts` gives. The same labels and scores (checked on
    all 33,709 VNTC articles and 93,997 TC201805 leads). The scan for chat forms was a third of
    normalising a long text (VNTC articles: 45.6-47.8 µs each with it, 29.5-30.4 without, four
    alternating runs); ``duluan classify`` of the VNTC articles with a model trained on them,
    two workers, classification alone: 13,096-13,843 docs/s before, 15,013-16,339 after (three
    alternating runs of ``bench_classify.py``, 2026-12-02).

    Args:
        model: A classifier whose compiled loops are loaded (others are labelled the plain way).
        texts: Raw texts, one batch.

    Returns:
        ``(labels, scores)``, as :meth:`predict_labels` gives them.
    """
    import numpy as np

    from duluan.analysis.normalise import chat_form_table, expand_chat_forms

    marks = chat_form_table()
    if marks is None:
        return model.predict_labels(model_texts(texts), compiled=True)
    unexpanded = _normalised(texts, expand_chat=False)
    # A text that normalises to nothing is given as it is (model_texts): never expanded.
    given = [norm or text for text, norm in zip(texts, unexpanded, strict=True)]
    again = {k for k, norm in enumerate(unexpanded) if "_" in norm}
    first = [k for k in range(len(texts)) if k not in again]
    labels = np.empty(len(texts), dtype=model.classes_.dtype)
    scores = np.empty(len(texts), dtype=np.float64)
    for start, stop in model.batch_bounds([given[k] for k in first]):
        rows = np.asarray(first[start:stop], dtype=np.int64)
        found = model.marked_margins([given[k] for k in rows.tolist()], marks)
        if found is None:  # a batch the loops leave to numpy, or with a character only str.lower reads
            again.update(rows.tolist())
            continue
        margins, marked = found
        labels[rows], scores[rows] = model.labels_of_margins(margins)
        again.update(k for k in rows[marked].tolist() if unexpanded[k])
    if again:
        rows = np.asarray(sorted(again), dtype=np.int64)
        expand = [k for k in rows.tolist() if unexpanded[k]]
        expanded = dict(zip(expand, expand_chat_forms([unexpanded[k] for k in expand]), strict=True))
        final = [expanded.get(k, texts[k]) for k in rows.tolist()]
        labels[rows], scores[rows] = model.predict_labels(final, compiled=True)
    return labels, scores


def plain_labels(model: Any, codes: Any, starts: Any) -> tuple[Any, Any] | None:
    """:func:`model_labels` of texts that normalising would leave as they are but for their
    tones and chat forms, given as their code points (:mod:`~duluan.analysis.plain_rows`: their
    personal data already masked).

    The loops score them with their tones placed as each syllable is looked up, and mark the
    texts with a syllable that may be a chat form. Those are normalised here as
    :func:`model_labels` finishes them (tones placed, chat forms expanded) and scored again:
    the labels and scores of :func:`model_labels`.

    Args:
        model: A classifier whose compiled loops are loaded.
        codes: The texts' code points (uint32, NFC), apart by a zero.
        starts: Where each text starts in ``codes``, and ``codes.size + 1`` (int64); the texts
            are scored in the batches of :meth:`batch_bounds`.

    Returns:
        ``(labels, scores)``, or ``None`` when the caller must label every text by
        :func:`model_labels` (the loops do not score these texts, or a chat form may be read
        otherwise once its tones are placed).
    """
    from duluan.analysis.normalise import (
        _tones_placed,
        chat_form_table,
        chat_forms_unplaced,
        expand_chat_forms,
    )

    marks = chat_form_table()
    if marks is None or not chat_forms_unplaced():
        return None
    import numpy as np

    parts, flags = [], []
    for start, stop in model.length_bounds(np.diff(starts) - 1):
        found = model.margins_of_codes(codes[starts[start] : starts[stop] - 1], marks)
        if found is None:
            return None
        parts.append(found[0])
        flags.append(found[1])
    labels, scores = model.labels_of_margins(np.concatenate(parts))
    marked = np.flatnonzero(np.concatenate(flags)).tolist()
    if marked:
        texts = [codes[starts[k] : starts[k + 1] - 1].tobytes().decode("utf-32-le") for k in marked]
        placed = [_tones_placed(text) for text in texts]
        final = expand_chat_forms(placed)
        # A text whose chat forms all stay as written keeps its margins: the loops scored it with
        # its tones placed. Such are 1,608 of the 2,050 marked VNTC articles, mostly for capitals
        # that are abbreviations ("ĐT" for đội tuyển, "K", "R", "J", "Kh"); scoring them again
        # cost 57 µs each (2026-12-03).
        changed = [j for j, (before, after) in enumerate(zip(placed, final, strict=True)) if before != after]
        if changed:
            rows = [marked[j] for j in changed]
            labels[rows], scores[rows] = model.predict_labels([final[j] for j in changed], compiled=True)
    return labels, scores


def model_input(texts: list[str], model: Any = None) -> Any:
    """One batch of :func:`model_texts` with its syllables, as a model's ``predict`` takes it.

    What the pipeline's topic and sentiment steps give a model
    (:func:`~duluan.analysis.pipeline.token_batch`): the normalised texts, split into syllables
    by the normaliser, a placeholder ``<url>`` as the syllable ``url``; a text with ``_`` (which
    the normaliser splits at and the featurizers do not) or normalised to nothing is split again.
    Built here from the normaliser's output, without the pipeline's documents (nor its imports,
    which ``classify`` does without). The model then does not split the texts again: the first
    20,480 TC201805 leads cost 16.5 µs of CPU a text (normalising and predicting the labels with
    the shipped topic model, batches of 2,048) with the syllables, against 21.5 with the
    normalised texts alone and 13.7 for the raw texts unnormalised (best of 3, 2026-12-01).

    Args:
        texts: Raw texts, one batch (the model reads a token batch whole).
        model: The model that reads them: their places are masked first if it masks them
            (:meth:`~duluan.analysis.linear_text.LinearTextClassifier.masked`).

    Returns:
        The :class:`~duluan.analysis.features.TokenBatch` of the texts.
    """
    from duluan.analysis.features import tokenise_normalised
    from duluan.analysis.normalise import normalise_many

    if model is not None:
        texts = model.masked(texts)
    normalised = normalise_many(texts)
    return tokenise_normalised(
        [norm or text for text, (norm, _) in zip(texts, normalised, strict=True)],
        [tokens if norm else None for norm, tokens in normalised],
    )


class PredictionWriter:
    """Write prediction rows (dicts with the same keys) to JSONL (``.gz`` ok), CSV or Parquet.

    The file is a :class:`~duluan.analysis.tabular.StagedFile`: :meth:`close` moves it onto its
    path, :meth:`abort` drops it, and until then the path keeps what it had.

    Args:
        path: Output file; its extension picks the format.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.kind = input_format(self.path)
        self.count = 0
        self._csv: csv.DictWriter | None = None
        self._parquet = None
        self._staged = StagedFile(self.path)
        temp = self._staged.temp
        gz = self.path.name.lower().endswith(".gz")
        if self.kind == "parquet":
            self._handle = None
        elif self.kind == "jsonl":  # bytes: the lines come from orjson (json_line)
            self._handle = gzip.open(temp, "wb") if gz else open(temp, "wb")
        elif gz:
            self._handle = gzip.open(temp, "wt", encoding="utf-8", newline="")
        else:
            self._handle = open(temp, "w", encoding="utf-8", newline="")

    def write_lines(self, lines: bytes, count: int) -> None:
        """Append ``count`` rows already written as JSON lines (:func:`json_line`), to a JSONL file.

        Raises:
            ValueError: The output is not JSONL.
        """
        if self.kind != "jsonl":
            raise ValueError(f"{self.path} is not a JSONL file")
        self.count += count
        if lines:
            self._handle.write(lines)

    def write(self, records: list[dict[str, Any]]) -> None:
        """Append a batch of rows."""
        if not records:
            return
        self.count += len(records)
        if self.kind == "jsonl":
            # The engine's line writer (orjson, compact): 3 µs a row less with json.dumps in the
            # one process that reads and writes (classify, 2026-11-30).
            self._handle.write(b"".join([json_line(r) for r in records]))
        elif self.kind == "csv":
            if self._csv is None:
                self._csv = csv.DictWriter(
                    self._handle, fieldnames=list(records[0]), delimiter=csv_delimiter(self.path)
                )
                self._csv.writeheader()
            self._csv.writerows(
                {
                    k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | tuple) else v)
                    for k, v in r.items()
                }
                for r in records
            )
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._parquet is None:
                # The columns' types are fixed, not read off the first batch: a first batch of
                # texts without words had terms of no type ("list<null>"), which no later batch's
                # could be cast to.
                known = {
                    "id": pa.string(),
                    "label": pa.string(),
                    "score": pa.float64(),
                    "intensity": pa.float64(),
                    "terms": pa.list_(pa.string()),
                }
                first = pa.Table.from_pylist(records).schema
                schema = pa.schema([(name, known.get(name, first.field(name).type)) for name in first.names])
                self._parquet = pq.ParquetWriter(self._staged.temp, schema, compression="zstd")
            table = pa.Table.from_pylist(records, schema=self._parquet.schema)
            self._parquet.write_table(table)

    def close(self) -> None:
        """Finish the file and move it onto its path."""
        if self._parquet is not None:
            self._parquet.close()
        elif self.kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({"id": pa.array([], pa.string())}), self._staged.temp)
        if self._handle is not None:
            self._handle.close()
        self._staged.commit()

    def abort(self) -> None:
        """Close the file and drop it: the path keeps what it had."""
        try:
            if self._parquet is not None:
                self._parquet.close()
            if self._handle is not None:
                self._handle.close()
        finally:
            self._staged.discard()


def load_classifier(path: str | Path):
    """Load a topic or sentiment model file, whichever it holds.

    Args:
        path: A model file.

    Returns:
        ``(kind, classifier)``.

    Raises:
        duluan.analysis.model_io.ModelFileError: Missing, corrupt or unknown kind.
    """
    from duluan.analysis.model_io import CORRUPT, ModelFileError, load_model_and_kind

    # Mapped: these commands end when their file is done (see load_model; 20 ms instead of 60
    # for the shipped topic model).
    kind, model = load_model_and_kind(path, mapped=True)
    # Only the declared kind's module: a topic model's file never imports the sentiment engine.
    # load_classifier took 20 ms less, but part of that work is done later anyway: one-row
    # classify with the topic model, 0.366 -> 0.364 s wall, 0.490 -> 0.486 s CPU (medians of 20
    # alternating runs, 2026-11-30).
    if kind == "topic":
        from duluan.analysis.topic import TopicClassifier as expected
    elif kind == "sentiment":
        from duluan.analysis.sentiment import SentimentClassifier as expected
    else:
        raise ModelFileError(CORRUPT.format(path=path, reason=f"loại mô hình '{kind}' không được hỗ trợ"))
    if not isinstance(model, expected):  # what expected.load checks
        raise ModelFileError(
            f"Tệp mô hình hỏng hoặc không tương thích: {path} (không phải {expected.__name__})"
        )
    return kind, model


class RejectLog:
    """Where a command's rejects go: counted by reason, and written to a rejects file if asked.

    With a path, the file is a :class:`~duluan.analysis.tabular.RejectsWriter` (created even
    when empty, moved onto its path by :meth:`close`, dropped by :meth:`abort`); without one,
    nothing is written and :meth:`summary` gives the counts alone.

    Args:
        path: The rejects file, or ``None``.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.errors: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self._writer = RejectsWriter(path) if path is not None else None

    def write(self, reject: Reject) -> None:
        """Count one record, and write it to the file if there is one."""
        (self.errors if reject.severity == "error" else self.warnings)[reject.reason] += 1
        if self._writer is not None:
            self._writer.write(reject)

    def close(self) -> None:
        """Keep the file (a run that ended well)."""
        if self._writer is not None:
            self._writer.close()

    def abort(self) -> None:
        """Drop the file: its path keeps what it had."""
        if self._writer is not None:
            self._writer.abort()

    def summary(self, kept: int | None = None) -> str:
        """``"n dòng bị loại (reason: k, …), m cảnh báo (…) — xem FILE"``, for the user, and what
        to try when the rows lacked the column read (see :meth:`_column_hint`); ``kept``: the
        rows that were read, where the caller knows."""
        if not self.errors and not self.warnings:
            return "0 dòng bị loại."
        parts = [f"{sum(self.errors.values())} dòng bị loại{_detail(self.errors)}"]
        if self.warnings:
            parts.append(f"{sum(self.warnings.values())} cảnh báo{_detail(self.warnings)}")
        where = f" — xem {self.path}" if self.path is not None else ""
        return f"{', '.join(parts)}{where}{self._column_hint(kept)}"

    def _column_hint(self, kept: int | None) -> str:
        """What to try when rows lacked the column a command reads, and either no row was read
        or the file has columns the command does not read: most often the column is there
        under another name (``noi_dung``), and every row was a reject for it."""
        if kept != 0 and "unknown_columns" not in self.warnings:
            return ""
        options = [option for reason, option in _COLUMN_OPTIONS.items() if reason in self.errors]
        if not options:
            return ""
        return f". Cột có tên khác? Hãy chỉ tên cột bằng {' và '.join(options)}."


# The option that names the column whose absence a reason reports.
_COLUMN_OPTIONS = {"missing_text": "--text-field", "missing_label": "--label-field"}


def _detail(reasons: Counter[str]) -> str:
    return f" ({', '.join(f'{r}: {n}' for r, n in reasons.most_common())})" if reasons else ""


def batches_of(
    rows: Iterable[LabelledRow | Reject], rejects: RejectLog, progress: bool, desc: str, size: int
) -> Iterator[list[LabelledRow]]:
    """:func:`collect` a batch of ``size`` usable rows at a time (the last may hold fewer): for a
    command that needs no more than a batch's texts at once."""
    batch: list[LabelledRow] = []
    for item in _progress(rows, desc, progress):
        if isinstance(item, Reject):
            rejects.write(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _progress(rows: Iterable[Any], desc: str, shown: bool) -> Iterable[Any]:
    from tqdm import tqdm

    return tqdm(rows, desc=desc, unit=" dòng", disable=not shown, file=sys.stderr)


def collect(
    rows: Iterable[LabelledRow | Reject], rejects: RejectLog, progress: bool, desc: str
) -> list[LabelledRow]:
    """Read all rows with a progress bar on stderr, passing rejects on as they come.

    Args:
        rows: Output of :func:`read_labelled_rows`.
        rejects: Where rejected rows go.
        progress: Show the progress bar.
        desc: Its label.

    Returns:
        The usable rows.
    """
    kept = []
    for item in _progress(rows, desc, progress):
        if isinstance(item, Reject):
            rejects.write(item)
        else:
            kept.append(item)
    return kept
