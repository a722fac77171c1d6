from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "supportal.catalog"
    label = "catalog"
    verbose_name = "Service catalog, orders and approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from supportal.catalog import subscribers  # noqa: F401  (an order's status follows its case)
