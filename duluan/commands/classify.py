"""``duluan classify``: label every row of a file with a topic or sentiment model.

Usage::

    duluan classify --model MODEL INPUT -o OUTPUT [--text-field text] [--id-field id]
                    [--explain] [--rejects FILE] [--batch-size N] [--no-progress]

INPUT and OUTPUT are JSONL (``.gz`` ok), CSV or Parquet. Each output row has ``id``, ``label``
and ``score`` (calibrated probability); sentiment models add ``intensity``; ``--explain`` adds
the ``terms`` behind the label. Bad rows go to the rejects file (default
``OUTPUT.rejects.jsonl``) with the reason and never stop the run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from duluan.commands._labelled_rows import (
    PredictionWriter,
    load_classifier,
    read_labelled_rows,
    reject_summary,
)

EXIT_OK, EXIT_INPUT, EXIT_MODEL = 0, 2, 3


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
    parser.add_argument("--batch-size", type=int, default=8192, help="Số dòng mỗi lô.")
    parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Classify the input file; print a short report."""
    from tqdm import tqdm

    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.tabular import Reject, RejectsWriter, input_format

    try:
        kind, model = load_classifier(args.model)
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_MODEL
    source = Path(args.input)
    if not source.is_file():
        print(f"Không tìm thấy tệp vào: {source}", file=sys.stderr)
        return EXIT_INPUT
    try:
        input_format(source)
        writer = PredictionWriter(args.output)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    rejects_path = Path(args.rejects or f"{args.output}.rejects.jsonl")
    rejects = RejectsWriter(rejects_path)
    rows = read_labelled_rows(source, text_field=args.text_field, label_field=None, id_field=args.id_field)
    batch = []

    def flush() -> None:
        texts = [r.text for r in batch]
        if kind == "sentiment":
            preds = model.predict(texts, explain=args.explain)
            records = [
                {"id": r.id, "label": p.label, "score": round(p.score, 4), "intensity": p.intensity}
                | ({"terms": [t for t, _ in p.terms]} if args.explain else {})
                for r, p in zip(batch, preds, strict=True)
            ]
        elif args.explain:
            preds = model.predict(texts, explain=True)
            records = [
                {"id": r.id, "label": p.label, "score": round(p.score, 4), "terms": [t for t, _ in p.terms]}
                for r, p in zip(batch, preds, strict=True)
            ]
        else:
            labels, scores = model.predict_labels(texts)
            records = [
                {"id": r.id, "label": str(lab), "score": round(float(s), 4)}
                for r, lab, s in zip(batch, labels, scores, strict=True)
            ]
        writer.write(records)
        batch.clear()

    try:
        for item in tqdm(rows, desc="Phân loại", unit=" dòng", disable=args.no_progress, file=sys.stderr):
            if isinstance(item, Reject):
                rejects.write(item)
                continue
            batch.append(item)
            if len(batch) >= args.batch_size:
                flush()
        if batch:
            flush()
    finally:
        writer.close()
        rejects.close()
    print(f"Đã phân loại {writer.count} dòng ({kind}) → {args.output}.")
    print(reject_summary(rejects_path))
    return EXIT_OK
