"""The chat's socket route, mounted by `supportal.asgi`."""

from typing import Any

from django.urls import path

from supportal.channels.chat.consumers import ChatConsumer

websocket_urlpatterns: list[Any] = [path("ws/chat/", ChatConsumer.as_asgi())]  # type: ignore[arg-type]
