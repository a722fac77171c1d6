from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "supportal.web"
    label = "web"
    verbose_name = "Portal"
