"""`supportal demo` end to end: a real child process with its own data dir, the real web server and worker."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
from pathlib import Path

import pytest
import requests

from supportal.core.demo_data import DEMO_PASSWORD, demo_sign_ins
from tests.core.subprocesses import pid_alive, start, stop, supportal_env
from tests.notifications.smtp_sink import free_port

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the demo runs on its own SQLite database; tested once, in the SQLite pass",
)

READY_SECONDS = 180  # cold start compiles and migrates; generous for a loaded CI machine
STOP_SECONDS = 40
# Tables whose rows change by merely using the site (sessions, the sign-in throttle's cache).
VOLATILE_TABLES = {"django_session", "supportal_cache"}


def row_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608 - names from sqlite_master
            for t in tables
            if t not in VOLATILE_TABLES
        }


def run_demo(
    tmp_path: Path,
    data_dir: Path,
    *,
    sign_in: bool,
    stop_with: signal.Signals = signal.SIGINT,
    extra: tuple[str, ...] = (),
) -> str:
    """Start the demo, check it serves, maybe sign in, stop it (Ctrl-C); returns what it printed."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, output = start(["demo", "--port", str(port), *extra], supportal_env(data_dir), cwd=tmp_path)
    children: list[int] = []
    try:
        assert output.wait_for("is ready at", READY_SECONDS), output.text
        found = re.search(r"web server pid (\d+), worker pid (\d+)", output.text)
        assert found, output.text
        children = [int(found[1]), int(found[2])]
        assert all(pid_alive(pid) for pid in children)
        assert f"Supportal demo at {base}/" in output.text
        for person in demo_sign_ins():
            assert re.search(
                rf"{re.escape(person.email)}\s+{DEMO_PASSWORD}\s+{re.escape(person.role)}", output.text
            )

        with requests.Session() as browser:
            health = browser.get(f"{base}/healthz", timeout=10)
            assert (health.status_code, health.json()) == (
                200,
                {"status": "ok", "database": "ok", "jobs": "ok"},
            )
            css = browser.get(f"{base}/static/vendor/bootstrap-5.3.9/bootstrap.min.css", timeout=10)
            assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
            login = browser.get(f"{base}/accounts/login/", timeout=10)
            assert (
                login.status_code == 200 and "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in login.text
            )
            if sign_in:
                home = browser.post(
                    f"{base}/accounts/login/",
                    data={
                        "login": "alice@acme.example",
                        "password": DEMO_PASSWORD,
                        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                    },
                    headers={"Referer": f"{base}/accounts/login/"},
                    timeout=30,
                )
                assert home.status_code == 200 and home.url == f"{base}/", home.url
                assert "Welcome, Alice Novak" in home.text and "Acme Logistics" in home.text

        process.send_signal(stop_with)
        assert process.wait(timeout=STOP_SECONDS) == 0, output.text
        assert output.wait_for("Supportal stopped.", 5)
        assert not any(pid_alive(pid) for pid in children), output.text
        return output.text
    finally:
        stop(process)
        for pid in children:
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_demo_starts_serves_signs_in_stops_cleanly_and_loads_once(tmp_path):
    data_dir = tmp_path / "data"
    first = run_demo(tmp_path, data_dir, sign_in=True)
    assert "Demo data loaded." in first
    database = data_dir / "supportal.sqlite3"
    after_first = row_counts(database)
    assert after_first["audit_auditrecord"] > 0 and after_first["orgs_organisation"] == 3

    # Without the periodic jobs: the demo's SLA clocks run on, and a sweep may rightly mark a breach.
    second = run_demo(tmp_path, data_dir, sign_in=False, stop_with=signal.SIGTERM, extra=("--no-periodic",))
    assert "Demo data is there already; nothing changed." in second
    assert row_counts(database) == after_first


def test_demo_refuses_a_port_in_use(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, output = start(["demo", "--port", str(port)], supportal_env(tmp_path / "data"), cwd=tmp_path)
        try:
            assert process.wait(timeout=READY_SECONDS) != 0
            assert output.wait_for("try --port", 5), output.text
        finally:
            stop(process)
