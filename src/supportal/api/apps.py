from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "supportal.api"
    label = "api"
    verbose_name = "API"
