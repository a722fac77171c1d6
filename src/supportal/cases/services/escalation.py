"""Moving a case up and down the organisation's escalation matrix, with a reason.

`case_escalate` (agents, or customers who may act on the case) raises the level by one; `case_deescalate`
(agents only) lowers it by one, never below 0. `escalate_on_breach` is the SLA sweep's: when the case's
support plan says so (`SupportPlan.escalate_on_sla_breach`), a breached clock raises the level once, as
the "SLA" system user. Each move is a case event (`escalated` / `deescalated`) published as the domain
event `case.escalated` / `case.deescalated`; who is told is notifications.escalation_emails'.
"""

from __future__ import annotations

from django.db import transaction

from supportal.cases import policies
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, Channel, EventKind
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import EscalationLevel
from supportal.orgs.policies import Actor, is_agent

DEFAULT_LEVELS = 3
SLA_METRICS = {"response": "first response", "workaround": "workaround", "resolution": "resolution"}


def top_level(case: Case) -> int:
    """The highest level of the case's organisation's matrix (DEFAULT_LEVELS when it has none)."""
    return EscalationLevel.objects.filter(organisation_id=case.organisation_id).count() or DEFAULT_LEVELS


def case_escalate(*, actor: Actor, case: Case, reason: str, channel: Channel | str) -> Case:
    """Raise the case's escalation level by one, with a reason. Agents, or customers who may act on it."""
    if not (is_agent(actor) or policies.can_act_as_customer(actor, case)):
        raise Forbidden("You may not escalate this case.")
    return _move(actor=actor, case=case, reason=_reason(reason, "escalating"), channel=channel, step=1)


def case_deescalate(*, actor: Actor, case: Case, reason: str, channel: Channel | str) -> Case:
    """Lower the case's escalation level by one (not below 0), with a reason. Agents only."""
    if not is_agent(actor):
        raise Forbidden("Only agents may de-escalate a case.")
    return _move(actor=actor, case=case, reason=_reason(reason, "de-escalating"), channel=channel, step=-1)


def escalate_on_breach(*, case_id: int, breach_event_id: int, metric: str) -> Case | None:
    """The automatic escalation of a breached SLA clock, when the case's plan asks for it.

    At most once per breach event (so once per clock: the sweep marks a clock breached once). Nothing
    happens for a closed case or one already at the top level. Returns the case when it was escalated.
    """
    from supportal.accounts.services import system_user

    case = Case.objects.select_related("organisation__plan").filter(pk=case_id).first()
    if case is None or not case.organisation.plan.escalate_on_sla_breach:
        return None
    if case.state == State.CLOSED or case.escalation_level >= top_level(case):
        return None
    already = CaseEvent.objects.filter(
        case_id=case_id, kind=EventKind.ESCALATED, data__sla_breach_event=breach_event_id
    )
    if already.exists():
        return None
    reason = f"SLA breached: {SLA_METRICS.get(metric, metric)}"
    try:
        return _move(
            actor=system_user("sla", "SLA"), case=case, reason=reason, channel=Channel.SYSTEM, step=1,
            extra={"sla_breach_event": breach_event_id, "metric": metric},
        )  # fmt: skip
    except Conflict:  # closed or at the top meanwhile
        return None


def _reason(reason: str, doing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(f"Say why the case needs {doing}.", fields={"reason": ["A reason is required."]})
    return reason


def _move(
    *,
    actor: Actor,
    case: Case,
    reason: str,
    channel: Channel | str,
    step: int,
    extra: dict[str, object] | None = None,
) -> Case:
    top = top_level(case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        if step > 0 and locked.escalation_level >= top:
            raise Conflict(f"The case is already at the top escalation level ({top}).")
        if step < 0 and locked.escalation_level <= 0:
            raise Conflict("The case is not escalated.")
        old = locked.escalation_level
        new = old + step
        locked.escalation_level = new
        history.touch(locked, "escalation_level")
        level = EscalationLevel.objects.filter(organisation_id=case.organisation_id, level=new).first()
        up = step > 0
        history.record(
            locked, EventKind.ESCALATED if up else EventKind.DEESCALATED, actor=actor, channel=channel,
            data={
                "old": old, "new": new, "reason": reason, "level_name": level.name if level else "",
                **(extra or {}),
            },
            publish_as="case.escalated" if up else "case.deescalated",
        )  # fmt: skip
    case.escalation_level, case.updated_at = locked.escalation_level, locked.updated_at
    return case
