"""One SLA clock of one case, as a pure value: target, start, pauses, re-targets, stop.

The clock counts *elapsed business time*: open time on the target's calendar between the start and
now (or the stop), leaving out the pauses (Awaiting Info, On Hold). It is due when the elapsed time
reaches the current target's duration, and warns when it reaches a share of it.

Re-targeting (priority, type or plan changed at `at`): the elapsed time so far is kept, measured on
the calendars in force while it ran; the new duration and calendar apply from `at` on, and the due
time is where the total elapsed time reaches the new duration. If the new duration was already used
up at `at`, the clock is due at `at` itself (nobody can miss a target before it existed), unless it
was already overdue under the old target: then that earlier due time stands. Re-targeting to the
same target therefore changes nothing; a longer target may give an overdue clock a new due time
(the breach that happened stays in the case's history, which is not this module's business).

Met: stopped before the due time. Breached: not stopped before the due time and now is at or past it
(a stop at or after the due time is a late stop: breached). Paused: inside a pause, not breached.
See docs/sla.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from supportal.sla.calendar import (
    ALWAYS_OPEN,
    BusinessCalendar,
    add_business_time,
    business_time_between,
)

_ZERO = timedelta(0)
_FOREVER = datetime.max.replace(tzinfo=UTC)


class ClockStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


def _aware(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime.")
    return at.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Target:
    """A duration of open time on a calendar."""

    duration: timedelta
    calendar: BusinessCalendar = ALWAYS_OPEN

    def __post_init__(self) -> None:
        if self.duration <= _ZERO:
            raise ValueError("A target duration is positive.")


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch in Awaiting Info or On Hold; `end is None` while it lasts."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Retarget:
    """From `at` on, the clock measures against `target` (the earlier ones stay as history)."""

    at: datetime
    target: Target


@dataclass(frozen=True, slots=True)
class ClockState:
    """What a case page or the sweep needs to know about a clock at one instant."""

    status: ClockStatus
    target: Target
    due_at: datetime | None  # None while paused before the due time: unknown until it resumes
    warning_at: datetime | None
    elapsed: timedelta
    remaining: timedelta  # negative once overdue
    warning: bool  # running or paused, and past the warning time


@dataclass(frozen=True, slots=True)
class _Window:
    """A running stretch: outside pauses, on one calendar; `length` is its business time."""

    start: datetime
    end: datetime  # _FOREVER for the open-ended last one
    calendar: BusinessCalendar
    length: timedelta | None  # None when open-ended


@dataclass(frozen=True)
class Clock:
    """A clock started at `started_at` against `target`; immutable, methods return new clocks.

    All instants are stored in UTC. Derived stretches are computed once per clock and cached.
    """

    target: Target
    started_at: datetime
    pauses: tuple[Pause, ...] = ()
    stopped_at: datetime | None = None
    retargets: tuple[Retarget, ...] = ()

    def __post_init__(self) -> None:
        started = _aware(self.started_at, "started_at")
        pauses = tuple(
            Pause(_aware(p.start, "pause start"), None if p.end is None else _aware(p.end, "pause end"))
            for p in self.pauses
        )
        if any(p.end is not None and p.end < p.start for p in pauses):
            raise ValueError("A pause ends after it starts.")
        stopped = None if self.stopped_at is None else _aware(self.stopped_at, "stopped_at")
        if stopped is not None and stopped < started:
            raise ValueError("A clock stops after it starts.")
        retargets = tuple(Retarget(_aware(r.at, "retarget at"), r.target) for r in self.retargets)
        object.__setattr__(self, "started_at", started)
        object.__setattr__(self, "pauses", pauses)
        object.__setattr__(self, "stopped_at", stopped)
        object.__setattr__(self, "retargets", retargets)

    # -- building -----------------------------------------------------------------------------------

    def pause(self, at: datetime) -> Clock:
        return replace(self, pauses=(*self.pauses, Pause(at)))

    def resume(self, at: datetime) -> Clock:
        open_pauses = [index for index, pause in enumerate(self.pauses) if pause.end is None]
        if not open_pauses:
            raise ValueError("The clock is not paused.")
        pauses = list(self.pauses)
        pauses[open_pauses[-1]] = Pause(pauses[open_pauses[-1]].start, at)
        return replace(self, pauses=tuple(pauses))

    def stop(self, at: datetime) -> Clock:
        return replace(self, stopped_at=at)

    def retarget(self, at: datetime, target: Target) -> Clock:
        return replace(self, retargets=(*self.retargets, Retarget(at, target)))

    # -- reading ------------------------------------------------------------------------------------

    @property
    def current_target(self) -> Target:
        return self._targets[-1][1]

    def elapsed(self, now: datetime) -> timedelta:
        """Business time counted from the start to `now` (or the stop, if earlier)."""
        until = _aware(now, "now")
        if self.stopped_at is not None:
            until = min(until, self.stopped_at)
        total = _ZERO
        for window in self._windows:
            if window.start >= until:
                break
            if window.length is not None and window.end <= until:
                total += window.length
            else:
                total += business_time_between(window.calendar, window.start, min(window.end, until))
        return total

    def due_at(self) -> datetime | None:
        """When the elapsed time reaches the current target; None while paused before that."""
        return self._reached(1.0)

    def warning_at(self, share: float) -> datetime | None:
        """When the elapsed time reaches `share` (0 < share <= 1) of the current target."""
        if not 0 < share <= 1:
            raise ValueError("The warning share lies in (0, 1].")
        return self._reached(share)

    def remaining(self, now: datetime) -> timedelta:
        return self.current_target.duration - self.elapsed(now)

    def status(self, now: datetime) -> ClockStatus:
        return self._status(_aware(now, "now"), self.due_at())

    def state(self, now: datetime, *, warn_share: float = 0.75) -> ClockState:
        now = _aware(now, "now")
        due = self.due_at()
        status = self._status(now, due)
        warning_at = self.warning_at(warn_share)
        elapsed = self.elapsed(now)
        return ClockState(
            status=status,
            target=self.current_target,
            due_at=due,
            warning_at=warning_at,
            elapsed=elapsed,
            remaining=self.current_target.duration - elapsed,
            warning=status in (ClockStatus.RUNNING, ClockStatus.PAUSED)
            and warning_at is not None
            and now >= warning_at,
        )

    def is_paused(self, now: datetime) -> bool:
        now = _aware(now, "now")
        if self.stopped_at is not None and self.stopped_at <= now:
            return False
        return any(start <= now < end for start, end in self._pause_spans)

    # -- the rules ----------------------------------------------------------------------------------

    def _status(self, now: datetime, due: datetime | None) -> ClockStatus:
        stopped = self.stopped_at
        if stopped is not None and stopped <= now:
            return ClockStatus.MET if due is None or stopped < due else ClockStatus.BREACHED
        if due is not None and now >= due:
            return ClockStatus.BREACHED
        if self.is_paused(now):
            return ClockStatus.PAUSED
        return ClockStatus.RUNNING

    @functools.cached_property
    def _targets(self) -> list[tuple[datetime, Target]]:
        """(in force from, target), in order. A re-target at or before the start replaces the target
        from the start; those after a stop do not count (the clock had finished)."""
        ordered = sorted(self.retargets, key=lambda retarget: retarget.at)
        return [(self.started_at, self.target)] + [
            (max(r.at, self.started_at), r.target)
            for r in ordered
            if self.stopped_at is None or r.at <= self.stopped_at
        ]

    @functools.cached_property
    def _pause_spans(self) -> list[tuple[datetime, datetime]]:
        """Pauses clipped to [start, stop], sorted and merged; an open one lasts until the stop."""
        stop = _FOREVER if self.stopped_at is None else self.stopped_at
        clipped = sorted(
            (max(p.start, self.started_at), min(_FOREVER if p.end is None else p.end, stop))
            for p in self.pauses
        )
        merged: list[tuple[datetime, datetime]] = []
        for low, high in clipped:
            if high <= low:
                continue
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
            else:
                merged.append((low, high))
        return merged

    @functools.cached_property
    def _windows(self) -> list[_Window]:
        """The running stretches (outside pauses, split where the calendar changes), in order; the last
        one is open-ended unless a pause lasts for ever. The stop does not end them: callers clip."""
        starts = self._targets
        ends = [since for since, _ in starts[1:]] + [_FOREVER]
        windows: list[_Window] = []
        for (begin, target), end in zip(starts, ends, strict=True):
            cursor = begin
            for low, high in self._pause_spans:
                if high <= cursor or low >= end:
                    continue
                if low > cursor:
                    windows.append(self._window(cursor, low, target.calendar))
                cursor = high
                if cursor >= end:
                    break
            if cursor < end:
                windows.append(self._window(cursor, end, target.calendar))
        return windows

    @staticmethod
    def _window(start: datetime, end: datetime, calendar: BusinessCalendar) -> _Window:
        length = None if end == _FOREVER else business_time_between(calendar, start, end)
        return _Window(start, end, calendar, length)

    def _reached(self, share: float) -> datetime | None:
        """Due (share 1) or warning time under the re-targeting rule (module docstring).

        Each target in turn: where the elapsed time reaches its share. If that is before the target
        came in force, the clock was already due: at the previous answer if that was before the change
        (an earlier breach stands), else at the change itself.
        """
        due: datetime | None = None
        for index, (since, target) in enumerate(self._targets):
            point = self._point(target.duration * share)
            if index == 0 or point is None or point >= since:
                due = point
            elif due is None or due >= since:
                due = since
        return due

    def _point(self, amount: timedelta) -> datetime | None:
        """The first instant the elapsed time reaches `amount`; None if a pause lasts until then."""
        counted = _ZERO
        for window in self._windows:
            if window.length is None or counted + window.length >= amount:
                return add_business_time(window.calendar, window.start, amount - counted)
            counted += window.length
        return None
