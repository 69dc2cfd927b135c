from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from duluan.apps.issues.services import issues_refresh_hotness


class Command(BaseCommand):
    help = (
        "Tính lại độ nóng, dự báo 7 ngày, đột biến và cảnh báo của các vấn đề "
        "(chạy định kỳ, ví dụ mỗi giờ; chạy lại không tạo cảnh báo trùng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Thời điểm tính (ISO 8601), mặc định là bây giờ.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Đưa vào hàng đợi tác vụ thay vì chạy ngay."
        )

    def handle(self, *args, **options):
        now = None
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"Thời điểm không hợp lệ: {options['now']!r}")
            from django.utils import timezone

            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if options["enqueue"]:
            from duluan.apps.issues.tasks import issues_refresh_hotness_task

            result = issues_refresh_hotness_task.enqueue(now.isoformat() if now else None)
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        self.stdout.write(issues_refresh_hotness(now=now).summary())
