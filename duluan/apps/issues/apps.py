from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "duluan.apps.issues"
    label = "issues"
