from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "duluan.apps.campaigns"
    label = "campaigns"
