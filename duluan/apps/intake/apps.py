from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "duluan.apps.intake"
    label = "intake"
