from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "supportal.audit"
    label = "audit"
    verbose_name = "Audit"
