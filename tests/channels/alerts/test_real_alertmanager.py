"""A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on loopback, wired to Supportal as
docs/alerts.md says: an alert posted to it opens an Incident on Acme's server, its repeat adds no case,
and its recovery resolves the case.

Without the binary the test skips, unless SUPPORTAL_REQUIRE_ALERTMANAGER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel, Priority
from supportal.channels.alerts.models import AlertState
from tests.api.conftest import secret_for
from tests.channels.alerts.conftest import Monitoring

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"

CONFIG = """\
route:
  receiver: supportal
  group_by: [alertname, instance]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: supportal
    webhook_configs:
      - url: {url}/api/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: {token}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"Gave up after {seconds} s waiting for {what}")


class Alertmanager:
    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, *alerts: dict[str, Any]) -> None:
        request = urllib.request.Request(
            f"{self.base}/api/v2/alerts",
            data=json.dumps(list(alerts)).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


@pytest.fixture
def alertmanager(tmp_path: Path, live_server: Any, monitoring: Monitoring) -> Iterator[Alertmanager]:
    if not os.path.exists(ALERTMANAGER):
        if os.environ.get("SUPPORTAL_REQUIRE_ALERTMANAGER") == "1":
            pytest.fail(f"{ALERTMANAGER} is missing and SUPPORTAL_REQUIRE_ALERTMANAGER=1")
        pytest.skip(f"{ALERTMANAGER} is not installed (apt-get install prometheus-alertmanager)")
    token = secret_for(monitoring.user, name="Alertmanager")
    config = tmp_path / "alertmanager.yml"
    config.write_text(CONFIG.format(url=live_server.url, token=token))
    port = free_port()
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "alertmanager.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            assert process.poll() is None, (tmp_path / "alertmanager.log").read_text()
            return False

    try:
        wait_for(ready, "Alertmanager to start", seconds=20)
        yield Alertmanager(base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(tmp_path / "data", ignore_errors=True)


def disk_full(**times: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": "DiskFull", "instance": "web-1.acme.example:9100", "severity": "critical"},
        "annotations": {"summary": "Disk /var is 97% full on web-1"},
        "generatorURL": "http://prometheus.acme.example/graph?g0.expr=disk",
        **times,
    }


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def test_alertmanager_opens_counts_and_resolves_an_incident(
    monitoring: Monitoring, alertmanager: Alertmanager
) -> None:
    monitoring.integration(resolve_on_recovery=True)
    started = datetime.now(UTC) - timedelta(minutes=1)
    alertmanager.post(disk_full(startsAt=iso(started)))

    case = wait_for(lambda: Case.objects.filter(channel=Channel.ALERT).first(), "the incident")
    assert case.organisation == monitoring.story.acme
    assert case.priority == Priority.P1  # severity critical
    assert case.config_item == monitoring.web_1  # instance web-1.acme.example:9100
    assert "DiskFull" in case.subject or "Disk /var" in case.subject

    # Alertmanager sends the same group again when it changes: a second alert in it is no new case.
    alertmanager.post(disk_full(startsAt=iso(started)))
    time.sleep(2.5)  # two group intervals: anything Alertmanager would send has been sent
    assert Case.objects.filter(channel=Channel.ALERT).count() == 1

    alertmanager.post(disk_full(startsAt=iso(started), endsAt=iso(datetime.now(UTC))))

    def resolved() -> bool:
        case.refresh_from_db()
        return bool(case.state == State.RESOLVED)

    wait_for(resolved, "the recovery to resolve the case")
    state = AlertState.objects.get(case=case)
    assert state.status == "resolved" and state.resolved_at is not None
    assert Case.objects.filter(channel=Channel.ALERT).count() == 1
