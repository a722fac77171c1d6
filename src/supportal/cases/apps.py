from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "supportal.cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportal.cases import subscribers  # noqa: F401  (domain-event subscribers)
