from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "supportal.channels.alerts"
    label = "alerts"
    verbose_name = "Monitoring alerts"
