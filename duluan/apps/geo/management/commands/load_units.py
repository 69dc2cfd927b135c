from django.core.management.base import BaseCommand

from duluan.apps.geo.services import units_load


class Command(BaseCommand):
    help = "Nạp (hoặc cập nhật) toàn bộ đơn vị hành chính Việt Nam của cả hai hệ thống."

    def handle(self, *args, **options):
        report = units_load()
        self.stdout.write(
            f"{report.units} đơn vị, {report.successions} liên kết kế thừa "
            f"({report.created_units} đơn vị mới)."
        )
