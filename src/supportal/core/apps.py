from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "supportal.core"
    label = "core"
