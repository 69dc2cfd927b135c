from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "duluan.apps.surveys"
    label = "surveys"
