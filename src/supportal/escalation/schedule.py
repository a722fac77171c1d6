"""Who is on call when: a pure calculator over a rota's members, hand-over rule and overrides.

The pager passes from one member to the next every `shift_days` days at `handoff` local time (wall-clock
time in the rota's zone, so a daylight-saving change moves the UTC instant, not the local hour). An
override (`Cover`) puts its person on call for its span; when overrides overlap, the one listed first
wins (callers list the newest first). No database here: escalation.selectors loads the rows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Rotation:
    members: tuple[int, ...]  # user ids in hand-over order
    time_zone: str
    handoff: time
    shift_days: int
    starts_on: date


@dataclass(frozen=True)
class Cover:
    user_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Shift:
    user_id: int
    starts_at: datetime
    ends_at: datetime
    is_override: bool


def handoff_at(time_zone: str, day: date, handoff: time) -> datetime:
    """The instant (UTC) the pager passes on `day`: the first moment the local clock shows `handoff` that
    day (the first of two, when the clocks go back), or, when a daylight-saving gap swallows that local
    time, the moment the clocks jump past it (to the second: zones change offset on whole seconds)."""
    zone = ZoneInfo(time_zone)
    wall = datetime.combine(day, handoff)
    low, high = sorted(wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    if low.astimezone(zone).replace(tzinfo=None) == wall:
        return low
    # A gap: the local clock reads before `wall` at `low` and after it at `high`; find the jump.
    first, last = int(low.timestamp()), math.ceil(high.timestamp())
    while last - first > 1:
        middle = (first + last) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            last = middle
        else:
            first = middle
    return datetime.fromtimestamp(last, UTC)


def shift_index(rotation: Rotation, at: datetime) -> int:
    """How many shifts have begun since the rota's first one, at `at` (negative before it)."""
    day = at.astimezone(ZoneInfo(rotation.time_zone)).date()
    while handoff_at(rotation.time_zone, day, rotation.handoff) > at:
        day -= timedelta(days=1)
    while handoff_at(rotation.time_zone, day + timedelta(days=1), rotation.handoff) <= at:
        day += timedelta(days=1)  # the local date ran back (clocks going back across midnight)
    return (day - rotation.starts_on).days // rotation.shift_days


def shift_start(rotation: Rotation, index: int) -> datetime:
    """The first instant (UTC) of shift `index` (see `handoff_at`)."""
    day = rotation.starts_on + timedelta(days=index * rotation.shift_days)
    return handoff_at(rotation.time_zone, day, rotation.handoff)


def scheduled_at(rotation: Rotation, at: datetime) -> int | None:
    """The member the rota itself puts on call at `at` (no overrides), or None for an empty rota."""
    if not rotation.members:
        return None
    return rotation.members[shift_index(rotation, at) % len(rotation.members)]


def on_call_at(rotation: Rotation, covers: Sequence[Cover], at: datetime) -> int | None:
    """Who holds the pager at `at`: the first override covering it, else the scheduled member."""
    for cover in covers:
        if cover.starts_at <= at < cover.ends_at:
            return cover.user_id
    return scheduled_at(rotation, at)


def shifts_between(
    rotation: Rotation, covers: Sequence[Cover], start: datetime, end: datetime
) -> list[Shift]:
    """Who is on call from `start` to `end`, as consecutive spans (overrides cut into the shifts)."""
    if end <= start:
        return []
    cuts = {start, end}
    index = shift_index(rotation, start) + 1
    while (moment := shift_start(rotation, index)) < end:
        cuts.add(moment)
        index += 1
    for cover in covers:
        cuts.update(m for m in (cover.starts_at, cover.ends_at) if start < m < end)
    bounds = sorted(cuts)
    shifts: list[Shift] = []
    for begin, finish in itertools.pairwise(bounds):
        covering = next((c for c in covers if c.starts_at <= begin < c.ends_at), None)
        user_id = covering.user_id if covering is not None else scheduled_at(rotation, begin)
        if user_id is None:
            continue
        overridden = covering is not None
        last = shifts[-1] if shifts else None
        if (
            last is not None
            and last.ends_at == begin
            and (last.user_id, last.is_override) == (user_id, overridden)
        ):
            shifts[-1] = Shift(user_id, last.starts_at, finish, overridden)
        else:
            shifts.append(Shift(user_id, begin, finish, overridden))
    return shifts


def escalation_chain(
    rotation: Rotation, covers: Sequence[Cover], leads: Iterable[int], at: datetime
) -> list[tuple[int, str]]:
    """Whom to page, in order, for an incident at `at`: the person on call, then the next person (the
    scheduled member when an override holds the pager, else the next member in turn), then the team
    leads. Each person once; roles are escalation.models.PageRole values."""
    chain: list[tuple[int, str]] = []

    def add(user_id: int | None, role: str) -> None:
        if user_id is not None and all(user_id != seen for seen, _ in chain):
            chain.append((user_id, role))

    first = on_call_at(rotation, covers, at)
    add(first, "on_call")
    if rotation.members:
        index = shift_index(rotation, at)
        scheduled = rotation.members[index % len(rotation.members)]
        if scheduled != first:
            add(scheduled, "next")
        else:
            for step in range(1, len(rotation.members)):
                candidate = rotation.members[(index + step) % len(rotation.members)]
                if candidate != first:
                    add(candidate, "next")
                    break
    for lead in leads:
        add(lead, "lead")
    return chain
