"""``duluan evaluate``: score a model on a labelled file.

Usage::

    duluan evaluate --model MODEL --data FILE [--text-field text] [--label-field label]
                    [--rejects FILE] [--json] [--no-progress]

Prints accuracy, macro-F1 and weighted-F1 and a per-class table (precision, recall, F1,
support). Rows whose label the model does not know count as errors (they are in the table).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from duluan.commands._labelled_rows import collect, load_classifier, read_labelled_rows, reject_summary

EXIT_OK, EXIT_INPUT, EXIT_MODEL = 0, 2, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = subparsers.add_parser(
        "evaluate", help="Đánh giá mô hình trên tệp có nhãn.", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--model", required=True, help="Tệp mô hình.")
    parser.add_argument("--data", required=True, help="Tệp có nhãn: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--text-field", default="text", help="Cột nội dung (mặc định text).")
    parser.add_argument("--label-field", default="label", help="Cột nhãn (mặc định label).")
    parser.add_argument("--rejects", help="Tệp JSONL các dòng bị loại (mặc định DATA.rejects.jsonl).")
    parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
    parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
    parser.set_defaults(handler=run)


def evaluation_report(truth: list[str], predicted: list[str]) -> dict:
    """Return accuracy, macro-F1, weighted-F1 and per-class figures.

    Args:
        truth: True labels.
        predicted: Predicted labels.

    Returns:
        ``{"rows", "accuracy", "macro_f1", "weighted_f1", "classes": {label: {precision, recall,
        f1, support}}}``.
    """
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    return {
        "rows": len(truth),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(
            f1_score(truth, predicted, average="macro", labels=sorted(set(truth)), zero_division=0)
        ),
        "weighted_f1": float(f1_score(truth, predicted, average="weighted", zero_division=0)),
        "classes": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
    }


def format_report(report: dict) -> str:
    """Render :func:`evaluation_report` as a text table."""
    width = max([len("nhãn"), *(len(k) for k in report["classes"])])
    lines = [
        f"Số dòng: {report['rows']}",
        f"accuracy     {report['accuracy'] * 100:6.2f}",
        f"macro-F1     {report['macro_f1'] * 100:6.2f}",
        f"weighted-F1  {report['weighted_f1'] * 100:6.2f}",
        "",
        f"{'nhãn':<{width}}  precision  recall     F1  support",
    ]
    for label, c in report["classes"].items():
        lines.append(
            f"{label:<{width}}  {c['precision'] * 100:9.2f}  {c['recall'] * 100:6.2f}  "
            f"{c['f1'] * 100:5.2f}  {c['support']:7d}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Evaluate the model; print the report."""
    from duluan.analysis.model_io import ModelFileError
    from duluan.analysis.tabular import RejectsWriter

    try:
        _, model = load_classifier(args.model)
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_MODEL
    data = Path(args.data)
    if not data.is_file():
        print(f"Không tìm thấy tệp dữ liệu: {data}", file=sys.stderr)
        return EXIT_INPUT
    rejects_path = Path(args.rejects) if args.rejects else data.with_name(f"{data.name}.rejects.jsonl")
    rejects = RejectsWriter(rejects_path)
    try:
        rows = collect(
            read_labelled_rows(data, text_field=args.text_field, label_field=args.label_field),
            rejects,
            not args.no_progress,
            "Đọc dữ liệu",
        )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    finally:
        rejects.close()
    if not rows:
        print("Không có dòng hợp lệ để đánh giá.", file=sys.stderr)
        print(reject_summary(rejects_path), file=sys.stderr)
        return EXIT_INPUT
    predicted, _ = model.predict_labels([r.text for r in rows])
    report = evaluation_report([r.label for r in rows], [str(p) for p in predicted])
    unknown = sorted({r.label for r in rows} - {str(c) for c in model.classes_})
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
        if unknown:
            print(f"Nhãn mô hình không biết (luôn tính là sai): {', '.join(unknown)}")
    print(reject_summary(rejects_path), file=sys.stderr)
    return EXIT_OK
