"""``duluan models``: build the shipped default models, or describe a model file.

Usage::

    duluan models build [--dir DIR] [--task topic|sentiment ...]
    duluan models info MODEL

``build`` trains the government-taxonomy topic model and the sentiment model from the shared
corpora (``../shared/data`` or ``DULUAN_DATA_DIR``) into DIR (default ``DULUAN_MODEL_DIR`` or
``var/models``) as ``topic.model`` and ``sentiment.model``, which ``duluan analyze`` loads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from duluan.commands._paths import unwritable

EXIT_OK, EXIT_PATH, EXIT_MODEL, EXIT_DATA = 0, 2, 3, 4
MODEL_DIR_ENV = "DULUAN_MODEL_DIR"  # read by duluan.analysis.pipeline.resolve_model_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``models`` sub-command."""
    parser = subparsers.add_parser(
        "models",
        help="Xây các mô hình mặc định hoặc xem thông tin tệp mô hình.",
        description=(
            "Xây mô hình chủ đề và sắc thái mặc định từ dữ liệu dùng chung (build), "
            "hoặc xem thông tin một tệp mô hình (info)."
        ),
    )
    sub = parser.add_subparsers(dest="models_command", metavar="LỆNH", required=True)
    build = sub.add_parser("build", help="Xây mô hình chủ đề và sắc thái mặc định từ dữ liệu dùng chung.")
    build.add_argument("--dir", help=f"Thư mục mô hình (mặc định ${MODEL_DIR_ENV} hoặc var/models).")
    build.add_argument("--task", action="append", choices=("topic", "sentiment"), help="Chỉ xây mô hình này.")
    build.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")
    build.set_defaults(
        handler=lambda a: build_default(
            a.task or ["topic", "sentiment"], folder=a.dir, progress=not a.no_progress
        )
    )
    info = sub.add_parser("info", help="Thông tin một tệp mô hình.")
    info.add_argument("model", help="Tệp mô hình.")
    info.set_defaults(handler=_info)


def build_default(
    tasks: list[str],
    *,
    folder: str | None = None,
    output: str | None = None,
    progress: bool = True,
    params: dict | None = None,
) -> int:
    """Build the default models; return an exit code.

    Args:
        tasks: ``topic`` and/or ``sentiment``.
        folder: Models folder (default :func:`duluan.analysis.pipeline.resolve_model_dir`).
        output: Exact file for a single task (overrides the folder).
        progress: Show progress on stderr.
        params: Classifier parameters to override.

    Returns:
        0 on success, 2 when ``output`` cannot be written, 4 when the shared data is absent.
    """
    from duluan.analysis.pipeline import resolve_model_dir
    from duluan.analysis.sentiment import DEFAULT_MODEL_SOURCE, build_default_sentiment_model
    from duluan.analysis.topic import GOVERNMENT_MODEL_SOURCE, build_government_topic_model
    from duluan.shared_data import SharedDataMissing

    target = resolve_model_dir(folder)
    if output and len(tasks) == 1:
        # Before the minutes of training, not after (a folder there failed once the model was built).
        problem = unwritable(Path(output), "tệp mô hình")
        if problem:
            print(f"Lỗi đường dẫn: {problem}", file=sys.stderr)
            return EXIT_PATH
    for task in tasks:
        path = Path(output) if output and len(tasks) == 1 else target / f"{task}.model"
        start = time.perf_counter()
        print(f"Đang xây mô hình {task}…", file=sys.stderr)
        try:
            if task == "topic":
                model = build_government_topic_model(progress=progress, **(params or {}))
                source = GOVERNMENT_MODEL_SOURCE
            else:
                model = build_default_sentiment_model(progress=progress, **(params or {}))
                source = DEFAULT_MODEL_SOURCE
        except SharedDataMissing as exc:
            print(f"Không xây được mô hình {task}: {exc}", file=sys.stderr)
            return EXIT_DATA
        seconds = time.perf_counter() - start
        model.save(
            path,
            metadata={
                "source": source,
                "seconds": round(seconds, 1),
                **model.recipe(),
            },
        )
        print(f"Đã ghi {path} ({len(model.classes_)} nhãn, {seconds:.1f} s).")
    return EXIT_OK


def _info(args: argparse.Namespace) -> int:
    from duluan.analysis.model_io import ModelFileError, read_model_info

    try:
        info = read_model_info(args.model)
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_MODEL
    print(f"Loại: {info.kind}  định dạng: {info.format_version}  phiên bản: {info.engine_version}")
    print(f"Tạo lúc: {info.created_at}  SHA-256: {info.sha256[:16]}…")
    print(f"Nhãn ({len(info.labels)}): {', '.join(info.labels)}")
    for key, value in info.metadata.items():
        print(f"{key}: {value}")
    return EXIT_OK
