"""/api/v1/cases/{number}/events: the case's activity history, append-only, oldest first."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases.output import event_out
from supportal.api.v1.cases.schemas import EventOut
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.cases import access, selectors

router = Router()


@router.get("/{number}/events", response={200: Page[EventOut], **errors(404)}, summary="List events")
def list_case_events(request: HttpRequest, number: str, page: Query[PageParams]) -> Page[EventOut]:
    """Who did what, when and through which channel, with the old and new values in `data`. Customers see
    the public part of the history."""
    actor = actor_of(request)
    events = selectors.events_visible_to(actor, access.case_for(actor, number))
    result = paginate(events.select_related("actor", "on_behalf_of"), page)
    return Page[EventOut](items=[event_out(e) for e in result.items], next_cursor=result.next_cursor)
