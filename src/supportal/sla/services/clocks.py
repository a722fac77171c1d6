"""What happens to a case's clocks, worked on rows in memory (the callers save them).

Each step changes the row's pauses, stop or targets and then `refresh`es `due_at` and `warn_at` from the
pure calculator, so the columns the sweep reads are always what `sla.clock.Clock` says.

- start: at the case's creation, one clock per metric;
- pause / resume: Awaiting Info and On Hold;
- stop: `response` by the first public agent reply, `workaround` by "Mark workaround", everything by
  Resolved or Closed (a stop at or after the due time is late: the clock is breached, dated at its due
  time, even if the sweep had not seen it yet);
- reopen: a Resolved case opened again (rejected, or a customer replied) restarts the `workaround` and
  `resolution` clocks that its resolution stopped; the time it spent Resolved counts as a pause. The
  response clock stays stopped: the resolution answered the customer;
- retarget: a new priority, type or plan; the old targets stay in `targets` with the reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from supportal.sla.models import ClockPhase, SlaClock
from supportal.sla.records import clock_of, instant, iso, warn_share
from supportal.sla.targeting import ChosenTarget
from supportal.sla.targets import Metric

BY_REPLY, BY_WORKAROUND, BY_RESOLUTION, BY_CLOSE = "reply", "workaround", "resolved", "closed"
RESTARTED_ON_REOPEN = frozenset({Metric.WORKAROUND.value, Metric.RESOLUTION.value})
SAVED_FIELDS = (
    "phase", "targets", "pauses", "stopped_at", "stopped_by", "due_at", "warn_at", "warned_at", "breached_at",
    "updated_at",
)  # fmt: skip


def target_entry(chosen: ChosenTarget, at: datetime, reason: str) -> dict[str, Any]:
    return {
        "at": iso(at),
        "seconds": chosen.seconds,
        "label": str(chosen.length),
        "warn": chosen.warn,
        "calendar": chosen.calendar,
        "reason": reason,
        "policy": chosen.policy_id,
    }


def new_clock(case_id: int, metric: Metric, chosen: ChosenTarget, at: datetime) -> SlaClock:
    row = SlaClock(
        case_id=case_id,
        metric=metric.value,
        phase=ClockPhase.RUNNING,
        started_at=at,
        targets=[target_entry(chosen, at, "created")],
        pauses=[],
        updated_at=at,
    )
    refresh(row, at)
    return row


def refresh(row: SlaClock, at: datetime) -> None:
    """Recompute `due_at`/`warn_at`; a breach or warning the clock no longer has (a target that now
    leaves time) is forgotten so that it can happen again (the case history keeps the first)."""
    row.updated_at = timezone.now()
    if row.phase == ClockPhase.STOPPED:
        row.due_at = row.warn_at = None
        return
    clock = clock_of(row)
    row.due_at = clock.due_at()
    row.warn_at = clock.warning_at(warn_share(row))
    if row.breached_at is not None and row.due_at is not None and row.due_at > at:
        row.breached_at = None
    if row.warned_at is not None and row.warn_at is not None and row.warn_at > at:
        row.warned_at = None


def pause(row: SlaClock, at: datetime) -> bool:
    if row.phase != ClockPhase.RUNNING:
        return False
    row.pauses = [*row.pauses, [iso(at), None]]
    row.phase = ClockPhase.PAUSED
    refresh(row, at)
    return True


def resume(row: SlaClock, at: datetime) -> bool:
    if row.phase != ClockPhase.PAUSED:
        return False
    _close_pause(row, at)
    row.phase = ClockPhase.RUNNING
    refresh(row, at)
    return True


def stop(row: SlaClock, at: datetime, by: str) -> bool:
    if row.phase == ClockPhase.STOPPED:
        return False
    _close_pause(row, at)
    row.stopped_at, row.stopped_by, row.phase = at, by, ClockPhase.STOPPED
    due = clock_of(row).due_at()
    if row.breached_at is None and due is not None and at >= due:
        row.breached_at = due  # a late stop: breached at the due time, whether or not the sweep saw it
    refresh(row, at)
    return True


def reopen(row: SlaClock, at: datetime) -> bool:
    """Run again after a resolution was undone; the time since the stop is a pause."""
    if (
        row.phase != ClockPhase.STOPPED
        or row.stopped_by != BY_RESOLUTION
        or row.metric not in RESTARTED_ON_REOPEN
    ):
        return False
    assert row.stopped_at is not None
    row.pauses = [*row.pauses, [iso(row.stopped_at), iso(max(at, row.stopped_at))]]
    row.stopped_at, row.stopped_by, row.phase = None, "", ClockPhase.RUNNING
    refresh(row, at)
    return True


def retarget(row: SlaClock, chosen: ChosenTarget, at: datetime, reason: str) -> bool:
    """Measure against `chosen` from `at` on (stopped clocks are finished and keep their targets)."""
    if row.phase == ClockPhase.STOPPED or chosen.same_as(row.targets[-1]):
        return False
    row.targets = [*row.targets, target_entry(chosen, max(at, row.started_at), reason)]
    refresh(row, at)
    return True


def _close_pause(row: SlaClock, at: datetime) -> None:
    if row.pauses and row.pauses[-1][1] is None:
        start = row.pauses[-1][0]
        row.pauses = [*row.pauses[:-1], [start, iso(max(at, instant(start)))]]
