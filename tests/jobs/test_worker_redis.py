"""`supportal worker` on Redis: a real consumer process delivers an outbox email over real SMTP."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess

import pytest
import redis

from tests.core.subprocesses import SUPPORTAL, start, stop, supportal_env
from tests.notifications.smtp_sink import smtp_server

REDIS_URL = "redis://127.0.0.1:6379/9"  # this test's own database number; only it is flushed
STARTUP_SECONDS = 180
DELIVERY_SECONDS = 120


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the worker runs on its own SQLite database; tested once, in the SQLite pass",
    ),
    pytest.mark.skipif(
        not redis_reachable() and os.environ.get("SUPPORTAL_REQUIRE_REDIS") != "1",
        reason="Redis is not running on 127.0.0.1:6379 (CI sets SUPPORTAL_REQUIRE_REDIS=1 to fail instead)",
    ),
]

SEND = """
from django.core.mail import send_mail
send_mail("Worker on Redis", "Delivered by a Huey consumer.", None, ["ops@globex.example"])
"""


def test_a_worker_on_redis_delivers_queued_email_over_smtp(tmp_path):
    store = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    store.flushdb()
    database = tmp_path / "supportal.sqlite3"
    with smtp_server() as inbox:
        env = supportal_env(
            tmp_path / "data",
            DATABASE_URL=f"sqlite:///{database}",
            REDIS_URL=REDIS_URL,
            EMAIL_URL=f"smtp://127.0.0.1:{inbox.port}",
        )
        subprocess.run(
            [str(SUPPORTAL), "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=tmp_path,
            check=True,
            timeout=STARTUP_SECONDS,
        )
        worker, output = start(["worker", "--workers", "2"], env, cwd=tmp_path)
        try:
            assert output.wait_for("queue on Redis", STARTUP_SECONDS), output.text
            # Another process (as a web request would) writes the outbox row; its job goes to Redis on commit.
            subprocess.run(
                [str(SUPPORTAL), "shell", "-c", SEND],
                env=env,
                cwd=tmp_path,
                check=True,
                timeout=STARTUP_SECONDS,
            )
            assert inbox.wait_for(1, DELIVERY_SECONDS), output.text
            got = inbox.received[0]
            assert got.rcpt_tos == ["ops@globex.example"]
            assert got.message["Subject"] == "Worker on Redis"

            worker.send_signal(signal.SIGINT)
            assert worker.wait(timeout=60) == 0, output.text
            assert output.wait_for("Consumer exiting", 5), output.text
        finally:
            stop(worker)
            store.flushdb()
            store.close()
    with sqlite3.connect(database, timeout=20) as db:
        assert db.execute("SELECT status, attempts FROM notifications_outboundemail").fetchall() == [
            ("sent", 1)
        ]
