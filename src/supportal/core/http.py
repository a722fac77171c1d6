"""Small facts about the HTTP request, the same for every adapter (web, API, admin, sign-in)."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the audit record keeps it (None outside a request)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
