from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "duluan.apps.plans"
    label = "plans"
