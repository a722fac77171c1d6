"""/api/v1/notifications: the caller's own in-app notifications, newest first, and marking them read."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import model_validator

from supportal.api.v1.auth import actor_of
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.notifications.inbox import notifications_mark_read, notifications_of

router = Router(tags=["notifications"])

MAX_IDS = 200


class NotificationOut(Schema):
    id: int
    case: str | None = Field(description="The case's number.")
    event: int | None = Field(description="The case event it tells of (see /cases/{number}/events).")
    verb: str = Field(description="What happened: the event's kind.")
    text: str
    created_at: datetime
    read_at: datetime | None


class NotificationFilters(Input):
    unread: bool | None = Field(None, description="true: only unread ones; false: only read ones.")


class MarkReadIn(Input):
    ids: list[Id] = Field(default_factory=list, max_length=MAX_IDS, description="These notifications.")
    all: bool = Field(False, description="Every unread notification of the caller.")

    @model_validator(mode="after")
    def _one_of(self) -> MarkReadIn:
        if bool(self.ids) == self.all:
            raise ValueError("Give either ids or all: true.")
        return self


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read.")


@router.get("", response={200: Page[NotificationOut], **errors()}, summary="List your notifications")
def list_notifications(
    request: HttpRequest, page: Query[PageParams], filters: Query[NotificationFilters]
) -> Page[NotificationOut]:
    """Newest first."""
    rows = notifications_of(actor_of(request)).select_related("case")
    if filters.unread is not None:
        rows = rows.filter(read_at__isnull=filters.unread)
    result = paginate(rows, page, ordering=("-id",))
    return Page[NotificationOut](
        items=[
            NotificationOut(
                id=n.pk,
                case=n.case.number if n.case else None,
                event=n.event_id,
                verb=n.verb,
                text=n.text,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in result.items
        ],
        next_cursor=result.next_cursor,
    )


@router.post("/read", response={200: MarkedOut, **errors()}, summary="Mark notifications read")
def mark_notifications_read(request: HttpRequest, payload: MarkReadIn) -> MarkedOut:
    """`{"ids": [...]}` for some, `{"all": true}` for every unread one. Ids that are not yours are ignored."""
    ids = None if payload.all else list(payload.ids or [])
    return MarkedOut(marked=notifications_mark_read(actor=actor_of(request), ids=ids))
