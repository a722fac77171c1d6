"""Every error the API answers, in one shape: {"error": "<code>", "detail": "<message>", "fields": {...}}.

Domain errors keep their own code and status; ninja's and Django's exceptions are translated here, so no
bad input reaches a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from supportal.core.errors import DomainError

logger = logging.getLogger("supportal.api")
E = TypeVar("E", bound=Exception)

CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
    500: "server_error",
}


class ErrorOut(Schema):
    error: str
    detail: str
    fields: dict[str, list[str]] = {}


# The statuses every authenticated operation may answer; add 404/409 where an operation can produce them.
COMMON_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """COMMON_ERRORS plus the given statuses, for an operation's `response=` declaration."""
    return {**COMMON_ERRORS, **dict.fromkeys(statuses, ErrorOut)}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": code or CODES_BY_STATUS.get(status, "error"), "detail": detail, "fields": fields or {}}
    return api.create_response(request, body, status=status)


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's error list ({"loc": ["body", "payload", "domains", 0], "msg": ...}) as {"domains": [msg]}:
    keyed by the request's own field names, as domain errors are."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = loc[0] if loc else "body"
        rest = loc[1:]
        if source == "body" and rest:
            rest = rest[1:]  # drop the payload's parameter name
        name = rest[0] if rest else source
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        fields.setdefault(name, []).append(message)
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.detail, code=exc.code, fields=exc.fields)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = validation_fields(exc.errors)
        return error_response(api, request, 422, "The request is not valid.", fields=fields)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        if isinstance(exc, AuthenticationError) and detail == "Unauthorized":
            detail = "Sign in, or send an API token as 'Authorization: Bearer <token>'."
        elif exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        response = error_response(api, request, exc.status_code, detail)
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = "Bearer"
        return response

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(api, request, 429, "Too many requests; slow down and retry later.")
        response["Retry-After"] = str(max(1, int(exc.wait or 1)))
        return response

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "Not found.")

    def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or "You may not do this.")

    def on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 413, "The request body is too large.")

    def on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 400, "The request could not be understood.")

    def on_bad_form(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A form body Django cannot parse, e.g. multipart/form-data without a boundary (read for the CSRF
        # token of a session).
        return error_response(api, request, 400, "The request body could not be parsed.")

    def on_form_for_json(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart form sent with a session to an operation that takes JSON: the CSRF check has read
        # the form, so the body is gone; say what the operation wants.
        return error_response(
            api, request, 400, "This operation takes a JSON body: send it as Content-Type: application/json."
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(api, request, 500, "Something went wrong on our side; it has been logged.")

    _on(api, DomainError, on_domain_error)
    _on(api, ValidationError, on_validation_error)
    _on(api, HttpError, on_http_error)
    _on(api, Throttled, on_throttled)
    _on(api, Http404, on_not_found)
    _on(api, PermissionDenied, on_permission_denied)
    _on(api, RequestDataTooBig, on_too_large)
    _on(api, SuspiciousOperation, on_suspicious)
    _on(api, MultiPartParserError, on_bad_form)
    _on(api, RawPostDataException, on_form_for_json)
    _on(api, Exception, on_unexpected)


def _on(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    """ninja types handlers as taking the exception or its class; they get an instance."""
    api.add_exception_handler(exc_class, cast(Any, handler))
