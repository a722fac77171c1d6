from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "supportal.escalation"
    label = "escalation"
    verbose_name = "On-call and paging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportal.escalation import subscribers  # noqa: F401  (urgent incidents page the on-call)
