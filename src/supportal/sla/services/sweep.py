"""The SLA sweep: every minute (jobs.schedules), mark the clocks whose warning time or due time has come.

It reads only the due rows, through the partial indexes `sla_clock_to_breach` (due_at of clocks not yet
breached) and `sla_clock_to_warn` (warn_at of clocks not yet warned), at most `batch` of each per tick,
oldest first; its work does not grow with the number of open cases. Each marked clock gets a case event
(`sla_breached`, public; `sla_warning`, internal) published as the domain event `sla.breached` /
`sla.warning` after commit, where `sla.notify` tells the people and the webhooks pick it up.

Idempotent: a clock is marked once (the columns it sets take it out of the index); two sweeps at once
do not mark a clock twice (PostgreSQL: rows claimed with FOR UPDATE SKIP LOCKED; SQLite has one writer).
A clock that breaches before it warned is not warned afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from supportal.cases.models import Case, Channel, EventKind
from supportal.cases.services import history
from supportal.sla.models import SlaClock
from supportal.sla.records import iso

BATCH = 500
SYSTEM_ACTOR = ("sla", "SLA")


@dataclass(frozen=True)
class SweepResult:
    breached: int
    warned: int


def to_breach(now: datetime) -> QuerySet[SlaClock]:
    """Clocks whose due time has come and whose breach is not marked (the index's rows)."""
    return SlaClock.objects.filter(breached_at__isnull=True, due_at__isnull=False, due_at__lte=now)


def to_warn(now: datetime) -> QuerySet[SlaClock]:
    return SlaClock.objects.filter(warned_at__isnull=True, warn_at__isnull=False, warn_at__lte=now)


def sla_sweep(now: datetime | None = None, *, batch: int = BATCH) -> SweepResult:
    """Mark breaches, then warnings, due at `now` (default: the current time)."""
    now = now or timezone.now()
    return SweepResult(breached=_mark(now, batch, breach=True), warned=_mark(now, batch, breach=False))


def _mark(now: datetime, batch: int, *, breach: bool) -> int:
    with transaction.atomic():
        due = to_breach(now) if breach else to_warn(now)
        order = "due_at" if breach else "warn_at"
        rows = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("case")
            .order_by(order, "id")[:batch]
        )
        if not rows:
            return 0
        for row in rows:
            if breach:
                row.breached_at = row.due_at
                row.warned_at = row.warned_at or now  # no warning after the breach
            else:
                row.warned_at = now
            row.updated_at = now
        SlaClock.objects.bulk_update(rows, ["breached_at", "warned_at", "updated_at"])
        for row in rows:
            record_mark(row.case, row, breach=breach)
    return len(rows)


def record_mark(case: Case, row: SlaClock, *, breach: bool) -> None:
    """The case event of a marked clock (`sla_breached`, public; `sla_warning`, internal), published as
    `sla.breached` / `sla.warning` after commit. Also used for a breach found when a clock stops late."""
    from supportal.accounts.services import system_user

    moment = (row.breached_at or row.due_at) if breach else row.warn_at  # a stopped clock has no due time
    assert moment is not None
    history.record(
        case,
        EventKind.SLA_BREACHED if breach else EventKind.SLA_WARNING,
        actor=system_user(*SYSTEM_ACTOR),
        channel=Channel.SYSTEM,
        public=breach,  # customers see breaches (their case page says so too), not warnings
        data={
            "metric": row.metric,
            "due_at": iso(row.due_at or moment),
            "at": iso(moment),
            "target": row.targets[-1].get("label", ""),
        },
        publish_as="sla.breached" if breach else "sla.warning",
    )
