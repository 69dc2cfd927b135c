from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from duluan.apps.intake.models import Channel


class Command(BaseCommand):
    help = (
        "Đọc lại các tín hiệu đã lưu bằng mô hình hiện có (sau khi xây lại mô hình): chủ đề, sắc "
        "thái và mức độ bức xúc; giữ nguyên những gì cán bộ đã xác nhận, rồi đếm lại các vấn đề và "
        "tính lại độ nóng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="Chỉ các tín hiệu phát sinh từ ngày/thời điểm này (01/07/2025, 2025-07-01T08:00…).",
        )
        parser.add_argument(
            "--channel", action="append", choices=Channel.values, help="Chỉ kênh này (có thể lặp lại)."
        )
        parser.add_argument(
            "--fallback-only",
            action="store_true",
            help="Chỉ các tín hiệu trước đây được đọc bằng từ khoá (khi chưa có mô hình).",
        )
        parser.add_argument(
            "--allow-fallback",
            action="store_true",
            help="Vẫn đọc lại khi chưa có mô hình (bằng từ khoá của danh mục chủ đề).",
        )
        parser.add_argument("--workers", type=int, default=1, help="Số tiến trình phân tích (mặc định 1).")
        parser.add_argument("--dir", help="Thư mục mô hình (mặc định $DULUAN_MODEL_DIR hoặc var/models).")
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")

    def handle(self, *args, **options):
        from duluan.apps.intake.imports import print_progress_bar
        from duluan.apps.intake.reanalysis import signals_reanalyse
        from duluan.apps.intake.services import IntakeError

        if options["workers"] < 1:
            raise CommandError("--workers phải là số nguyên dương.")
        since = _moment(options["since"]) if options["since"] else None
        bar, update = (None, None) if options["no_progress"] else print_progress_bar(" tín hiệu")
        try:
            result = signals_reanalyse(
                since=since,
                channels=options["channel"] or (),
                fallback_only=options["fallback_only"],
                allow_fallback=options["allow_fallback"],
                workers=options["workers"],
                model_dir=options["dir"],
                progress=update,
            )
        except IntakeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(result.summary())


def _moment(value: str) -> datetime:
    """As an import reads a moment (``dd/mm/yyyy``, ISO 8601…; Vietnam time when none is given)."""
    from duluan.apps.intake.importers import parse_when

    try:
        moment = parse_when(value)
    except (TypeError, ValueError, IndexError):  # as the import's converter: no such day or time
        moment = None
    if moment is None:
        raise CommandError(f"Thời điểm không hợp lệ: {value!r} (ví dụ 01/07/2025 hoặc 2025-07-01T08:00).")
    return moment
