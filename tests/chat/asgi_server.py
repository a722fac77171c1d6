"""Supportal's ASGI application (HTTP and the chat sockets) under uvicorn, in a thread of the test process,
on a free port of 127.0.0.1 — what `supportal serve` runs, sharing the test database like `live_server`.

Use with `@pytest.mark.django_db(transaction=True)`. The fixture stops the server after the test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from supportal.channels.chat.db import stop_pool
from tests.smtp_server import free_port

HOST = "127.0.0.1"


@dataclass
class AsgiServer:
    url: str
    ws_url: str
    server: uvicorn.Server


def start_asgi_server() -> tuple[AsgiServer, threading.Thread]:
    from supportal.asgi import application

    port = free_port()
    config = uvicorn.Config(
        application, host=HOST, port=port, log_level="warning", lifespan="off", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the ASGI test server did not start")
        time.sleep(0.02)
    return AsgiServer(f"http://{HOST}:{port}", f"ws://{HOST}:{port}/ws/chat/", server), thread


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[AsgiServer]:
    running, thread = start_asgi_server()
    try:
        yield running
    finally:
        running.server.should_exit = True
        thread.join(timeout=10)
        stop_pool()  # the chat's database threads, with the connections they keep
        _close_server_connections()


def _close_server_connections() -> None:
    """The server's request threads are gone but their PostgreSQL sessions linger until collected, and
    would keep the test database from being dropped: end them (this worker's database only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
