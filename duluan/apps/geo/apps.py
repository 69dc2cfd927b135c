from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "duluan.apps.geo"
    label = "geo"
