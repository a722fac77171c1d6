"""Escalating a case one level up the organisation's escalation matrix (paging comes with the SLA work)."""

from __future__ import annotations

from django.db import transaction

from supportal.cases import policies
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import EscalationLevel
from supportal.orgs.policies import Actor, is_agent

DEFAULT_LEVELS = 3


def case_escalate(*, actor: Actor, case: Case, reason: str, channel: Channel | str) -> Case:
    """Raise the case's escalation level by one, with a reason. Agents, or customers who may act on it."""
    if not (is_agent(actor) or policies.can_act_as_customer(actor, case)):
        raise Forbidden("You may not escalate this case.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the case needs escalating.", fields={"reason": ["A reason is required."]})
    top = EscalationLevel.objects.filter(organisation_id=case.organisation_id).count() or DEFAULT_LEVELS
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        if locked.escalation_level >= top:
            raise Conflict(f"The case is already at the top escalation level ({top}).")
        old = locked.escalation_level
        locked.escalation_level = old + 1
        history.touch(locked, "escalation_level")
        level = EscalationLevel.objects.filter(organisation_id=case.organisation_id, level=old + 1).first()
        history.record(
            locked, EventKind.ESCALATED, actor=actor, channel=channel,
            data={"old": old, "new": old + 1, "reason": reason, "level_name": level.name if level else ""},
            publish_as="case.escalated",
        )  # fmt: skip
    case.escalation_level, case.updated_at = locked.escalation_level, locked.updated_at
    return case
