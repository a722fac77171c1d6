"""Staffed hours: when the bubble offers a live chat, and when it says the team is away and offers a case.
The hours are an SLA calendar named by SUPPORTAL_CHAT_CALENDAR (empty: around the clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from supportal.sla.calendar import CalendarError, is_open, next_open
from supportal.sla.models import SlaCalendar


@dataclass(frozen=True)
class Staffing:
    staffed: bool
    opens_at: datetime | None = None  # the next staffed moment, when closed now


def staffing_now(at: datetime | None = None) -> Staffing:
    name = str(getattr(settings, "SUPPORTAL_CHAT_CALENDAR", "") or "").strip()
    if not name:
        return Staffing(staffed=True)
    row = SlaCalendar.objects.filter(name=name).first()
    if row is None:
        return Staffing(staffed=True)  # a misnamed calendar must not switch chat off
    moment = at or timezone.now()
    try:
        calendar = row.business_calendar()
        if is_open(calendar, moment):
            return Staffing(staffed=True)
        return Staffing(staffed=False, opens_at=next_open(calendar, moment))
    except CalendarError:
        return Staffing(staffed=True)
