"""`supportal demo`: the whole of Supportal on one machine with no other services.

Creates or upgrades the database (SQLite in $SUPPORTAL_DATA_DIR unless DATABASE_URL says otherwise), loads
the demo story (idempotent), then runs `supportal serve` and `supportal worker` as child processes, waits
until the web server answers /healthz, and prints the URL and every demo sign-in. Ctrl-C (SIGINT) or
SIGTERM stops both children cleanly and exits 0; if a child dies, the other is stopped and the exit is 1.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from supportal.core.demo_data import DEMO_PASSWORD, demo_sign_ins, demo_virtual_users, load_demo_data

READY_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


class Command(BaseCommand):
    help = "Start Supportal with demo data: database, web server and worker together. Ctrl-C stops it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port of the web server (default 8000).")
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Run jobs but not the periodic ones (SLA sweep, auto-close, mail polling).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        host, port = options["host"], options["port"]
        _check_port_free(host, port)
        self._say(f"Preparing the database ({_database_label()}) ...")
        call_command("migrate", interactive=False, verbosity=0)
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)
        loaded = load_demo_data()
        self._say("Demo data loaded." if loaded else "Demo data is there already; nothing changed.")
        connections.close_all()

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        env = _child_env(host, port)
        command = [sys.executable, "-m", "supportal.cli"]
        children: dict[str, subprocess.Popen[bytes]] = {}
        exit_code = 0
        try:
            # Own process groups: a terminal's Ctrl-C reaches only this process, which stops them in order.
            children["web server"] = subprocess.Popen(  # noqa: S603 - our own command line
                [*command, "serve", "--host", host, "--port", str(port)],
                env=env,
                process_group=0,
            )
            children["worker"] = subprocess.Popen(  # noqa: S603 - our own command line
                [
                    *command, "worker", "--shutdown-timeout", "10",
                    *(["--no-periodic"] if options["no_periodic"] else []),
                ],
                env=env, process_group=0,
            )  # fmt: skip
            base_url = f"http://{_display_host(host)}:{port}"
            if self._wait_ready(f"http://{_connect_host(host)}:{port}/healthz", children, stop):
                self._banner(base_url, children, time.monotonic() - started)
                exit_code = self._run_until_stopped(children, stop)
            elif not stop.is_set():
                exit_code = 1
        finally:
            _stop_children(children)
        self._say("Supportal stopped.")
        if exit_code:
            raise SystemExit(exit_code)

    def _run_until_stopped(self, children: dict[str, subprocess.Popen[bytes]], stop: threading.Event) -> int:
        while not stop.is_set():
            died = [name for name, child in children.items() if child.poll() is not None]
            if died:
                self.stderr.write(f"The {' and the '.join(died)} stopped unexpectedly; stopping Supportal.")
                return 1
            stop.wait(0.5)
        self._say("Stopping the web server and the worker ...")
        return 0

    def _wait_ready(
        self, url: str, children: dict[str, subprocess.Popen[bytes]], stop: threading.Event
    ) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and not stop.is_set():
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} exited with status {child.returncode} while starting.")
                    return False
            if _healthy(url):
                return True
            stop.wait(0.2)
        if not stop.is_set():
            self.stderr.write(f"Supportal did not answer {url} within {READY_TIMEOUT:.0f} s.")
        return False

    def _banner(self, base_url: str, children: dict[str, subprocess.Popen[bytes]], seconds: float) -> None:
        sign_ins = demo_sign_ins()
        width = max(len(s.email) for s in sign_ins)
        lines = [
            "",
            f"Supportal demo at {base_url}/",
            f"  data: {settings.DATA_DIR} ({_database_label()})",
            f"  outgoing email: {settings.EMAIL_URL or 'console:'}",
            f"  web server pid {children['web server'].pid}, worker pid {children['worker'].pid}",
            "",
            f"Demo sign-ins (every password is {DEMO_PASSWORD}):",
            *(f"  {s.email:<{width}}  {DEMO_PASSWORD}  {s.role} ({s.name})" for s in sign_ins),
            "",
            "Virtual users (cases filed on an organisation's behalf; they do not sign in):",
            *(f"  {email:<{width}}  {organisation}" for email, organisation in demo_virtual_users()),
            "",
            f"Supportal is ready at {base_url}/ (started in {seconds:.1f} s). Press Ctrl-C to stop.",
        ]
        self._say("\n".join(lines))

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


def _database_label() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"SQLite {database['NAME']}"
    return f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('NAME', '')}"


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port} ({error.strerror}); try --port.") from error


def _connect_host(host: str) -> str:
    if host in {"", "0.0.0.0"}:  # noqa: S104 - only mapped to loopback for the readiness probe
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _display_host(host: str) -> str:
    return _connect_host(host) if host in {"", "0.0.0.0", "::"} else (f"[{host}]" if ":" in host else host)  # noqa: S104


def _child_env(host: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "supportal.settings")
    env["SUPPORTAL_DATA_DIR"] = str(settings.DATA_DIR)
    env.setdefault("EMAIL_URL", "console:")
    env.setdefault("SUPPORTAL_BASE_URL", f"http://{_display_host(host)}:{port}")
    env.setdefault("PYTHONUNBUFFERED", "1")
    if host not in settings.ALLOWED_HOSTS and host not in {"", "0.0.0.0", "::"}:  # noqa: S104
        env["SUPPORTAL_ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, host])
    return env


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
            return bool(response.status == 200 and json.load(response).get("status") == "ok")
    except (OSError, urllib.error.URLError, ValueError):
        return False


def _stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    """uvicorn stops gracefully on SIGTERM, the Huey consumer on SIGINT; both are killed after a bound."""
    graceful = {"web server": signal.SIGTERM, "worker": signal.SIGINT}
    for name, child in children.items():
        if child.poll() is None:
            child.send_signal(graceful.get(name, signal.SIGTERM))
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=5)
