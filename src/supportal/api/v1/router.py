"""The REST API, version 1: /api/v1/. Each resource lives in its own module and is mounted here.

Every operation needs a caller (a session or a bearer token), is throttled per caller, and answers
errors in one JSON shape (see errors.py). The OpenAPI document is /api/v1/openapi.json, the browsable
docs /api/v1/docs (served from our own static files).

Retries and concurrent changes:
- Any POST may carry `Idempotency-Key: <1-255 printable ASCII>`: a retry with the same key, caller and body
  gets the first answer again (`Idempotent-Replayed: true`) and creates nothing; the key on a different
  request is 422 `idempotency_key_reused`; while the first is still running, 409
  `idempotency_key_in_progress`. Server errors are not kept, so they may be retried; keys last a day.
  See supportal/api/idempotency.py (a middleware: ninja cannot declare a header on every operation).
- `GET /cases/{number}` and `PATCH /cases/{number}` answer an `ETag` (and the case's JSON its `version`); a
  PATCH with `If-Match` changes a case only if nobody changed it since it was read, else 409 `conflict`
  (cases/etags.py).

The OpenAPI document says all of this: SupportalApi.get_openapi_schema adds what ninja cannot declare per
operation (the middleware's header on every POST, the 409 it may answer, Retry-After on every 429,
Idempotent-Replayed on a POST's successes), so a client generated from it, and the fuzz tests, know.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import register_converter
from ninja import NinjaAPI, Router
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from supportal.api import idempotency
from supportal.api.v1 import (
    alerts,
    cases,
    catalog,
    chats,
    config_items,
    notifications,
    on_call,
    orders,
    organizations,
    tokens,
    users,
    webhooks,
)
from supportal.api.v1.auth import ApiRateThrottle, BearerTokenAuth, SessionAuth
from supportal.api.v1.errors import install_error_handlers
from supportal.api.v1.parsing import StrictParser

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a retried POST safe: the same key with the same body answers the first result "
    "again and creates nothing twice (kept 24 hours).",
    # What the middleware accepts (idempotency.key_problem): printable ASCII, no space at either end.
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.KEY_MAX,
        "pattern": idempotency.KEY_PATTERN,
    },
}
REPLAYED_HEADER: dict[str, Any] = {
    "description": "`true` when this is the stored answer to an earlier request with the same "
    "Idempotency-Key (nothing was done again).",
    "schema": {"type": "string", "enum": ["true"]},
}
RETRY_AFTER_HEADER: dict[str, Any] = {
    "description": "Seconds to wait before trying again.",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
KEY_IN_PROGRESS: dict[str, Any] = {
    "description": "`idempotency_key_in_progress`: a request with this Idempotency-Key is still running "
    "(retry after Retry-After); or the operation's own conflict.",
    "content": {"application/json": {"schema": ERROR_SCHEMA}},
}


class SupportalApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`list_organizations`, not `supportal_api_v1_organizations_list_organizations`: view names are
        unique across the API's modules."""
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                declare_headers(method, operation)
        return schema


def declare_headers(method: str, operation: dict[str, Any]) -> None:
    """What the middleware and the error handlers add to every operation, in its OpenAPI description.
    Parts of the document may be shared with openapi_extra constants: only ever replaced, never mutated."""
    responses: dict[Any, dict[str, Any]] = operation["responses"]
    for status, response in responses.items():
        if int(status) == 429:
            response["headers"] = {**response.get("headers", {}), "Retry-After": RETRY_AFTER_HEADER}
    if method.lower() != "post":
        return
    operation["parameters"] = [*operation.get("parameters", []), IDEMPOTENCY_KEY_PARAMETER]
    for status, response in responses.items():
        if 200 <= int(status) < 300:
            response["headers"] = {
                **response.get("headers", {}),
                idempotency.REPLAYED_HEADER: REPLAYED_HEADER,
            }
    statuses = {int(status): status for status in responses}
    if 409 not in statuses:
        responses[409] = KEY_IN_PROGRESS
    conflict = responses[statuses.get(409, 409)]
    conflict["headers"] = {
        **conflict.get("headers", {}),
        "Retry-After": {**RETRY_AFTER_HEADER, "required": False},
    }


api = SupportalApi(
    title="Supportal API",
    version="1.0.0",
    description=(
        "Authenticate with a session (send X-CSRFToken on unsafe methods) or `Authorization: Bearer "
        "<token>`. Errors are JSON: {error, detail, fields}. Lists are paginated by cursor. Any POST may "
        "send `Idempotency-Key` (1-255 printable ASCII characters): retried with the same key and body, it "
        "answers the first result again (header `Idempotent-Replayed: true`) and creates nothing; the key "
        "on a different request is 422 `idempotency_key_reused`, while the first still runs 409 "
        "`idempotency_key_in_progress`; server errors are not kept; keys last 24 hours. Cases answer an "
        "`ETag`; send it as `If-Match` on PATCH and a case changed meanwhile is 409 `conflict`."
    ),
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), SessionAuth()],
    throttle=[ApiRateThrottle()],
    parser=StrictParser(),
)
install_error_handlers(api)

api.add_router("/organizations", organizations.router)
api.add_router("/users", users.router)
api.add_router("/tokens", tokens.router)
api.add_router("/config-items", config_items.router)
api.add_router("/cases", cases.router)
api.add_router("/notifications", notifications.router)
api.add_router("/alerts", alerts.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/catalog", catalog.router)
api.add_router("", orders.router)  # /orders, /orders/{number}/tasks/..., /cases/{number}/approval
api.add_router("", chats.router)  # /chats, /chats/{chat_id}
api.add_router("", on_call.router)  # /on-call, /cases/{number}/pages, /pages/{page_id}/acknowledge


class AnyPathConverter:
    """Like Django's `path`, but a newline (%0A) matches too: `.+` stops at one, and the portal's HTML
    404 answered."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnyPathConverter, "anypath")

# Last: any other path under /api/v1/ answers the JSON 404, not the portal's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{anypath:rest}", auth=None, include_in_schema=False
)
def no_such_endpoint(request: HttpRequest, rest: str) -> None:
    raise Http404(rest)


api.add_router("", fallback)
