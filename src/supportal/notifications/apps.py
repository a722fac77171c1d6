from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "supportal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
