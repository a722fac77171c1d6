"""Bench mode's additions to the server: the SQL query count of each response, and the floor view."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"
FLOOR_MAX_BYTES = 4 * 1024 * 1024


class QueryCountMiddleware:
    """Counts the SQL statements a request runs (on this thread's connection) into `X-Bench-Queries`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _Counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(counter.count)
        return response


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def floor(request: HttpRequest, size: int) -> HttpResponse:
    """The floor: `size` bytes of HTML through the same server and middleware, no database, no template."""
    return HttpResponse(_body(min(size, FLOOR_MAX_BYTES)), content_type="text/html; charset=utf-8")


@lru_cache(maxsize=64)
def _body(size: int) -> bytes:
    return b"x" * size
