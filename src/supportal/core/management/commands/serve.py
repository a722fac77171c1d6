"""`supportal serve`: the web application under gunicorn (web only; jobs run in `supportal worker`).

The same as `gunicorn supportal.wsgi --bind HOST:PORT --workers N --threads N`, which production may run
directly. Static files are served by the application (whitenoise), so nothing else is needed.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

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
    help = "Serve the web application with gunicorn (production may run `gunicorn supportal.wsgi` instead)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--workers", type=int, default=1, help="Worker processes (default 1).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker process (default 4).")
        parser.add_argument("--access-log", action="store_true", help="Log every request to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        gunicorn_options: dict[str, Any] = {
            "bind": [bind],
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread",
            "graceful_timeout": 10,
            "timeout": 60,
            "proc_name": "supportal-web",
            "control_socket_disable": True,  # no shared ~/.gunicorn/gunicorn.ctl between instances
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
        }
        connections.close_all()  # never share a database connection with forked workers
        SupportalApplication(gunicorn_options).run()
