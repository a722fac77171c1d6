"""Changing who is on call: overrides (someone takes the pager for a while) and their removal.

Rotas themselves (members, hand-over rule, timeout) are configured by admins in the admin pages, where
every change is audited by the admin site.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.audit.services import audit_record
from supportal.core.errors import Forbidden, InvalidInput
from supportal.escalation import policies, selectors
from supportal.escalation.models import Rota, RotaOverride
from supportal.orgs.policies import Actor

REASON_MAX = 200
LONGEST = timedelta(days=90)


def override_create(
    *,
    actor: Actor,
    channel: str,
    rota: Rota,
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> RotaOverride:
    """Put `user` on call for `rota` from `starts_at` until `ends_at`."""
    member_ids = set(rota.members.values_list("user_id", flat=True))
    lead_ids = selectors.team_lead_ids(rota.team_id)
    if not policies.can_add_override(actor, lead_ids=lead_ids, member_ids=member_ids, user_id=user.pk):
        raise Forbidden("You may not change who is on call for this team.")
    problems: dict[str, list[str]] = {}
    if user.kind != UserKind.AGENT or not user.is_active:
        problems["user"] = ["Only an active agent can be on call."]
    if ends_at <= starts_at:
        problems["ends_at"] = ["The end must come after the start."]
    elif ends_at - starts_at > LONGEST:
        problems["ends_at"] = ["An override lasts at most 90 days; change the rota instead."]
    if ends_at <= timezone.now():
        problems.setdefault("ends_at", []).append("The override would be over already.")
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        problems["reason"] = [f"At most {REASON_MAX} characters."]
    if problems:
        raise InvalidInput("The override is not valid.", fields=problems)
    with transaction.atomic():
        override = RotaOverride.objects.create(
            rota=rota,
            user=user,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_by=actor if isinstance(actor, User) else None,
        )
        audit_record(
            actor=actor,
            action="rota.override_added",
            channel=channel,
            target=override,
            new={
                "team": rota.team.name,
                "user": user.email,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
                "reason": reason,
            },
        )
    return override


def override_remove(*, actor: Actor, channel: str, override: RotaOverride) -> None:
    lead_ids = selectors.team_lead_ids(override.rota.team_id)
    if not policies.can_remove_override(actor, override, lead_ids=lead_ids):
        raise Forbidden("You may not remove this override.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="rota.override_removed",
            channel=channel,
            target=override,
            old={
                "team": override.rota.team.name,
                "user": override.user.email,
                "starts_at": override.starts_at.isoformat(),
                "ends_at": override.ends_at.isoformat(),
            },
        )
        override.delete()
