from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "supportal.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from supportal.notifications import case_emails  # noqa: F401  (domain-event subscribers)
