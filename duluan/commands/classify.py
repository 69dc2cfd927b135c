"""``duluan classify``: label every row of a file with a topic or sentiment model.

Usage::

    duluan classify --model MODEL INPUT -o OUTPUT [--text-field text] [--id-field id]
                    [--explain] [--rejects FILE] [--batch-size N] [--workers N] [--no-progress]

INPUT and OUTPUT are JSONL (``.gz`` ok), CSV or Parquet. Each output row has ``id``, ``label``
and ``score`` (calibrated probability); sentiment models add ``intensity``; ``--explain`` adds
the ``terms`` behind the label. Bad rows go to the rejects file (default
``OUTPUT.rejects.jsonl``) with the reason and never stop the run.

With ``--workers N`` above 1 (the default is 2 where there are two cores), this process reads
the rows, loads the model once and forks N worker processes that inherit it; batches of texts
go to them in input order (at most ``2 N + 1`` in flight, so memory stays bounded) and their
predictions are written in input order. The output is byte for byte the same for any N.
When both files are JSONL, the workers get the input's lines undecoded and give back their
output lines: this process only splits the file into lines and writes what comes back.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from duluan.analysis.runtime import default_workers
from duluan.commands._args import positive_int
from duluan.commands._labelled_rows import (
    LabelledRow,
    PredictionWriter,
    load_classifier,
    read_labelled_rows,
    reject_summary,
)

EXIT_OK, EXIT_INPUT, EXIT_MODEL = 0, 2, 3
# Rows a batch. With two workers, the last batches leave one worker idle while the other ends
# them, and batches in flight hold memory: 90,000 TC201805 leads took 1.87-1.97 s in batches of
# 8,192, 1.74-1.79 in 4,096, 1.70-1.77 in 2,048, 1.69-1.74 in 1,024 (whole command, same outputs,
# 2026-11-30); smaller than that, the batches' own costs start to count.
DEFAULT_BATCH = 2048

# Models by file, in this process and in the workers forked from it (which inherit the entry
# instead of loading the file again). A worker started without fork loads the file once.
_MODELS: dict[str, tuple[str, Any]] = {}

# Per batch: labels, scores (rounded), intensities (sentiment) and terms (--explain) or None.
Columns = tuple[list[str], list[float], list[Any] | None, list[list[str]] | None]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``classify`` sub-command."""
    parser = subparsers.add_parser(
        "classify",
        help="Gán nhãn chủ đề hoặc sắc thái cho từng dòng của tệp.",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("input", help="Tệp vào: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--model", required=True, help="Tệp mô hình (duluan train / duluan models build).")
    parser.add_argument("-o", "--output", required=True, help="Tệp kết quả: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--text-field", default="text", help="Cột nội dung (mặc định text).")
    parser.add_argument("--id-field", default="id", help="Cột mã định danh (mặc định id).")
    parser.add_argument("--explain", action="store_true", help="Ghi thêm các từ quyết định nhãn (terms).")
    parser.add_argument("--rejects", help="Tệp JSONL các dòng bị loại (mặc định OUTPUT.rejects.jsonl).")
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH,
        help=f"Số dòng mỗi lô (mặc định {DEFAULT_BATCH}).",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=default_workers(),
        help="Số tiến trình phân loại (mặc định: 2, hoặc 1 nếu máy chỉ có một lõi).",
    )
    parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
    # Its files are closed by the command and its process ends with it (see duluan.cli.main).
    parser.set_defaults(handler=run, exit_without_collecting=True)


def classify_texts(texts: list[str], model_path: str, explain: bool) -> Columns:
    """Classify one batch with the model of ``model_path`` (the task a worker runs).

    Args:
        texts: The batch's texts, in input order.
        model_path: The model file; loaded only where this process does not hold it yet.
        explain: Also name the terms behind each label.

    Returns:
        Per text: label, score rounded to 4 places, intensity (sentiment only, else ``None``)
        and terms (with ``explain``, else ``None``).
    """
    loaded = _MODELS.get(model_path)
    if loaded is None:
        loaded = _MODELS[model_path] = load_classifier(model_path)
    kind, model = loaded
    if kind == "sentiment":
        preds = model.predict(texts, explain=explain)
        return (
            [p.label for p in preds],
            [round(p.score, 4) for p in preds],
            [p.intensity for p in preds],
            [[t for t, _ in p.terms] for p in preds] if explain else None,
        )
    if explain:
        preds = model.predict(texts, explain=True)
        return (
            [p.label for p in preds],
            [round(p.score, 4) for p in preds],
            None,
            [[t for t, _ in p.terms] for p in preds],
        )
    labels, scores = model.predict_labels(texts)
    return [str(lab) for lab in labels.tolist()], [round(s, 4) for s in scores.tolist()], None, None


def classify_lines(
    first_row: int,
    lines: list[bytes],
    line_numbers: Sequence[int],
    model_path: str,
    explain: bool,
    text_field: str,
    id_field: str,
) -> tuple[bytes, int, list[Any]]:
    """Decode, check and classify a chunk of a JSONL file's lines (the task a worker runs).

    The rows and rejects are those :func:`~duluan.commands._labelled_rows.read_labelled_rows`
    gives for these lines, and the output lines those the command writes for them.

    Args:
        first_row: Row number of the first line (rows count non-blank lines from 1).
        lines: Non-blank lines, undecoded (:func:`~duluan.analysis.tabular.jsonl_line_chunks`).
        line_numbers: Their 1-based line numbers in the file.
        model_path: The model file (see :func:`classify_texts`).
        explain: Also name the terms behind each label.
        text_field: Column holding the text.
        id_field: Column holding the id.

    Returns:
        ``(output, count, rejects)``: the output's JSON lines joined, how many rows they are, and
        the :class:`~duluan.analysis.tabular.Reject` of each unusable line, in order.
    """
    from duluan.analysis.tabular import Reject, json_line, jsonl_chunk_records
    from duluan.commands._labelled_rows import labelled_rows

    records = jsonl_chunk_records(first_row, lines, line_numbers)
    rows: list[LabelledRow] = []
    rejects: list[Any] = []
    for item in labelled_rows(records, text_field=text_field, label_field=None, id_field=id_field):
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            rows.append(item)
    if not rows:
        return b"", 0, rejects
    columns = classify_texts([r.text for r in rows], model_path, explain)
    output = b"".join([json_line(record) for record in prediction_records(rows, columns)])
    return output, len(rows), rejects


def prediction_records(rows: list[LabelledRow], columns: Columns) -> list[dict[str, Any]]:
    """The output rows of a batch: ``id, label, score`` then ``intensity`` and ``terms`` if any."""
    labels, scores, intensities, terms = columns
    records = [{"id": r.id, "label": lab, "score": s} for r, lab, s in zip(rows, labels, scores, strict=True)]
    if intensities is not None:
        for record, value in zip(records, intensities, strict=True):
            record["intensity"] = value
    if terms is not None:
        for record, value in zip(records, terms, strict=True):
            record["terms"] = value
    return records


def run(args: argparse.Namespace) -> int:
    """Classify the input file; print a short report."""
    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.runtime import batch_gc

    model_path = str(args.model)
    try:
        with batch_gc():  # loading makes many long-lived containers (see batch_gc)
            kind, model = load_classifier(model_path)
            # They live as long as the command: out of the collector's sight, so that the first
            # young collection after this block does not walk the 50,000 containers the model's
            # imports made (10.7 ms, measured with gc.callbacks, 2026-11-30). A pool's start
            # hands them to the oldest generation again (forked_pool), and so does the end of
            # the command, for a caller that runs it in its own process (the tests).
            gc.freeze()
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_MODEL
    _MODELS[model_path] = (kind, model)
    del model
    try:
        return _run_loaded(args, model_path, kind)
    finally:
        _MODELS.pop(model_path, None)
        gc.unfreeze()


def _run_loaded(args: argparse.Namespace, model_path: str, kind: str) -> int:
    """The rest of :func:`run`, the model loaded into ``_MODELS``."""
    from duluan.analysis.runtime import batch_gc
    from duluan.analysis.tabular import input_format

    source = Path(args.input)
    if not source.is_file():
        print(f"Không tìm thấy tệp vào: {source}", file=sys.stderr)
        return EXIT_INPUT
    try:
        input_format(source)
        input_format(Path(args.output))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    rejects_path = Path(args.rejects or f"{args.output}.rejects.jsonl")
    # Forked workers keep the collector's setting they are born with.
    with batch_gc():
        count = _classify_file(args, source, model_path, rejects_path)
    print(f"Đã phân loại {count} dòng ({kind}) → {args.output}.")
    print(reject_summary(rejects_path))
    return EXIT_OK


def _classify_file(args: argparse.Namespace, source: Path, model_path: str, rejects_path: Path) -> int:
    """Read, classify and write the whole file; return the number of rows written."""
    from duluan.analysis.tabular import Reject, RejectsWriter, input_format

    pool = None
    if args.workers > 1:
        from duluan.analysis.runtime import forked_pool

        # Before any output file is open, with nothing left in a buffer that a child could
        # write again (a worker flushes stdout and stderr when it ends).
        sys.stdout.flush()
        sys.stderr.flush()
        pool = forked_pool(args.workers)
    try:
        writer = PredictionWriter(args.output)
        rejects = RejectsWriter(rejects_path)
        bar = _progress_bar(args.no_progress)
        lines_to_workers = pool is not None and input_format(source) == "jsonl" and writer.kind == "jsonl"

        def batches() -> Iterator[list[LabelledRow]]:
            batch: list[LabelledRow] = []
            rows = read_labelled_rows(
                source, text_field=args.text_field, label_field=None, id_field=args.id_field
            )
            for item in rows:
                if isinstance(item, Reject):
                    rejects.write(item)
                    bar.update(1)
                    continue
                batch.append(item)
                if len(batch) >= args.batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        try:
            if lines_to_workers:
                _classify_lines(args, source, model_path, pool, writer, rejects, bar)
            else:
                for batch, columns in _classified(batches(), pool, args.workers, model_path, args.explain):
                    writer.write(prediction_records(batch, columns))
                    bar.update(len(batch))
        finally:
            bar.close()
            writer.close()
            rejects.close()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return writer.count


def _classify_lines(
    args: argparse.Namespace,
    source: Path,
    model_path: str,
    pool: Any,
    writer: PredictionWriter,
    rejects: Any,
    bar: Any,
) -> None:
    """Classify a JSONL file into a JSONL file with the pool's workers decoding and encoding.

    This process was as busy as each of two workers when it parsed the rows and wrote the
    predictions itself (1.2-1.4 CPU-s against 1.9 for both workers, 90,000 TC201805 leads,
    2026-11-30): now it splits the file into lines, and writes the lines and rejects that
    come back, in input order. On the same file, three alternating runs each with other jobs on
    the machine: this process 0.96-1.22 CPU-s -> 0.35-0.38, all three 2.90-3.34 -> 2.58-2.79,
    same output (2026-12-01).
    """
    from duluan.analysis.runtime import ordered_results
    from duluan.analysis.tabular import jsonl_line_chunks

    def submit(chunk: tuple[int, list[bytes], Sequence[int]]) -> tuple[int, Any]:
        first_row, lines, numbers = chunk
        fields = (args.explain, args.text_field, args.id_field)
        return len(lines), pool.submit(classify_lines, first_row, lines, numbers, model_path, *fields)

    def result(pending: tuple[int, Any]) -> tuple[int, tuple[bytes, int, list[Any]]]:
        size, future = pending
        return size, future.result()

    chunks = jsonl_line_chunks(source, args.batch_size)
    for size, (output, count, bad) in ordered_results(submit, result, chunks, 2 * args.workers + 1):
        writer.write_lines(output, count)
        for reject in bad:
            rejects.write(reject)
        bar.update(size)


class _NoProgress:
    """What ``--no-progress`` shows: nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(hidden: bool) -> Any:
    """A progress bar on stderr, or with ``hidden`` an object that shows nothing and never
    imports tqdm (4.4 ms of the command's start-up, python -X importtime, 2026-11-30)."""
    if hidden:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=None, desc="Phân loại", unit=" dòng", file=sys.stderr)


def _classified(
    batches: Iterator[list[LabelledRow]], pool: Any, workers: int, model_path: str, explain: bool
) -> Iterator[tuple[list[LabelledRow], Columns]]:
    """Yield each batch with its predictions, in input order: here, or in the pool's workers."""
    if pool is None:
        for batch in batches:
            yield batch, classify_texts([r.text for r in batch], model_path, explain)
        return
    from duluan.analysis.runtime import ordered_results

    def submit(batch: list[LabelledRow]) -> tuple[list[LabelledRow], Any]:
        return batch, pool.submit(classify_texts, [r.text for r in batch], model_path, explain)

    def result(pending: tuple[list[LabelledRow], Any]) -> tuple[list[LabelledRow], Columns]:
        batch, future = pending
        return batch, future.result()

    # At most 2 * workers + 1 batches read ahead: memory stays bounded whatever the file's size.
    yield from ordered_results(submit, result, batches, 2 * workers + 1)
