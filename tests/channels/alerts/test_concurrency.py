"""Alertmanager retries, and several Alertmanagers in a cluster each send the same notification: the
same alert arriving on several connections at once still makes one case, and every delivery counts.

Real HTTP to the live server, one thread per delivery, all released together. On PostgreSQL the second
inserter of the open state waits for the first and then counts on its case; SQLite has one writer."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any

import pytest

from supportal.cases.models import Case
from supportal.channels.alerts.models import AlertPayload, AlertState
from tests.channels.alerts.conftest import Monitoring, raw

DELIVERIES = 8


def deliver_at_once(url: str, token: str, bodies: list[bytes]) -> list[tuple[int, Any]]:
    start = threading.Barrier(len(bodies))
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def post(body: bytes) -> None:
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        start.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            answer = (error.code, error.read().decode())
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


@pytest.fixture
def token(monitoring: Monitoring) -> str:
    from tests.api.conftest import secret_for

    return secret_for(monitoring.user, name="concurrency")


@pytest.mark.django_db(transaction=True)
def test_the_same_alert_delivered_at_once_makes_one_case(
    monitoring: Monitoring, token: str, live_server: Any
) -> None:
    url = f"{live_server.url}/api/v1/alerts/alertmanager"
    answers = deliver_at_once(url, token, [raw("alertmanager_firing")] * DELIVERIES)
    assert [status for status, _ in answers] == [200] * DELIVERIES, answers
    outcomes = sorted(body["results"][0]["outcome"] for _, body in answers)
    assert outcomes == ["created"] + ["updated"] * (DELIVERIES - 1)
    assert len({body["results"][0]["case"] for _, body in answers}) == 1
    assert Case.objects.count() == 1
    state = AlertState.objects.get()
    assert (state.is_open, state.firing_count) == (True, DELIVERIES)
    assert AlertPayload.objects.count() == DELIVERIES


@pytest.mark.django_db(transaction=True)
def test_grouped_notifications_at_once_make_one_case_per_alert(
    monitoring: Monitoring, token: str, live_server: Any
) -> None:
    url = f"{live_server.url}/api/v1/alerts/alertmanager"
    answers = deliver_at_once(url, token, [raw("alertmanager_grouped")] * 4)
    assert [status for status, _ in answers] == [200] * 4, answers
    assert Case.objects.count() == 3
    assert sorted(AlertState.objects.values_list("firing_count", flat=True)) == [4, 4, 4]
