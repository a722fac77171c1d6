"""Reading rotas: the pure schedule's inputs from the rows, who is on call now, the pages to show."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from supportal.escalation.models import Page, PageStatus, Rota, RotaOverride
from supportal.escalation.schedule import Cover, Rotation
from supportal.orgs.models import TeamMembership, TeamRole


def rotation_of(rota: Rota) -> Rotation:
    """The rota as the schedule reads it: its members prefetched, or read here in one query."""
    if "members" in getattr(rota, "_prefetched_objects_cache", {}):
        members = tuple(m.user_id for m in rota.members.all() if m.user.is_active)
    else:
        active = rota.members.filter(user__is_active=True).order_by("position", "id")
        members = tuple(active.values_list("user_id", flat=True))
    return Rotation(
        members=members,
        time_zone=rota.time_zone,
        handoff=rota.handoff_time,
        shift_days=rota.shift_days,
        starts_on=rota.starts_on,
    )


def covers_of(rota: Rota, start: datetime, end: datetime) -> list[Cover]:
    """The overrides of `rota` overlapping [start, end), newest first (the newest wins an overlap)."""
    rows = RotaOverride.objects.filter(rota=rota, ends_at__gt=start, starts_at__lt=end, user__is_active=True)
    return [Cover(o.user_id, o.starts_at, o.ends_at) for o in rows.order_by("-created_at", "-id")]


def team_lead_ids(team_id: int | None) -> list[int]:
    if team_id is None:
        return []
    rows = TeamMembership.objects.filter(team_id=team_id, role=TeamRole.LEAD, user__is_active=True)
    return list(rows.order_by("id").values_list("user_id", flat=True))


def rotas_for_display() -> QuerySet[Rota]:
    return Rota.objects.select_related("team").prefetch_related("members__user").order_by("team__name")


def rota_for_case(team_id: int | None) -> Rota | None:
    """The rota that pages for a case of team `team_id`: the team's own, else the default rota."""
    rotas = Rota.objects.select_related("team").prefetch_related("members__user")
    if team_id is not None:
        own = rotas.filter(team_id=team_id).first()
        if own is not None:
            return own
    return rotas.filter(is_default=True).first()


def pages_of_case(case_id: int) -> QuerySet[Page]:
    return Page.objects.filter(case_id=case_id).select_related("person", "acknowledged_by").order_by("id")


def pages_waiting() -> QuerySet[Page]:
    """Pages waiting for an acknowledgement, soonest deadline first (index `escalation_page_due`)."""
    return (
        Page.objects.filter(status=PageStatus.PENDING)
        .select_related("case", "person", "rota__team")
        .order_by("deadline", "id")
    )
