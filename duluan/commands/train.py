"""``duluan train``: fit a topic or sentiment model on a labelled file, or build the default one.

Usage::

    duluan train --task topic|sentiment --data FILE [--text-field text] [--label-field label]
                 [--id-field id] [--rejects FILE] [--char-ngrams 2-5] [--word-ngrams 1-2]
                 [--C 0.5] [--nb-svm-C 0.3] [--accent-free-copies] [--layout] -o MODEL
    duluan train --task topic|sentiment --default [-o MODEL]

FILE is JSONL (``.gz`` ok), CSV or Parquet. Bad rows (no text, no label, broken JSON, bad
encoding, a text over 1 MB: the checks and reasons of ``duluan analyze``) go to the rejects
file (default ``MODEL.rejects.jsonl``) with the reason, and never stop the run; rows are named
by their number (and by their id, when the ``--id-field`` column has one). The model learns
from the texts as ``analyze`` gives them to it (normalised, personal data masked: see
:func:`~duluan.commands._labelled_rows.model_texts`). The labels found are printed with their
counts, so that a stray one shows. The model and rejects files are written whole or not at
all (a file that cannot be read leaves neither), never over the data or each other, in a folder
that must exist. ``--default`` builds the shipped model from the shared corpora (government
taxonomy for topics; UIT-VSFC + AIVIVN for sentiment) into ``-o`` or the models folder
(``DULUAN_MODEL_DIR``, default ``var/models``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from duluan.analysis.negation import NEGATION_SCOPE
from duluan.commands._args import non_negative_float, non_negative_int
from duluan.commands._labelled_rows import RejectLog, collect, model_texts, read_labelled_rows
from duluan.commands._paths import missing_input, path_problem

EXIT_OK, EXIT_INPUT, EXIT_DATA = 0, 2, 4
# The most labels a model learns (see run).
MAX_LABELS = 100


def _range(value: str) -> tuple[int, int]:
    try:
        lo, _, hi = value.partition("-")
        pair = (int(lo), int(hi or lo))
    except ValueError:
        raise argparse.ArgumentTypeError("cần dạng 'a-b', ví dụ 1-2") from None
    if not 1 <= pair[0] <= pair[1]:
        raise argparse.ArgumentTypeError("cần 1 <= a <= b")
    return pair


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` sub-command."""
    parser = subparsers.add_parser(
        "train",
        help="Huấn luyện mô hình chủ đề hoặc sắc thái từ tệp có nhãn.",
        description=(
            "Huấn luyện mô hình chủ đề hoặc sắc thái từ tệp có nhãn (JSONL, CSV, Parquet), hoặc xây mô "
            "hình mặc định. Dòng lỗi được ghi vào tệp loại bỏ kèm lý do, không làm dừng lần chạy."
        ),
    )
    parser.add_argument("--task", choices=("topic", "sentiment"), required=True, help="Loại mô hình.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="Tệp có nhãn: .jsonl(.gz), .csv hoặc .parquet.")
    source.add_argument("--default", action="store_true", help="Xây mô hình mặc định từ dữ liệu dùng chung.")
    parser.add_argument("--text-field", default="text", help="Cột nội dung (mặc định text).")
    parser.add_argument("--label-field", default="label", help="Cột nhãn (mặc định label).")
    parser.add_argument(
        "--id-field", default="id", help="Cột mã định danh, chỉ để ghi vào tệp loại bỏ (mặc định id)."
    )
    parser.add_argument("-o", "--output", help="Tệp mô hình ghi ra.")
    parser.add_argument("--rejects", help="Tệp JSONL các dòng bị loại (mặc định MODEL.rejects.jsonl).")
    parser.add_argument("--word-ngrams", type=_range, help="Độ dài n-gram âm tiết, ví dụ 1-2.")
    parser.add_argument("--char-ngrams", type=_range, help="Độ dài n-gram ký tự, ví dụ 2-5.")
    parser.add_argument("--C", type=float, help="Hệ số C của SVM (nghịch đảo chính quy hoá).")
    parser.add_argument(
        "--nb-svm-C",
        type=non_negative_float,
        help=(
            "Hệ số C của phần NBSVM (SVM trên n-gram nhân tỉ lệ log Bayes của từng nhãn, cộng vào SVM "
            "chính; 0: tắt). Mặc định: 0.3 với mô hình cảm xúc, 0 với mô hình chủ đề."
        ),
    )
    parser.add_argument(
        "--negation-scope",
        type=non_negative_int,
        help=(
            "Số âm tiết sau một từ phủ định (không, chưa, chẳng…) được đọc là bị phủ định, trong cùng "
            f"vế câu (0: tắt). Mặc định: {NEGATION_SCOPE} với mô hình cảm xúc, 0 với mô hình chủ đề."
        ),
    )
    parser.add_argument(
        "--accent-free-copies",
        action=argparse.BooleanOptionalAction,
        help=(
            "Học thêm bản không dấu của mỗi văn bản, để đọc được văn bản gõ không dấu (huấn luyện lâu "
            "gấp đôi). Mặc định: có với --default, không với --data."
        ),
    )
    parser.add_argument(
        "--layout",
        action=argparse.BooleanOptionalAction,
        help=(
            "Đọc cả bố cục văn bản (xuống dòng, dấu câu, cách viết số, chữ hoa) bên cạnh n-gram: có ích "
            "khi nhãn gắn với nguồn, như chuyên mục của từng báo. Mặc định: có với mô hình chủ đề từ "
            "--data, không với --default và mô hình cảm xúc."
        ),
    )
    parser.add_argument(
        "--mask-places",
        action=argparse.BooleanOptionalAction,
        help=(
            "Đọc mọi tên đơn vị hành chính tìm thấy trong văn bản như một từ chung, khi học và khi đoán, "
            "để nhãn không đổi theo tên xã được nhắc. Mặc định: có với --default, không với --data."
        ),
    )
    parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
    parser.set_defaults(handler=run)


def _params(args: argparse.Namespace) -> dict:
    params = {}
    if args.word_ngrams:
        params["word_ngram_range"] = args.word_ngrams
    if args.char_ngrams:
        params["char_ngram_range"] = args.char_ngrams
    if args.C is not None:
        params["C"] = args.C
    if args.nb_svm_C is not None:
        params["nb_svm_C"] = args.nb_svm_C
    if args.negation_scope is not None:
        params["negation_scope"] = args.negation_scope
    if args.accent_free_copies is not None:
        params["accent_free_copies"] = args.accent_free_copies
    if args.layout is not None:
        from duluan.analysis.layout import LAYOUT_WEIGHT

        params["layout_weight"] = LAYOUT_WEIGHT if args.layout else 0.0
    if args.mask_places is not None:
        params["mask_places"] = args.mask_places
    return params


def run(args: argparse.Namespace) -> int:
    """Train and save a model; print a short report."""
    if args.default:
        from duluan.commands.models import build_default

        return build_default(
            [args.task], output=args.output, progress=not args.no_progress, params=_params(args)
        )
    if not args.output:
        print("Cần -o MODEL (tệp mô hình ghi ra).", file=sys.stderr)
        return EXIT_INPUT
    from duluan.analysis.linear_text import fit_progress_bar
    from duluan.analysis.sentiment import NEGATIVE, SENTIMENTS, SentimentClassifier
    from duluan.analysis.tabular import UnreadableInput
    from duluan.analysis.topic import TopicClassifier

    data = Path(args.data)
    missing = missing_input(data, "tệp dữ liệu")
    if missing:
        print(f"Lỗi tệp vào: {missing}", file=sys.stderr)
        return EXIT_INPUT
    output = Path(args.output)
    rejects_path = Path(args.rejects or f"{output}.rejects.jsonl")
    problem = path_problem(data, output, rejects_path, output_name="tệp mô hình", table_output=False)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    start = time.perf_counter()
    rejects = RejectLog(rejects_path)
    try:
        rows = collect(
            read_labelled_rows(
                data, text_field=args.text_field, label_field=args.label_field, id_field=args.id_field
            ),
            rejects,
            not args.no_progress,
            "Đọc dữ liệu",
        )
    except UnreadableInput as exc:
        rejects.abort()
        print(f"Lỗi tệp vào: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BaseException:
        rejects.abort()
        raise
    rejects.close()
    counts = Counter(r.label for r in rows)
    print(label_summary(counts), file=sys.stderr)
    if len(counts) < 2:
        print(f"Cần ít nhất hai nhãn khác nhau để huấn luyện; có {len(counts)}.", file=sys.stderr)
        print(rejects.summary(kept=len(rows)), file=sys.stderr)
        return EXIT_INPUT
    if len(counts) > MAX_LABELS or (len(counts) > 2 and len(counts) * 2 > len(rows)):
        # A model holds a row of weights for each label (4 MB each): 200 labels took 3.6 GB to
        # learn, 1,000 crashed, and "--label-field id" asks for one label per row.
        print(
            f"Có {len(counts)} nhãn cho {len(rows)} dòng: mỗi nhãn cần nhiều ví dụ, và một mô hình học"
            f" được tối đa {MAX_LABELS} nhãn. Cột nhãn (--label-field {args.label_field}) có đúng không?",
            file=sys.stderr,
        )
        return EXIT_INPUT
    odd = sorted(set(counts) - set(SENTIMENTS))
    if args.task == "sentiment" and (odd or NEGATIVE not in counts):
        # The intensity of a text is read off its probability of "negative" (sentiment.anger),
        # and the platform counts negative signals by that label: "0", "1", "2" would train a
        # model whose every intensity is meaningless.
        found = f"nhãn khác: {', '.join(odd)}" if odd else f"không nhãn {NEGATIVE}"
        print(
            f"Mô hình sắc thái học các nhãn {', '.join(SENTIMENTS)} (có {NEGATIVE}: mức độ bức xúc đọc"
            f" xác suất {NEGATIVE}); tệp có {found}. Hãy đổi nhãn, hoặc học một mô hình --task topic.",
            file=sys.stderr,
        )
        print(rejects.summary(kept=len(rows)), file=sys.stderr)
        return EXIT_INPUT
    cls = TopicClassifier if args.task == "topic" else SentimentClassifier
    print(f"Huấn luyện mô hình {args.task} trên {len(rows)} dòng, {len(counts)} nhãn…", file=sys.stderr)
    texts = model_texts([r.text for r in rows])
    bar = None if args.no_progress else fit_progress_bar("Huấn luyện")
    model = cls(**_params(args)).fit(texts, [r.label for r in rows], progress=bar)
    seconds = time.perf_counter() - start
    facts = {
        "data": str(data),
        "rows": len(rows),
        "seconds": round(seconds, 1),
        **model.recipe(),
    }
    model.save(output, metadata=facts)
    print(f"Đã ghi mô hình {output} ({len(rows)} dòng, {len(counts)} nhãn, {seconds:.1f} s).")
    print(rejects.summary(kept=len(rows)))
    return EXIT_OK


def label_summary(counts: Counter[str]) -> str:
    """``"Nhãn (n): a 120, b 80, …"``, the labels found, most frequent first.

    Args:
        counts: Rows per label.

    Returns:
        One line for the user.
    """
    found = ", ".join(f"{label} {n}" for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"Nhãn ({len(counts)}): {found or 'không có'}"
