from django.core.management.base import BaseCommand

from duluan.apps.core.demo import demo_seed


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (đơn vị hành chính, cơ quan, tài khoản). Chạy nhiều lần không nhân đôi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--reload-units", action="store_true", help="Nạp lại đơn vị hành chính.")

    def handle(self, *args, **options):
        report = demo_seed(reload_units=options["reload_units"], progress=self.stdout.write)
        self.stdout.write(f"{report.agencies} cơ quan của tỉnh; {len(report.logins)} tài khoản mẫu.")
