from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "supportal.sla"
    label = "sla"
    verbose_name = "SLA"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportal.sla import notify  # noqa: F401  (domain-event subscribers: warnings and breaches)
