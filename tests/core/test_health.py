"""GET /healthz: 200 when the database and the job queue answer, 503 naming the part that does not."""

from __future__ import annotations

import pytest
from huey import RedisHuey

from tests.notifications.smtp_sink import free_port

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "jobs": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_job_store_down_answers_503_naming_it(client, monkeypatch):
    # A real Redis client pointed at a loopback port where nothing listens: connecting is refused at once.
    unreachable = RedisHuey("supportal-health-test", host="127.0.0.1", port=free_port(), socket_timeout=2)
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "jobs": "down"}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
