"""``duluan evaluate``: score a model on a labelled file.

Usage::

    duluan evaluate --model MODEL --data FILE [--text-field text] [--label-field label]
                    [--rejects FILE] [--json] [--no-progress]

Prints accuracy, macro-F1 and weighted-F1 and a per-class table (precision, recall, F1,
support). Rows whose label the model does not know count as errors (they are in the table).
Macro-F1 is the mean of the table's F1 column, over every label of the file or the predictions
(scikit-learn's ``f1_score(average="macro")``).
The model reads the texts as ``duluan analyze`` gives them to it (normalised, personal data
masked: see :func:`~duluan.commands._labelled_rows.model_input`), so the figures are those of
the model in ``analyze``.

Bad rows (no text, no label, broken JSON, bad encoding, a text over 1 MB: the checks and
reasons of ``analyze``) are left out and counted by reason on stderr; they are written to a
rejects file only with ``--rejects FILE`` (whole or not at all), so that evaluating never
writes next to the data, which may be shared and read-only. When no row has a label (e.g. the
wrong ``--label-field``), the command fails (exit 2) instead of scoring nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from duluan.commands._labelled_rows import (
    COMPILED_MIN_SIZE,
    RejectLog,
    batches_of,
    load_classifier,
    model_input,
    model_labels,
    read_labelled_rows,
)
from duluan.commands._paths import missing_input, path_problem

EXIT_OK, EXIT_INPUT, EXIT_MODEL = 0, 2, 3
_BATCH = 2048  # texts predicted at once
NO_LABELS = "Không dòng nào của {path} có nhãn (cột {field}): kiểm tra --label-field."


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = subparsers.add_parser(
        "evaluate",
        help="Đánh giá mô hình trên tệp có nhãn.",
        description=(
            "Đánh giá mô hình trên tệp có nhãn: in độ chính xác, macro-F1, weighted-F1 và bảng theo "
            "từng nhãn."
        ),
        epilog=(
            "Mô hình đọc văn bản đã chuẩn hoá như duluan analyze. Dòng lỗi được bỏ qua và đếm theo "
            "lý do; chỉ ghi ra tệp khi có --rejects. Không dòng nào có nhãn: lỗi (mã thoát 2)."
        ),
    )
    parser.add_argument("--model", required=True, help="Tệp mô hình.")
    parser.add_argument("--data", required=True, help="Tệp có nhãn: .jsonl(.gz), .csv hoặc .parquet.")
    parser.add_argument("--text-field", default="text", help="Cột nội dung (mặc định text).")
    parser.add_argument("--label-field", default="label", help="Cột nhãn (mặc định label).")
    parser.add_argument(
        "--rejects", help="Ghi các dòng bị loại vào tệp JSONL này (mặc định: chỉ in số dòng bị loại)."
    )
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
        # The mean of the table's F1 column: every label of the file or of the predictions, as
        # scikit-learn's f1_score averages by default (over the file's labels alone, a model that
        # gave a label the file has not scored above its accuracy: 86.6 against 76.2).
        "macro_f1": float(f1_score(truth, predicted, average="macro", labels=labels, zero_division=0)),
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
    from duluan.analysis.tabular import UnreadableInput

    try:
        _, model = load_classifier(args.model)
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_MODEL
    data = Path(args.data)
    missing = missing_input(data, "tệp dữ liệu")
    if missing:
        print(f"Lỗi tệp vào: {missing}", file=sys.stderr)
        return EXIT_INPUT
    rejects_path = Path(args.rejects) if args.rejects else None
    problem = path_problem(data, None, rejects_path, model=Path(args.model))
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    rejects = RejectLog(rejects_path)
    # A batch of rows at a time, labelled then dropped: only the labels are kept (all the rows
    # held at once took 1.84 GB for 200,000 articles). Large files: the compiled loops, if the
    # model can use them (the same labels).
    compiled = data.stat().st_size >= COMPILED_MIN_SIZE and model.load_compiled()
    truth: list[str] = []
    predicted: list[str] = []
    try:
        rows = read_labelled_rows(data, text_field=args.text_field, label_field=args.label_field)
        for batch in batches_of(rows, rejects, not args.no_progress, "Đọc và đánh giá", _BATCH):
            texts = [r.text for r in batch]
            if compiled:
                labels, _ = model_labels(model, texts)
            else:
                labels, _ = model.predict_labels(model_input(texts, model))
            truth += [r.label for r in batch]
            predicted += [str(p) for p in labels.tolist()]
    except UnreadableInput as exc:
        rejects.abort()
        print(f"Lỗi tệp vào: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BaseException:
        rejects.abort()
        raise
    rejects.close()
    if not truth:
        if rejects.errors["missing_label"]:  # rows with a text, and none with a label
            print(NO_LABELS.format(field=args.label_field, path=data), file=sys.stderr)
        else:
            print("Không có dòng hợp lệ để đánh giá.", file=sys.stderr)
        print(rejects.summary(kept=0), file=sys.stderr)
        return EXIT_INPUT
    report = evaluation_report(truth, predicted)
    unknown = sorted(set(truth) - {str(c) for c in model.classes_})
    if args.json:
        print(json.dumps({**report, "unknown_labels": unknown}, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
        if unknown:
            print(f"Nhãn mô hình không biết (luôn tính là sai): {', '.join(unknown)}")
    print(rejects.summary(kept=len(truth)), file=sys.stderr)
    return EXIT_OK
