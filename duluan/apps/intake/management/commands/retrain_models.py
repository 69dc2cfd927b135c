from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from duluan.apps.intake.models import ModelTask
from duluan.apps.intake.services import RETRAIN_TASKS


class Command(BaseCommand):
    help = (
        "Xây lại mô hình chủ đề và sắc thái, học thêm những gì cán bộ đã xác nhận hoặc sửa trên tín "
        "hiệu và vấn đề (chạy định kỳ, ví dụ mỗi đêm). Các tiến trình của nền tảng dùng mô hình mới từ "
        "lần phân tích kế tiếp."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--task",
            action="append",
            choices=RETRAIN_TASKS,
            help="Chỉ xây lại mô hình này (mặc định: cả hai).",
        )
        parser.add_argument("--dir", help="Thư mục mô hình (mặc định $DULUAN_MODEL_DIR hoặc var/models).")
        parser.add_argument(
            "--per-topic",
            type=int,
            default=3000,
            help="Số bài tối đa mỗi chủ đề lấy từ kho dữ liệu công khai (mặc định 3000).",
        )
        parser.add_argument(
            "--reanalyse",
            action="store_true",
            help="Xây xong thì đọc lại mọi tín hiệu đã lưu bằng mô hình mới (như lệnh reanalyse_signals).",
        )
        parser.add_argument(
            "--workers", type=int, default=1, help="Số tiến trình đọc lại, với --reanalyse (mặc định 1)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến trình.")

    def handle(self, *args, **options):
        from duluan.apps.intake.services import model_retrain
        from duluan.shared_data import SharedDataMissing

        if options["per_topic"] < 1:
            raise CommandError("--per-topic phải là số nguyên dương.")
        if options["workers"] < 1:
            raise CommandError("--workers phải là số nguyên dương.")
        for task in options["task"] or RETRAIN_TASKS:
            params = {"per_topic": options["per_topic"]} if task == "topic" else {}
            name = ModelTask(task).label.lower()
            self.stderr.write(f"Đang xây lại mô hình {name}…")
            try:
                done = model_retrain(
                    task, model_dir=options["dir"], progress=not options["no_progress"], **params
                )
            except SharedDataMissing as exc:
                raise CommandError(f"Không xây được mô hình {name}: {exc}") from exc
            self.stdout.write(
                f"Đã ghi {done.path}: {done.labels} nhãn, học {done.confirmations} xác nhận của cán bộ "
                f"({done.seconds:.1f} s)."
            )
        if options["reanalyse"]:
            # The stored signals' readings follow the new models (a built model reads new ones only).
            self.stderr.write("Đang đọc lại các tín hiệu đã lưu…")
            flags = ["--workers", str(options["workers"])]
            flags += ["--dir", options["dir"]] if options["dir"] else []
            flags += ["--no-progress"] if options["no_progress"] else []
            call_command("reanalyse_signals", *flags, stdout=self.stdout, stderr=self.stderr)
