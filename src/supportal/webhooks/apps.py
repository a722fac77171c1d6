from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "supportal.webhooks"
    label = "webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self) -> None:
        from supportal.webhooks import dispatch  # noqa: F401  (domain-event subscribers)
