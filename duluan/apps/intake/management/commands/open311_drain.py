from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Lưu các yêu cầu Open311 đang chờ thành tín hiệu dư luận (chạy định kỳ, ví dụ 5 phút một lần, "
        "để không yêu cầu nào nằm chờ khi tiến trình xử lý nền bị dừng giữa chừng), rồi xoá dấu máy gửi "
        "của các phản ánh qua biểu mẫu đã quá thời hạn chống gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Đưa vào hàng đợi tác vụ thay vì chạy ngay."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            from duluan.apps.intake.tasks import open311_pending_drain_task

            result = open311_pending_drain_task.enqueue()
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        from duluan.apps.intake.open311_queue import open311_pending_drain
        from duluan.apps.intake.retention import intake_retention_purge

        self.stdout.write(open311_pending_drain().summary())
        purged = intake_retention_purge()
        if purged:
            self.stdout.write(f"Đã xoá dữ liệu không còn cần đến của {purged} phản ánh, yêu cầu.")
