"""/pages/<token>/: the acknowledgement link of a page's email (or SMS). No sign-in: the token is the
proof. A GET only shows the page (mail scanners open links); the "Acknowledge" button POSTs (CSRF-checked).
Never cached, never indexed."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from supportal.cases.models import Channel
from supportal.core.errors import Conflict, NotFound
from supportal.escalation.models import Page, PageStatus
from supportal.escalation.services.paging import page_acknowledge, page_by_token


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def page_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        page = page_by_token(token)
    except NotFound:
        raise Http404("This paging link is not valid.") from None
    if request.method != "POST":
        return _render(request, page, problem=_why_not(page))
    try:
        page = page_acknowledge(actor=request.user, page=page, channel=Channel.PORTAL, by_link=True)
    except Conflict as error:
        return _render(request, page, problem=error.detail, status=error.status)
    return _render(request, page, done=True)


def _why_not(page: Page) -> str:
    """Why this page can no longer be acknowledged, if it cannot (shown without a button)."""
    if page.status == PageStatus.ACKNOWLEDGED:
        return ""
    other = (
        Page.objects.filter(
            case_id=page.case_id, chain_started_at=page.chain_started_at, status=PageStatus.ACKNOWLEDGED
        )
        .select_related("acknowledged_by")
        .first()
    )
    if other is not None:
        who = other.acknowledged_by.display_name if other.acknowledged_by else "Someone"
        return f"{who} acknowledged this incident already."
    if page.status == PageStatus.CANCELLED:
        return "This page was cancelled: the case is no longer urgent."
    return ""


def _render(
    request: HttpRequest, page: Page, *, problem: str = "", done: bool = False, status: int = 200
) -> HttpResponse:
    case = page.case
    context: dict[str, Any] = {
        "page": page,
        "case": case,
        "requester": case.requester_name or case.requester.display_name,
        "problem": problem,
        "done": done,
        "acknowledged": page.status == PageStatus.ACKNOWLEDGED,
        "case_url": reverse("agent:case", args=[case.number]),
    }
    response = render(request, "escalation/page_link.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
