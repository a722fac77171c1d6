from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "supportal.accounts"
    label = "accounts"
    verbose_name = "Accounts"
