"""``duluan classify``: label every row of a file with a topic or sentiment model.

Usage::

    duluan classify --model MODEL INPUT -o OUTPUT [--text-field text] [--id-field FIELD]
                    [--explain] [--rejects FILE] [--batch-size N] [--workers N] [--no-progress]

INPUT and OUTPUT are JSONL (``.gz`` ok), CSV or Parquet. Each output row has ``id``, ``label``
and ``score`` (calibrated probability); sentiment models add ``intensity``; ``--explain`` adds
the ``terms`` behind the label. The model reads each text as ``duluan analyze`` gives it to
it (normalised, URLs, e-mail addresses and phone numbers masked: see
:func:`~duluan.commands._labelled_rows.model_input`), so both label a text alike and no term
holds personal data. (``analyze`` reads a ``title`` column too; here only the text column is
read, and a warning names the columns that are not.)

Bad rows go to the rejects file (default ``OUTPUT.rejects.jsonl``) with the reason and never
stop the run; the checks and reason codes are those of ``analyze`` for the text (``missing_text``,
``empty_text``, ``too_large`` over 1 MB, ``bad_encoding``, ``binary``, ``bad_value``) and the id
(``missing_id``, ``duplicate_id``: a row whose id an earlier row had is left out), and columns
other than the text and id get one ``unknown_columns`` warning each. Ids: with ``--id-field``,
every row must have one in that column. Without it, the column is ``id`` when the file's first
row has one (then every row must); when the first row has no ``id`` (a file of texts alone),
each row's id is its row number (non-blank rows counted from 1).

The output and rejects files appear when the run ends well: a failed or interrupted run, or an
input that cannot be read (exit 2), leaves what was at their paths before. No path may be the
input's or the other's, and their folder must exist (exit 2 otherwise).

With ``--workers N`` above 1 (the default is 2 where there are two cores), this process reads
the rows, loads the model once and forks N worker processes that inherit it; batches of texts
go to them in input order (at most ``2 N + 1`` in flight, so memory stays bounded) and their
predictions are written in input order. The output is byte for byte the same for any N.
When both files are JSONL, the workers get the input's lines undecoded and give back their
output lines: this process only splits the file into lines and writes what comes back (with
one worker, it classifies the lines itself the same way). The lines of a topic model's large
input that are plain JSON of an id and a text (and other columns of plain values), a text
that normalising would change only in its tones and personal data, are then read from their
bytes without being decoded into Python objects (:mod:`~duluan.analysis.plain_rows`); the
others the usual way: the same output.

An input of ``COMPILED_MIN_BYTES`` or more labelled by a topic model goes through the compiled
scoring loops (:mod:`duluan.analysis.kernels`), with ``--explain`` those that explain too: the
same labels, scores and terms, the output byte for byte the same.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from duluan.analysis.runtime import close_pool, default_workers
from duluan.commands._args import positive_int
from duluan.commands._labelled_rows import (
    COMPILED_MIN_SIZE,
    LabelledRow,
    PredictionWriter,
    RejectLog,
    load_classifier,
    model_input,
    model_labels,
    read_labelled_rows,
)
from duluan.commands._paths import missing_input, path_problem

EXIT_OK, EXIT_INPUT, EXIT_MODEL = 0, 2, 3
# Rows a batch. With two workers, the last batches leave one worker idle while the other ends
# them, and batches in flight hold memory: 90,000 TC201805 leads took 1.87-1.97 s in batches of
# 8,192, 1.74-1.79 in 4,096, 1.70-1.77 in 2,048, 1.69-1.74 in 1,024 (whole command, same outputs,
# 2026-11-30); smaller than that, the batches' own costs start to count.
DEFAULT_BATCH = 2048

# Inputs of at least this many bytes are labelled through the compiled scoring loops (see
# COMPILED_MIN_SIZE) when no terms are asked: a topic model's from the texts alone, the sentiment
# model's from their syllables (its intensities need them too).
COMPILED_MIN_BYTES = COMPILED_MIN_SIZE

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
        description=(
            "Gán nhãn chủ đề hoặc sắc thái cho từng dòng của tệp (JSONL, CSV, Parquet): mỗi dòng ra có "
            "id, nhãn và điểm (xác suất đã hiệu chỉnh)."
        ),
        epilog=(
            "Như duluan analyze: mô hình đọc văn bản đã chuẩn hoá (che URL, e-mail, số điện thoại); "
            "dòng thiếu mã hoặc trùng mã với dòng trước, nội dung trống, quá 1 MB hoặc sai mã hoá "
            "được ghi vào tệp loại bỏ kèm lý do; mỗi cột không dùng đến được cảnh báo một lần. Tệp không có "
            f"cột id ở {ID_PEEK_ROWS} dòng đầu (và không có --id-field) lấy số thứ tự dòng làm mã. "
            "Tệp kết quả chỉ xuất hiện khi chạy xong; không được trùng tệp vào."
        ),
    )
    parser.add_argument("input", help="Tệp vào: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--model", required=True, help="Tệp mô hình (duluan train / duluan models build).")
    parser.add_argument("-o", "--output", required=True, help="Tệp kết quả: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--text-field", default="text", help="Cột nội dung (mặc định text).")
    parser.add_argument(
        "--id-field",
        help=(
            "Cột mã định danh; mọi dòng phải có. Mặc định: cột id nếu dòng đầu có, "
            "nếu không thì số thứ tự dòng."
        ),
    )
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
        texts: The batch's texts, in input order, as read (normalised here, as by ``analyze``: see
            :func:`~duluan.commands._labelled_rows.model_input`).
        model_path: The model file; loaded only where this process does not hold it yet.
        explain: Also name the terms behind each label.

    Returns:
        Per text: label, score rounded to 4 places, intensity (sentiment only, else ``None``)
        and terms (with ``explain``, else ``None``).
    """
    kind, model = _model(model_path)
    if not explain and kind != "sentiment" and model.compiled_loaded():
        # The texts alone, split and scored by the compiled loops: the same labels and scores.
        labels, scores = model_labels(model, texts)
        return [str(lab) for lab in labels.tolist()], [round(s, 4) for s in scores.tolist()], None, None
    batch = model_input(texts, model)
    if kind == "sentiment":
        preds = model.predict(batch, explain=explain)
        return (
            [p.label for p in preds],
            [round(p.score, 4) for p in preds],
            [p.intensity for p in preds],
            [[t for t, _ in p.terms] for p in preds] if explain else None,
        )
    if explain:
        preds = model.predict(batch, explain=True)
        return (
            [p.label for p in preds],
            [round(p.score, 4) for p in preds],
            None,
            [[t for t, _ in p.terms] for p in preds],
        )
    labels, scores = model.predict_labels(batch)
    return [str(lab) for lab in labels.tolist()], [round(s, 4) for s in scores.tolist()], None, None


def _model(model_path: str) -> tuple[str, Any]:
    """The model of ``model_path``: loaded only where this process does not hold it yet."""
    loaded = _MODELS.get(model_path)
    if loaded is None:
        loaded = _MODELS[model_path] = load_classifier(model_path)
    return loaded


def classify_lines(
    first_row: int,
    lines: list[bytes],
    line_numbers: Sequence[int],
    model_path: str,
    explain: bool,
    text_field: str,
    id_field: str | None,
) -> tuple[bytes, list[str], list[int], list[Any], list[tuple[int, int | None, str | None, list[str]]]]:
    """Decode, check and classify a chunk of a JSONL file's lines (the task a worker runs).

    The rows and rejects are those :func:`~duluan.commands._labelled_rows.read_labelled_rows`
    gives for these lines, and the output lines those the command writes for them, but for
    the checks that need every row: the process that sees them all drops the rows whose id an
    earlier one had and warns about the columns not read (see :func:`_classify_lines`).

    Args:
        first_row: Row number of the first line (rows count non-blank lines from 1).
        lines: Non-blank lines, undecoded (:func:`~duluan.analysis.tabular.jsonl_line_chunks`).
        line_numbers: Their 1-based line numbers in the file.
        model_path: The model file (see :func:`classify_texts`).
        explain: Also name the terms behind each label.
        text_field: Column holding the text.
        id_field: Column holding the id (``None``: row numbers).

    Returns:
        ``(output, ids, rows, rejects, unknown)``: the output's JSON lines joined (one line per
        row, in order), the ids and row numbers of those rows, the
        :class:`~duluan.analysis.tabular.Reject` of each unusable line, in order, and
        ``(row, line, id, columns)`` of each row with columns that are not read.
    """
    from duluan.analysis.tabular import Reject, RowValidator, json_line, jsonl_chunk_records, jsonl_record
    from duluan.commands._labelled_rows import labelled_rows

    plain, plain_unknown = (
        ({}, [])
        if explain
        else _plain_predictions(first_row, lines, line_numbers, model_path, text_field, id_field)
    )
    if plain:
        rest = [p for p in range(len(lines)) if p not in plain]
        records: Any = (
            (first_row + p, line_numbers[p], jsonl_record(lines[p], first_row + p, line_numbers[p]))
            for p in rest
        )
    else:
        records = jsonl_chunk_records(first_row, lines, line_numbers)
    validator = RowValidator(whole_file=False, text_field=text_field, id_field=id_field or "id")
    rows: list[LabelledRow] = []
    rejects: list[Any] = []
    checked = labelled_rows(
        records,
        text_field=text_field,
        label_field=None,
        id_field=id_field,
        validator=validator,
        whole_file=False,
    )
    for item in checked:
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            rows.append(item)
    written: list[tuple[int, str, bytes]] = []  # (row, id, output line)
    if rows:
        columns = classify_texts([r.text for r in rows], model_path, explain)
        records_out = prediction_records(rows, columns)
        written = [(r.row, r.id, json_line(record)) for r, record in zip(rows, records_out, strict=True)]
    if plain:
        for p, (doc_id, label, score) in plain.items():
            written.append((first_row + p, doc_id, json_line({"id": doc_id, "label": label, "score": score})))
        written.sort(key=itemgetter(0))
    output = b"".join([line for _, _, line in written])
    unknown = validator.unknown
    if plain_unknown:
        unknown = sorted(unknown + plain_unknown, key=itemgetter(0))
    return (
        output,
        [doc_id for _, doc_id, _ in written],
        [row for row, _, _ in written],
        rejects,
        unknown,
    )


def _plain_predictions(
    first_row: int,
    lines: list[bytes],
    line_numbers: Sequence[int],
    model_path: str,
    text_field: str,
    id_field: str | None,
) -> tuple[dict[int, tuple[str, str, float]], list[tuple[int, int, str, list[str]]]]:
    """The output rows of the chunk's plain lines (:mod:`~duluan.analysis.plain_rows`), labelled
    from their bytes by the compiled loops: ``{position: (id, label, score)}``, the same rows
    :func:`classify_lines` writes for them otherwise, and the ``(row, line, id, columns)`` of
    those with columns that are not read, in order (not for terms: the caller asks only without).
    Empty where this does not apply (a sentiment model, loops not loaded); lines it leaves out
    are read the usual way.

    :func:`classify_lines` over all 33,709 VNTC articles (99.4 % of them plain) with a model
    trained on VNTC, in one process, two alternating runs: 97-102 µs of CPU a line the usual
    way, 61-67 this way; the shipped topic model on the 93,997 TC201805 leads (98 % plain):
    15.6-16.4 against 8.6-9.9. The same output in every case (2026-12-02).
    """
    kind, model = _model(model_path)
    if kind == "sentiment" or not model.compiled_loaded():
        return {}, []
    from duluan.analysis.plain_rows import plain_rows
    from duluan.commands._labelled_rows import plain_labels

    plain = plain_rows(lines, text_field, id_field)
    if not plain.positions:
        return {}, []
    found = plain_labels(model, plain.codes, plain.starts)
    if found is None:
        return {}, []
    labels, scores = found
    ids = plain.ids if id_field is not None else [str(first_row + p) for p in plain.positions]
    predictions = {
        p: (doc_id, str(label), round(score, 4))
        for p, doc_id, label, score in zip(
            plain.positions, ids, labels.tolist(), scores.tolist(), strict=True
        )
    }
    unknown = [
        (first_row + p, line_numbers[p], predictions[p][0], names) for p, names in plain.unknown.items()
    ]
    return predictions, unknown


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
    if _large(Path(args.input)):
        # Loaded here, before the workers fork, so that they inherit them: the loops that label,
        # or those that label and explain (a topic model's; the sentiment model's characters
        # are left to numpy).
        if args.explain:
            model.load_compiled_explain()
        else:
            # With the scorer of plain JSON lines (see _plain_predictions), for the workers
            model.load_compiled(placing=kind != "sentiment")
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
    from duluan.analysis.tabular import UnreadableInput

    source = Path(args.input)
    missing = missing_input(source, "tệp vào")
    if missing:
        print(f"Lỗi tệp vào: {missing}", file=sys.stderr)
        return EXIT_INPUT
    output = Path(args.output)
    rejects_path = Path(args.rejects or f"{args.output}.rejects.jsonl")
    problem = path_problem(source, output, rejects_path, model=Path(model_path))
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    try:
        id_field = args.id_field or _default_id_field(source)
    except UnreadableInput as exc:
        print(f"Lỗi tệp vào: {exc}", file=sys.stderr)
        return EXIT_INPUT
    try:
        # Forked workers keep the collector's setting they are born with.
        with batch_gc():
            count, rejects = _classify_file(args, source, model_path, rejects_path, id_field)
    except UnreadableInput as exc:
        print(f"Lỗi tệp vào: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"Đã phân loại {count} dòng ({kind}) → {args.output}.")
    print(rejects.summary(kept=count))
    return EXIT_OK


def _large(source: Path) -> bool:
    """Whether the input is large enough for the compiled scoring loops to pay (see
    ``COMPILED_MIN_BYTES``)."""
    try:
        return source.stat().st_size >= COMPILED_MIN_BYTES
    except OSError:
        return False  # the checks of the input say why


# The rows read to tell whether a file has ids (see _default_id_field).
ID_PEEK_ROWS = 1000


def _default_id_field(source: Path) -> str | None:
    """``"id"`` when one of the file's first :data:`ID_PEEK_ROWS` rows (records that are one) has
    an ``id`` column, else ``None``: the rows are then named by their number. A CSV or Parquet
    file's rows all have its header's columns; a JSON line whose id was left out is rejected
    (``missing_id``) where its neighbours have theirs, as in a CSV file, instead of every row
    being named by its number for it.

    Raises:
        duluan.analysis.tabular.UnreadableInput: The file is damaged.
    """
    from collections.abc import Mapping

    from duluan.analysis.tabular import read_records

    records = read_records(source)
    seen = 0
    try:
        for _, _, record in records:
            if isinstance(record, Mapping):
                if "id" in record:
                    return "id"
                seen += 1
                if seen == ID_PEEK_ROWS:
                    break
    finally:
        records.close()
    return None if seen else "id"


def _classify_file(
    args: argparse.Namespace, source: Path, model_path: str, rejects_path: Path, id_field: str | None
) -> tuple[int, RejectLog]:
    """Read, classify and write the whole file.

    The output and rejects files are kept when the whole file is done, and dropped otherwise.

    Returns:
        The number of rows written, and the rejects written.
    """
    from duluan.analysis.tabular import Reject, RowValidator

    pool = None
    finished = False
    writer = rejects = None
    try:
        if args.workers > 1:
            from duluan.analysis.runtime import forked_pool

            # Before the output files are open, with nothing left in a buffer that a child could
            # write again (a worker flushes stdout and stderr when it ends).
            sys.stdout.flush()
            sys.stderr.flush()
            pool = forked_pool(args.workers)
        writer = PredictionWriter(args.output)
        rejects = RejectLog(rejects_path)
        bar = _progress_bar(args.no_progress)
        by_lines = _by_lines(source, writer)

        def batches() -> Iterator[list[LabelledRow]]:
            batch: list[LabelledRow] = []
            rows = read_labelled_rows(
                source,
                text_field=args.text_field,
                label_field=None,
                id_field=id_field,
                validator=RowValidator(text_field=args.text_field, id_field=id_field or "id"),
            )
            for item in rows:
                if isinstance(item, Reject):
                    rejects.write(item)
                    if item.severity == "error":
                        bar.update(1)
                    continue
                batch.append(item)
                if len(batch) >= args.batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        try:
            if by_lines:
                _classify_lines(
                    args, source, model_path, id_field, pool or _InlinePool(), writer, rejects, bar
                )
            else:
                for batch, columns in _classified(batches(), pool, args.workers, model_path, args.explain):
                    writer.write(prediction_records(batch, columns))
                    bar.update(len(batch))
            finished = True
        finally:
            bar.close()
    finally:
        if pool is not None:
            close_pool(pool, abandoned=not finished)
        if finished:
            writer.close()
            rejects.close()
        else:  # an error or an interruption: the paths keep what they had
            for staged in (writer, rejects):
                if staged is not None:
                    staged.abort()
    return writer.count, rejects


def _by_lines(source: Path, writer: PredictionWriter) -> bool:
    """Whether the file is classified by its lines (:func:`_classify_lines`): JSONL into JSONL.
    One process reads them so too, for the lines it reads from their bytes (see
    :func:`_plain_predictions`)."""
    from duluan.analysis.tabular import input_format

    return input_format(source) == "jsonl" and writer.kind == "jsonl"


def _classify_lines(
    args: argparse.Namespace,
    source: Path,
    model_path: str,
    id_field: str | None,
    pool: Any,
    writer: PredictionWriter,
    rejects: RejectLog,
    bar: Any,
) -> None:
    """Classify a JSONL file into a JSONL file with the pool's workers (or this process, through
    an :class:`_InlinePool`) decoding and encoding.

    This process was as busy as each of two workers when it parsed the rows and wrote the
    predictions itself (1.2-1.4 CPU-s against 1.9 for both workers, 90,000 TC201805 leads,
    2026-11-30): now it splits the file into lines, and writes the lines and rejects that
    come back, in input order. On the same file, three alternating runs each with other jobs on
    the machine: this process 0.96-1.22 CPU-s -> 0.35-0.38, all three 2.90-3.34 -> 2.58-2.79,
    same output (2026-12-01).

    It also makes the checks that need every row, as ``analyze`` does (its ``_checked_lines``):
    it drops the rows whose id an earlier row had (the output has one line per row, so the
    chunk's lines are split only when it has such a row), warns once about each column not
    read, and writes each chunk's rejects in row order, as reading the rows here writes them.
    """
    from duluan.analysis.runtime import ordered_results
    from duluan.analysis.tabular import KEPT_ROW_WARNINGS, RowValidator, jsonl_line_chunks

    validator = RowValidator(text_field=args.text_field, id_field=id_field or "id")

    def submit(chunk: tuple[int, list[bytes], Sequence[int]]) -> tuple[int, Sequence[int], Any]:
        first_row, lines, numbers = chunk
        fields = (args.explain, args.text_field, id_field)
        future = pool.submit(classify_lines, first_row, lines, numbers, model_path, *fields)
        return first_row, numbers, future

    def result(pending: tuple[int, Sequence[int], Any]) -> tuple[int, Sequence[int], Any]:
        first_row, numbers, future = pending
        return first_row, numbers, future.result()

    chunks = jsonl_line_chunks(source, args.batch_size)
    for first_row, numbers, done in ordered_results(submit, result, chunks, 2 * args.workers + 1):
        output, ids, rows, bad, unknown = done
        notes: list[tuple[int, int, Any]] = validator.chunk_notes(bad, unknown)
        repeated = []
        for k, (doc_id, row) in enumerate(zip(ids, rows, strict=True)):
            duplicate = validator.duplicate(doc_id, row, numbers[row - first_row])
            if duplicate is not None:
                repeated.append(k)
                notes = [n for n in notes if n[0] != row or n[2].reason not in KEPT_ROW_WARNINGS]
                notes.append((row, 1, duplicate))
        if repeated:  # rare: json_line writes each row on one line, newlines escaped
            kept = output.split(b"\n")[:-1]
            for k in reversed(repeated):
                del kept[k]
            output = b"".join(line + b"\n" for line in kept)
        notes.sort(key=itemgetter(0, 1))
        for *_, note in notes:
            rejects.write(note)
        writer.write_lines(output, len(ids) - len(repeated))
        bar.update(len(numbers))


class _InlinePool:
    """What :func:`_classify_lines` asks of a pool, for one process: each task runs here when its
    result is asked for, in submission order."""

    def submit(self, fn: Any, *args: Any) -> Any:
        return SimpleNamespace(result=partial(fn, *args))


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
