"""A person's in-app notification list: what they may read, and marking it read. Web and API use these."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from supportal.notifications.models import Notification
from supportal.orgs.policies import Actor


def notifications_of(actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (nobody reads anyone else's)."""
    return Notification.objects.filter(user_id=getattr(actor, "pk", None) or 0).order_by("-id")


def notifications_mark_read(
    *, actor: Actor, ids: Sequence[int] | None = None, up_to: int | None = None
) -> int:
    """Mark the actor's unread notifications read: those in `ids`, or up to id `up_to`, or all of them."""
    unread = notifications_of(actor).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())
