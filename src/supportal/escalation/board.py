"""The on-call board: for every team's rota, who holds the pager now and until when, the shifts coming
and the overrides not yet over. Read by the workspace's on-call page and by GET /api/v1/on-call.

A fixed number of queries whatever the number of rotas: the rotas with their members, the overrides of
all of them, and their teams' leads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from supportal.accounts.models import User
from supportal.escalation import policies, selectors
from supportal.escalation.models import Rota, RotaOverride
from supportal.escalation.schedule import Cover, Shift, shifts_between
from supportal.orgs.models import TeamMembership, TeamRole
from supportal.orgs.policies import Actor

LONGEST_OVERRIDE_DAYS = 90  # services.rotas.LONGEST: an override may hold the pager this long


@dataclass(frozen=True)
class ShiftLine:
    person: User
    starts_at: datetime
    ends_at: datetime
    is_override: bool


@dataclass
class RotaBoard:
    rota: Rota
    on_call: User | None
    until: datetime | None  # the end of the current shift or override
    shifts: list[ShiftLine]  # from now until the board's horizon
    overrides: list[RotaOverride]  # not over yet, soonest first
    member_ids: set[int] = field(default_factory=set)
    lead_ids: set[int] = field(default_factory=set)
    may_manage: bool = False  # add an override for anybody, remove any
    may_take: bool = False  # put themselves on call


def on_call_board(actor: Actor, *, now: datetime, days: int) -> list[RotaBoard]:
    rotas = list(selectors.rotas_for_display())
    if not rotas:
        return []
    horizon = now + timedelta(days=days)
    # Far enough to see the end of the current shift or override, whichever is longer.
    reach = now + timedelta(days=max(days, LONGEST_OVERRIDE_DAYS, *(r.shift_days for r in rotas)) + 1)
    rows = (
        RotaOverride.objects.filter(rota__in=rotas, ends_at__gt=now, starts_at__lt=reach)
        .select_related("user", "created_by")
        .order_by("-created_at", "-id")
    )
    overrides: dict[int, list[RotaOverride]] = defaultdict(list)
    for row in rows:
        overrides[row.rota_id].append(row)
    leads: dict[int, set[int]] = defaultdict(set)
    lead_rows = TeamMembership.objects.filter(
        team_id__in=[r.team_id for r in rotas], role=TeamRole.LEAD, user__is_active=True
    ).values_list("team_id", "user_id")
    for team_id, user_id in lead_rows:
        leads[team_id].add(user_id)
    return [
        _board(actor, rota, overrides[rota.pk], leads[rota.team_id], now, horizon, reach) for rota in rotas
    ]


def _board(
    actor: Actor,
    rota: Rota,
    overrides: list[RotaOverride],
    lead_ids: set[int],
    now: datetime,
    horizon: datetime,
    reach: datetime,
) -> RotaBoard:
    people = {m.user_id: m.user for m in rota.members.all()}
    people |= {o.user_id: o.user for o in overrides}
    covers = [Cover(o.user_id, o.starts_at, o.ends_at) for o in overrides if o.user.is_active]
    shifts = shifts_between(selectors.rotation_of(rota), covers, now, reach)
    current = shifts[0] if shifts and shifts[0].starts_at <= now else None
    member_ids = set(people) & {m.user_id for m in rota.members.all()}
    me = getattr(actor, "pk", None)
    may_manage = policies.can_manage_rota(actor, lead_ids)
    may_take = me is not None and policies.can_add_override(
        actor, lead_ids=lead_ids, member_ids=member_ids, user_id=me
    )
    return RotaBoard(
        rota=rota,
        on_call=people.get(current.user_id) if current is not None else None,
        until=current.ends_at if current is not None and current.ends_at < reach else None,
        shifts=[_line(s, people, horizon) for s in shifts if s.starts_at < horizon],
        overrides=sorted(overrides, key=lambda o: (o.starts_at, o.pk)),
        member_ids=member_ids,
        lead_ids=lead_ids,
        may_manage=may_manage,
        may_take=may_manage or may_take,
    )


def _line(shift: Shift, people: dict[int, User], horizon: datetime) -> ShiftLine:
    return ShiftLine(people[shift.user_id], shift.starts_at, min(shift.ends_at, horizon), shift.is_override)
