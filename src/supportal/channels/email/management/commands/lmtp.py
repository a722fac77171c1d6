"""`supportal lmtp --host 127.0.0.1 --port 8024`: an LMTP receiver a mail server delivers to.

Every message is stored raw before the mail server gets its answer (one per recipient): 250 once stored,
451 when it could not be (the server keeps it and retries), 552 when it is over SUPPORTAL_EMAIL_MAX_BYTES.
Runs until SIGTERM or SIGINT, and writes one line per message with its outcome.
"""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from supportal.channels.email.lmtp import lmtp_controller


class Command(BaseCommand):
    help = "Receive email over LMTP (RFC 2033) until stopped with Ctrl-C or SIGTERM."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8024, help="Port to listen on (default 8024).")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)

        connections.close_all()  # each delivery opens its own connection, in a worker thread
        controller = lmtp_controller(host, port, report=self._say)
        try:
            controller.start()
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port}: {error}") from error
        self._say(f"Supportal LMTP receiver on {host}:{port}. Ctrl-C or SIGTERM stops it.")
        try:
            while not stop.wait(timeout=1.0):
                pass
        finally:
            controller.stop()
        self._say("LMTP receiver stopped.")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
