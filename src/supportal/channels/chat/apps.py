from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "supportal.channels.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from supportal.channels.chat import receivers  # noqa: F401 - connects the signal receivers
