"""The alert webhooks in the OpenAPI document: the three paths, the bodies they accept (read by the
operation itself, so declared by hand) and the errors they answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

PATHS = {
    "/api/v1/alerts/alertmanager": "AlertmanagerPayload",
    "/api/v1/alerts/grafana": "GrafanaPayload",
    "/api/v1/alerts/generic": "GenericPayload",
}


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    document: dict[str, Any] = Client().get("/api/v1/openapi.json").json()
    return document


def test_the_three_webhooks_are_documented_with_their_bodies_and_errors(schema: dict[str, Any]) -> None:
    alerts = {path: set(ops) for path, ops in schema["paths"].items() if path.startswith("/api/v1/alerts")}
    assert alerts == {path: {"post"} for path in PATHS}
    for path, title in PATHS.items():
        operation = schema["paths"][path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert operation["requestBody"]["required"] is True
        assert body["title"] == title and "$defs" not in str(body) and "$ref" not in str(body)
        assert "alerts" in body["required"] and body["properties"]["alerts"]["minItems"] == 1
        assert {"200", "400", "401", "403", "413", "422", "429"} <= set(operation["responses"]), path
        assert operation["security"] == [{"BearerTokenAuth": []}, {"SessionAuth": []}]
    alertmanager = schema["paths"]["/api/v1/alerts/alertmanager"]["post"]["requestBody"]
    version = alertmanager["content"]["application/json"]["schema"]["properties"]["version"]
    assert version["const"] == "4"
    result = schema["components"]["schemas"]["AlertResultOut"]["properties"]["outcome"]
    outcomes = {"created", "updated", "reopened", "resolved", "recovered", "ignored", "failed"}
    assert set(result["enum"]) == outcomes
