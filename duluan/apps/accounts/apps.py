from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "duluan.apps.accounts"
    label = "accounts"
