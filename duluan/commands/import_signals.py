"""``duluan import FILE --channel …``: bulk import of signals, all or nothing, with a rejects report."""

from __future__ import annotations

import argparse
import sys

from duluan.analysis.runtime import default_workers
from duluan.commands import django_setup
from duluan.commands._args import positive_int

CHANNELS = ("hotline", "voter_meeting", "news", "social", "email", "other")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="nhập tín hiệu dư luận từ tệp CSV, XLSX, JSONL hoặc RSS/Atom",
        description=(
            "Nhập một tệp vào cơ sở dữ liệu: phân tích từng dòng, gom vào vấn đề, ghi báo cáo dòng bị loại. "
            "Cả tệp nằm trong một giao dịch: lỗi giữa chừng thì không ghi gì. "
            "Nhập lại cùng tệp không thêm gì."
        ),
    )
    parser.add_argument("file", help="tệp .csv, .xlsx, .jsonl, .rss/.atom/.xml")
    parser.add_argument("--channel", required=True, choices=CHANNELS, help="kênh tiếp nhận")
    parser.add_argument(
        "--map",
        dest="mapping",
        default="",
        help="ánh xạ cột: text=noi_dung,created_at=ngay,title=tieu_de,id=ma,unit=ma_xa,"
        "meeting=ky_hop,deputy_group=to_dai_bieu,petitioners_unit=don_vi_cu_tri,…",
    )
    parser.add_argument("--format", dest="fmt", choices=("csv", "xlsx", "jsonl", "feed"), help="ép định dạng")
    parser.add_argument("--source", default="", help="tên nguồn cho các dòng không ghi nguồn")
    parser.add_argument("--rejects", help="tệp báo cáo dòng bị loại (mặc định FILE.rejects.csv)")
    parser.add_argument(
        "--batch-size", type=positive_int, default=2000, help="số dòng mỗi lô (mặc định 2000)"
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=default_workers(),
        help="số tiến trình phân tích (mặc định 2)",
    )
    parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    parser.add_argument(
        "--settings", default=None, help="mô-đun cấu hình Django (mặc định duluan.config.settings.local)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    django_setup(args.settings)
    from duluan.analysis.runtime import batch_gc
    from duluan.apps.intake.importers import ImportFileError, parse_mapping
    from duluan.apps.intake.imports import print_progress_bar, signals_import_file
    from duluan.apps.intake.services import IntakeError

    bar, update = (None, None) if args.no_progress else print_progress_bar()
    try:
        with batch_gc():
            report = signals_import_file(
                path=args.file,
                channel=args.channel,
                mapping=parse_mapping(args.mapping),
                fmt=args.fmt,
                source=args.source,
                rejects_path=args.rejects,
                batch_size=args.batch_size,
                workers=args.workers,
                progress=update,
            )
    except (ImportFileError, IntakeError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"Lỗi khi nhập, không có dữ liệu nào được ghi: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    print(f"Tệp: {report.file}")
    print(f"Số dòng đọc: {report.rows}")
    print(f"Đã thêm: {report.created}")
    print(f"Đã có từ trước (bỏ qua): {report.duplicates}")
    print(f"Bị loại: {report.rejected}")
    if report.converted:
        print(f"Gõ bằng phông chữ cũ (TCVN3, VNI), đã chuyển sang Unicode: {report.converted}")
    if report.rejects_path:
        print(f"Báo cáo dòng bị loại: {report.rejects_path}")
    if report.analysis_mode == "fallback":
        from duluan.apps.intake.analysis import FALLBACK_NOTE

        print(f"Lưu ý: {FALLBACK_NOTE}")
    print(f"Thời gian: {report.seconds:.1f} s")
    return 0
