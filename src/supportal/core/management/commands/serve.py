"""`supportal serve`: the web application, web only (jobs run in `supportal worker`).

- `--server asgi` (the default): uvicorn serving `supportal.asgi` — every page, the API and the chat's
  WebSockets. Without `REDIS_URL` the chat's channel layer lives in memory, so it runs one process;
  with Redis, `--workers N` processes share it. The same as `uvicorn supportal.asgi:application`.
- `--server wsgi`: gunicorn with gthread workers serving `supportal.wsgi` — pages and the API, no
  sockets (the chat bubble then polls over HTTP; give sockets an ASGI process beside it, and Redis).
  The same as `gunicorn supportal.wsgi --bind HOST:PORT --workers N --threads N`.

Static files are served by the application (whitenoise), so nothing else is needed.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication


class SupportalApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code, serving Supportal's WSGI application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return get_wsgi_application()


class Command(BaseCommand):
    help = "Serve the web application: uvicorn (ASGI: pages, API and chat sockets) or gunicorn (WSGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument(
            "--server", choices=["asgi", "wsgi"], default="asgi",
            help="asgi: uvicorn, with the chat's WebSockets (default); wsgi: gunicorn gthread, no sockets.",
        )  # fmt: skip
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (default 1).")
        parser.add_argument("--threads", type=int, default=None, help="wsgi only: threads per worker (4).")
        parser.add_argument("--access-log", action="store_true", help="Log every request to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or (options["threads"] is not None and options["threads"] < 1):
            raise CommandError("--workers and --threads must be at least 1.")
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        connections.close_all()  # never share a database connection with forked workers
        if options["server"] == "wsgi":
            self._gunicorn(options)
        else:
            self._uvicorn(options)

    def _uvicorn(self, options: dict[str, Any]) -> None:
        import uvicorn

        if options["threads"] is not None:
            raise CommandError(
                "--threads is for --server wsgi (uvicorn runs each request in its own thread)."
            )
        if options["workers"] > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several ASGI workers need REDIS_URL: the chat's channel layer is in memory without it."
            )
        uvicorn.run(
            "supportal.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            ws="websockets-sansio",
            lifespan="off",
            access_log=options["access_log"],
            log_level="info",
            timeout_graceful_shutdown=10,
            proxy_headers=False,
        )

    def _gunicorn(self, options: dict[str, Any]) -> None:
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        gunicorn_options: dict[str, Any] = {
            "bind": [bind],
            "workers": options["workers"],
            "threads": options["threads"] or 4,
            "worker_class": "gthread",
            "graceful_timeout": 10,
            "timeout": 60,
            "proc_name": "supportal-web",
            "control_socket_disable": True,  # no shared ~/.gunicorn/gunicorn.ctl between instances
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
        }
        SupportalApplication(gunicorn_options).run()
