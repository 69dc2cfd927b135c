"""Rows in and predictions out for ``duluan train / classify / evaluate``.

Reads JSONL (``.gz`` ok), CSV or Parquet with configurable text, label and id fields; every bad
row becomes a :class:`~duluan.analysis.tabular.Reject` with a reason and never stops the run.
Writes ``id, label, score, …`` rows as JSONL (``.gz`` ok), CSV or Parquet.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duluan.analysis.tabular import MESSAGES, Reject, RejectsWriter, input_format, json_line, read_records

__all__ = ["LabelledRow", "PredictionWriter", "RejectsWriter", "labelled_rows", "read_labelled_rows"]

_MESSAGES = {
    **MESSAGES,
    "missing_label": "Thiếu nhãn (cột {field}).",
    "missing_field": "Thiếu cột nội dung ({field}).",
    "empty_field": "Nội dung ({field}) trống.",
}


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
    path: str | Path, *, text_field: str = "text", label_field: str | None = "label", id_field: str = "id"
) -> Iterator[LabelledRow | Reject]:
    """Stream usable rows and rejects of a file, in file order.

    Args:
        path: JSONL (``.gz`` ok), CSV or Parquet.
        text_field: Column holding the text.
        label_field: Column holding the label, or ``None`` when labels are not needed.
        id_field: Column holding the id (the row number when absent).

    Yields:
        :class:`LabelledRow` and :class:`~duluan.analysis.tabular.Reject` records.
    """
    yield from labelled_rows(
        read_records(path), text_field=text_field, label_field=label_field, id_field=id_field
    )


def labelled_rows(
    records: Iterable[tuple[int, int | None, Any]],
    *,
    text_field: str = "text",
    label_field: str | None = "label",
    id_field: str = "id",
) -> Iterator[LabelledRow | Reject]:
    """Check raw records as :func:`read_labelled_rows` does (it reads them from a file).

    Args:
        records: ``(row, line, record)`` triples, as :func:`~duluan.analysis.tabular.read_records`
            yields them.
        text_field: Column holding the text.
        label_field: Column holding the label, or ``None`` when labels are not needed.
        id_field: Column holding the id (the row number when absent).

    Yields:
        :class:`LabelledRow` and :class:`~duluan.analysis.tabular.Reject` records, in order.
    """
    from duluan.analysis.tabular import text_problem

    for row, line, raw in records:
        if isinstance(raw, Reject):
            yield raw
            continue
        if not isinstance(raw, dict):
            yield _reject(row, line, None, "bad_row")
            continue
        raw_id = raw.get(id_field)
        doc_id = str(row) if raw_id is None or raw_id == "" else str(raw_id)
        text = raw.get(text_field)
        if text is None:
            yield _reject(row, line, doc_id, "missing_field", field=text_field)
            continue
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        problem = text_problem(text)
        if problem:
            yield _reject(row, line, doc_id, problem)
            continue
        if not text.strip():
            yield _reject(row, line, doc_id, "empty_field", field=text_field)
            continue
        label = None
        if label_field is not None:
            value = raw.get(label_field)
            if value is None or str(value).strip() == "":
                yield _reject(row, line, doc_id, "missing_label", field=label_field)
                continue
            label = str(value).strip()
        yield LabelledRow(doc_id, text, label, row)


class PredictionWriter:
    """Write prediction rows (dicts with the same keys) to JSONL (``.gz`` ok), CSV or Parquet.

    Args:
        path: Output file; its extension picks the format.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.kind = input_format(self.path)
        self.count = 0
        self._csv: csv.DictWriter | None = None
        self._parquet = None
        gz = self.path.name.lower().endswith(".gz")
        if self.kind == "parquet":
            self._handle = None
        elif self.kind == "jsonl":  # bytes: the lines come from orjson (json_line)
            self._handle = gzip.open(self.path, "wb") if gz else open(self.path, "wb")
        elif gz:
            self._handle = gzip.open(self.path, "wt", encoding="utf-8", newline="")
        else:
            self._handle = open(self.path, "w", encoding="utf-8", newline="")

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
                self._csv = csv.DictWriter(self._handle, fieldnames=list(records[0]))
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

            table = pa.Table.from_pylist(records)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._parquet.write_table(table.cast(self._parquet.schema))

    def close(self) -> None:
        """Finish the file."""
        if self._parquet is not None:
            self._parquet.close()
        elif self.kind == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({"id": pa.array([], pa.string())}), self.path)
        if self._handle is not None:
            self._handle.close()


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


def collect(rows, rejects: RejectsWriter, progress: bool, desc: str) -> list[LabelledRow]:
    """Read all rows with a progress bar on stderr, writing rejects as they come.

    Args:
        rows: Output of :func:`read_labelled_rows`.
        rejects: Where rejected rows go.
        progress: Show the progress bar.
        desc: Its label.

    Returns:
        The usable rows.
    """
    from tqdm import tqdm

    kept = []
    for item in tqdm(rows, desc=desc, unit=" dòng", disable=not progress, file=sys.stderr):
        if isinstance(item, Reject):
            rejects.write(item)
        else:
            kept.append(item)
    return kept


def reject_summary(path: Path) -> str:
    """Return ``"n dòng bị loại (reason: k, …) — xem FILE"`` from a rejects file."""
    from collections import Counter

    reasons: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                reasons[json.loads(line)["reason"]] += 1
    if not reasons:
        return "0 dòng bị loại."
    detail = ", ".join(f"{r}: {n}" for r, n in reasons.most_common())
    return f"{sum(reasons.values())} dòng bị loại ({detail}) — xem {path}"
