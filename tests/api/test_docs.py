"""The OpenAPI document and the browsable docs: complete, honest about errors, and fully offline."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import secret_for
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PATHS = {
    "/api/v1/organizations": {"get", "post"},
    "/api/v1/organizations/{organization_id}": {"get"},
    "/api/v1/organizations/{organization_id}/account-status": {"post"},
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{user_id}": {"get", "patch"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{token_id}": {"delete"},
    "/api/v1/config-items": {"get", "post"},
    "/api/v1/config-items/types": {"get"},
    "/api/v1/config-items/{config_item_id}": {"get", "patch"},
    "/api/v1/config-items/import": {"post"},
    "/api/v1/config-items/{config_item_id}/relations": {"get", "post"},
    "/api/v1/config-items/{config_item_id}/relations/{relation_id}": {"delete"},
    "/api/v1/on-call": {"get"},
    "/api/v1/chats": {"get"},
    "/api/v1/chats/{chat_id}": {"get"},
    "/api/v1/cases/{number}/pages": {"get"},
    "/api/v1/pages/{page_id}/acknowledge": {"post"},
    "/api/v1/catalog": {"get"},
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{number}": {"get"},
    "/api/v1/orders/{number}/tasks/{task_id}/complete": {"post"},
    "/api/v1/cases/{number}/approval": {"post"},
    "/api/v1/cases": {"get", "post"},
    "/api/v1/cases/{number}": {"get", "patch"},
    "/api/v1/cases/{number}/comments": {"get", "post"},
    "/api/v1/cases/{number}/attachments": {"get", "post"},
    "/api/v1/cases/{number}/attachments/{attachment_id}": {"get"},
    "/api/v1/cases/{number}/attachments/{attachment_id}/content": {"get"},
    "/api/v1/cases/{number}/events": {"get"},
    "/api/v1/cases/{number}/actions/{action}": {"post"},
    "/api/v1/cases/{number}/watchers": {"post"},
    "/api/v1/cases/{number}/watchers/{email}": {"delete"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/read": {"post"},
}
# Resources whose own tests pin their paths down (tests/channels/alerts, tests/webhooks).
ELSEWHERE = ("/api/v1/alerts/", "/api/v1/webhooks")


def ours(paths: dict[str, Any]) -> dict[str, set[str]]:
    return {path: set(ops) for path, ops in paths.items() if not path.startswith(ELSEWHERE)}


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_openapi_lists_every_path_with_its_errors(schema: dict[str, Any]) -> None:
    assert schema["info"]["title"] == "Supportal API"
    assert ours(schema["paths"]) == PATHS
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "413", "422", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            assert operation["security"] == [{"BearerTokenAuth": []}, {"SessionAuth": []}]
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"error", "detail", "fields"}
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer"}


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, ops in schema["paths"].items() for m, op in ops.items()]


def test_every_post_declares_the_idempotency_key_and_its_answers(schema: dict[str, Any]) -> None:
    """The middleware serves every POST: the document says so on each, new operations included."""
    posts = [(path, op) for method, path, op in operations(schema) if method == "post"]
    assert len(posts) >= 10
    for path, operation in posts:
        [key] = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert key["required"] is False and key["schema"]["maxLength"] == 255, path
        successes = [r for code, r in operation["responses"].items() if code.startswith("2")]
        assert successes, path
        for response in successes:
            assert response["headers"]["Idempotent-Replayed"]["schema"]["enum"] == ["true"], path
        conflict = operation["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
        assert "Retry-After" in conflict["headers"], path
    others = [p for m, _, op in operations(schema) if m != "post" for p in op.get("parameters", [])]
    assert "Idempotency-Key" not in {p["name"] for p in others}


def test_every_429_declares_retry_after(schema: dict[str, Any]) -> None:
    for method, path, operation in operations(schema):
        header = operation["responses"]["429"]["headers"]["Retry-After"]
        assert header["required"] is True and header["schema"]["type"] == "string", (method, path)


def test_cases_declare_their_version_etag_and_if_match(schema: dict[str, Any]) -> None:
    case = schema["paths"]["/api/v1/cases/{number}"]
    for method in ("get", "patch"):
        assert "ETag" in case[method]["responses"]["200"]["headers"], method
    [if_match] = [p for p in case["patch"]["parameters"] if p["in"] == "header"]
    assert if_match["name"] == "If-Match" and if_match["required"] is False
    case_out = schema["components"]["schemas"]["CaseOut"]
    assert "version" in case_out["required"] and case_out["properties"]["version"]["type"] == "string"


def test_the_document_is_the_same_every_time(schema: dict[str, Any]) -> None:
    """The headers are added to a fresh document on each request; nothing accumulates."""
    again = Client().get("/api/v1/openapi.json").json()
    assert again == schema


def test_docs_page_is_served_locally(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    for source in sources:
        assert Client().get(source).status_code == 200, source


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_run_in_a_browser_under_the_csp(story: Story, live_server: Any, page: Any) -> None:
    """Swagger UI renders every operation with no CSP violation, no request off this host, and its
    "Try it out" works with a bearer token."""
    violations: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    shown = {e.inner_text() for e in page.query_selector_all(".opblock-summary-path")}
    assert {s.replace("\u200b", "") for s in shown} >= set(PATHS)

    page.click("button.authorize")
    page.fill(".auth-container input[type=text], .auth-container input:not([type])", secret_for(story.dana))
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".btn-done")
    page.click("#operations-organizations-list_organizations .opblock-summary")
    page.click(".try-out__btn")
    page.click(".execute")
    status = page.wait_for_selector(".live-responses-table tbody .response-col_status")
    assert status.inner_text().strip().startswith("200")
    assert "Acme Corp" in page.inner_text(".live-responses-table tbody .response-col_description")
    assert violations == [] and foreign == []
