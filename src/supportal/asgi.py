"""ASGI entry point: `uvicorn supportal.asgi:application` (what `supportal serve` runs).

HTTP goes to Django as under WSGI; WebSockets (`/ws/chat/`) to the chat consumer, after the Origin is
checked against ALLOWED_HOSTS and the session cookie read. With `REDIS_URL` set the channel layer is
Redis and any number of ASGI processes may serve sockets; without it the layer lives in memory, so one
ASGI process serves everything (the embedded default).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportal.settings")
django_application = get_asgi_application()  # before importing anything that touches models

from django.db import connections  # noqa: E402

# Under ASGI every request's view runs in a thread of its own, and a connection kept for the next request
# (CONN_MAX_AGE) would stay open with its dead thread until collected: PostgreSQL soon refuses new
# clients. So HTTP requests close theirs; the chat's socket threads keep theirs (channels/chat/db.py).
for alias in connections:
    connections.settings[alias]["CONN_MAX_AGE"] = 0

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from supportal.channels.chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
