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
- `GET /cases/{number}` and `PATCH /cases/{number}` answer an `ETag`; a PATCH with `If-Match` changes a
  case only if nobody changed it since it was read, else 409 `conflict` (cases/etags.py).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router
from ninja.operation import Operation

from supportal.api.v1 import cases, config_items, notifications, organizations, tokens, users
from supportal.api.v1.auth import ApiRateThrottle, BearerTokenAuth, SessionAuth
from supportal.api.v1.errors import install_error_handlers


class SupportalApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`list_organizations`, not `supportal_api_v1_organizations_list_organizations`: view names are
        unique across the API's modules."""
        return str(operation.view_func.__name__)


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
)
install_error_handlers(api)

api.add_router("/organizations", organizations.router)
api.add_router("/users", users.router)
api.add_router("/tokens", tokens.router)
api.add_router("/config-items", config_items.router)
api.add_router("/cases", cases.router)
api.add_router("/notifications", notifications.router)


# Last: any other path under /api/v1/ answers the JSON 404, not the portal's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def no_such_endpoint(request: HttpRequest, rest: str) -> None:
    raise Http404(rest)


api.add_router("", fallback)
