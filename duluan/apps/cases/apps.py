from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "duluan.apps.cases"
    label = "cases"
