"""Resolved cases close by themselves after `SUPPORTAL_AUTO_CLOSE_DAYS` days (a periodic job calls this)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from supportal.accounts.services import system_user
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel
from supportal.cases.services.transitions import case_transition
from supportal.core.errors import Conflict

BATCH = 200


def close_resolved_cases(*, now: datetime | None = None) -> int:
    """Close every case Resolved for longer than the configured days; returns how many it closed."""
    days = int(getattr(settings, "SUPPORTAL_AUTO_CLOSE_DAYS", 7))
    cutoff = (now or timezone.now()) - timedelta(days=days)
    closer = None  # made on first need: a sweep with nothing to close writes nothing
    closed, last_id = 0, 0
    while True:
        batch = list(
            Case.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff, pk__gt=last_id).order_by("id")[
                :BATCH
            ]
        )
        last_id = batch[-1].pk if batch else last_id
        for case in batch:
            closer = closer or system_user("auto-close", "Automatic closing")
            try:
                case_transition(
                    actor=closer, case=case, action=Action.AUTO_CLOSE, channel=Channel.SYSTEM,
                    reason=f"No answer within {days} days of the solution.",
                )  # fmt: skip
                closed += 1
            except Conflict:  # the customer answered meanwhile
                continue
        if len(batch) < BATCH:
            return closed
