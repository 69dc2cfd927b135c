from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "duluan.apps.reports"
    label = "reports"
