from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "supportal.channels.email"
    label = "mail"
    verbose_name = "Email channel"
