from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "duluan.apps.audit"
    label = "audit"
