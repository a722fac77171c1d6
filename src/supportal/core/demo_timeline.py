"""Spreading the demo's stories over the past days, so lists, queues and histories look lived in.

The stories run through the services in a second, so every case would say "just now". Once they are
loaded, the time each story took is stretched back into its own slot of the last `SPAN` (the first story
oldest), its events `STEP` apart in the order they were written. Every timestamp written during the load
(events, comments, files, links, watchers, the cases' own dates, and the in-app notifications made
after the commit) goes through the same monotonic function of the original time, so the order of
everything stays exactly as the services wrote it. The span stays under SUPPORTAL_AUTO_CLOSE_DAYS, so the
demo's Resolved cases are not closed by the first periodic job.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from supportal.cases.models import Attachment, Case, CaseEvent, CaseLink, Comment, Watcher
from supportal.channels.email.models import InboundMessage
from supportal.notifications.models import Notification

SPAN = timedelta(days=5)
STEP = timedelta(minutes=35)
CASE_DATES = ("created_at", "updated_at", "resolved_at", "closed_at")


class _Clock:
    """Maps a moment of the load to its place in its story's slot."""

    def __init__(self, boundaries: Sequence[datetime], written: Sequence[datetime], now: datetime) -> None:
        self.boundaries = list(boundaries)  # when each story started
        slot = SPAN / len(boundaries)
        self.starts = [now - SPAN + slot * position for position in range(len(boundaries))]
        self.written: list[list[datetime]] = [[] for _ in boundaries]
        for moment in sorted(written):
            self.written[self._story(moment)].append(moment)
        self.steps = [min(STEP, slot / (len(times) + 1)) for times in self.written]

    def _story(self, moment: datetime) -> int:
        return max(bisect.bisect_right(self.boundaries, moment) - 1, 0)

    def __call__(self, moment: datetime | None) -> datetime | None:
        if moment is None or moment < self.boundaries[0]:
            return moment  # not written by this load
        story = self._story(moment)
        index = bisect.bisect_right(self.written[story], moment)  # events of the story up to this moment
        return self.starts[story] + self.steps[story] * index


def spread_stories(boundaries: Sequence[datetime]) -> None:
    """Stretch what was written since `boundaries[0]` (each story having started at its boundary)."""
    if not boundaries:
        return
    since = boundaries[0]
    events = CaseEvent.objects.filter(at__gte=since)
    clock = _Clock(boundaries, list(events.values_list("at", flat=True)), timezone.now())
    for event in events.only("id", "at"):
        CaseEvent.objects.filter(pk=event.pk).update(at=clock(event.at))  # a demo's clock, not an edit
    for comment in Comment.objects.filter(created_at__gte=since).only("id", "created_at"):
        Comment.objects.filter(pk=comment.pk).update(created_at=clock(comment.created_at))
    for attachment in Attachment.objects.filter(created_at__gte=since).only("id", "created_at"):
        Attachment.objects.filter(pk=attachment.pk).update(created_at=clock(attachment.created_at))
    for link in CaseLink.objects.filter(created_at__gte=since).only("id", "created_at"):
        CaseLink.objects.filter(pk=link.pk).update(created_at=clock(link.created_at))
    for watcher in Watcher.objects.filter(added_at__gte=since).only("id", "added_at"):
        Watcher.objects.filter(pk=watcher.pk).update(added_at=clock(watcher.added_at))
    for message in InboundMessage.objects.filter(received_at__gte=since).only("id", "received_at"):
        at = clock(message.received_at)
        InboundMessage.objects.filter(pk=message.pk).update(received_at=at, processed_at=at)
    for case in Case.objects.filter(updated_at__gte=since).only("id", *CASE_DATES):
        Case.objects.filter(pk=case.pk).update(**{name: clock(getattr(case, name)) for name in CASE_DATES})
    transaction.on_commit(lambda: _date_notifications(since))  # they are written after the commit


def _date_notifications(since: datetime) -> None:
    for notification in Notification.objects.filter(
        created_at__gte=since, event__isnull=False
    ).select_related("event"):
        Notification.objects.filter(pk=notification.pk).update(created_at=notification.event.at)  # type: ignore[union-attr]
