"""Canned replies: fill a macro's placeholders for a case, and apply it (its text, fields and move).

`macro_apply` runs in one transaction through the other services, so a macro that resolves a case
records the same events a person doing each step would, and a refused step (a move the state does not
allow) leaves the case unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from supportal.cases import policies
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Channel, Comment, Macro
from supportal.core.errors import Forbidden, InvalidInput
from supportal.core.files import CheckedFile
from supportal.orgs.policies import Actor, is_agent

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")


def macros_available_to(actor: Actor) -> QuerySet[Macro]:
    """The active macros an agent may use: everyone's, their teams', and their own."""
    if not is_agent(actor):
        return Macro.objects.none()
    teams = list(actor.teams.values_list("pk", flat=True))  # type: ignore[union-attr]
    scope = Q(owner__isnull=True, for_team__isnull=True) | Q(owner_id=actor.pk) | Q(for_team_id__in=teams)
    return Macro.objects.filter(scope, is_active=True).order_by("position", "name")


def macro_values(case: Case, actor: Actor) -> dict[str, str]:
    """What each placeholder stands for on this case, written by this agent."""
    name = case.requester_name or case.requester.display_name
    agent = getattr(actor, "display_name", "")
    return {
        "requester.name": name,
        "requester.first_name": name.split(" ")[0],
        "case.number": case.number,
        "case.subject": case.subject,
        "case.priority": case.get_priority_display(),
        "case.url": f"{settings.BASE_URL}/cases/{case.number}/",
        "organisation.name": case.organisation.name,
        "agent.name": agent,
        "agent.first_name": agent.split(" ")[0],
    }


def macro_render(macro: Macro, *, case: Case, actor: Actor) -> str:
    """The macro's text for this case; an unknown placeholder is left as written."""
    values = macro_values(case, actor)
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), macro.body)


def macro_apply(
    *,
    actor: Actor,
    case: Case,
    macro: Macro,
    channel: Channel | str,
    body: str | None = None,
    files: Sequence[CheckedFile] = (),
) -> Comment | None:
    """Add the macro's text (or `body`, the agent's edit of it) as a reply or note, then set its
    priority and team and make its move. Returns the comment, if there was text."""
    from supportal.cases.services.comments import comment_add
    from supportal.cases.services.routing import case_assign
    from supportal.cases.services.transitions import case_transition
    from supportal.cases.services.updates import case_update

    if not policies.can_work_case(actor, case):
        raise Forbidden("Only agents use macros.")
    if not macros_available_to(actor).filter(pk=macro.pk).exists():
        raise InvalidInput("No such macro.", fields={"macro": ["Choose one of your macros."]})
    text = (macro_render(macro, case=case, actor=actor) if body is None else body).strip()
    comment: Comment | None = None
    with transaction.atomic():
        if text or files:
            comment = comment_add(
                actor=actor, case=case, body=text, channel=channel, public=macro.public, files=files
            )
        if macro.set_priority and macro.set_priority != case.priority:
            case_update(
                actor=actor,
                case=case,
                channel=channel,
                priority=macro.set_priority,
                reason=f"Macro: {macro.name}",
            )
        if macro.set_team_id and macro.set_team_id != case.team_id:
            case_assign(actor=actor, case=case, channel=channel, team=macro.set_team)
        if macro.set_action:
            case_transition(actor=actor, case=case, action=Action(macro.set_action), channel=channel)
    return comment
