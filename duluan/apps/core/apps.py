from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "duluan.apps.core"
    label = "core"
