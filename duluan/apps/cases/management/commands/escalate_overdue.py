from django.core.management.base import BaseCommand

from duluan.apps.cases.services.escalation import cases_escalate_overdue


class Command(BaseCommand):
    help = (
        "Báo hồ sơ quá hạn: lần đầu cho lãnh đạo cơ quan chủ trì, sau đó cho điều phối viên. "
        "Chạy hằng ngày (cron); chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Đưa vào hàng đợi tác vụ thay vì chạy ngay."
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            from duluan.apps.cases.tasks import cases_escalate_overdue as escalate_task

            result = escalate_task.enqueue()
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        self.stdout.write(cases_escalate_overdue().summary())
