"""Links of the queue pages: a case's page in the workspace, a list URL with another cursor, and the
`next` address a queue form returns to (checked, so a form cannot send anybody off-site)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from supportal.agent.queues import HOME_QUEUE


def case_url(number: str) -> str:
    """/agent/cases/<number>/ (its URL name `agent:case` may not exist yet: then the plain path)."""
    try:
        return reverse("agent:case", kwargs={"number": number})
    except NoReverseMatch:
        return f"/agent/cases/{number}/"


def queue_url(key: str) -> str:
    """A queue's page: /agent/ for the home queue, /agent/queues/<key>/ for the others."""
    return reverse("agent:home") if key == HOME_QUEUE else reverse("agent:queue", kwargs={"key": key})


def with_cursor(request: HttpRequest, cursor: str | None) -> str:
    """This page's URL with its parameters and `cursor` (none: the first page)."""
    params = request.GET.copy()
    params.pop("cursor", None)
    if cursor:
        params["cursor"] = cursor
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The posted `next` if it is a workspace page of this site, else `fallback`."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/agent/") else fallback
