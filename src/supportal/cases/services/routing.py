"""Routing and assignment: rules send a new case to a team; agents assign by hand or round-robin."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from supportal.accounts.models import User, UserKind
from supportal.accounts.services import system_user
from supportal.cases import policies
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel, EventKind, RoundRobinPointer, RoutingRule
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import Team
from supportal.orgs.policies import Actor


def rule_for(case: Case) -> RoutingRule | None:
    """The first active rule (by position) whose every set condition matches the case."""
    item_type_id = case.config_item.item_type_id if case.config_item_id else None  # type: ignore[union-attr]
    return (
        RoutingRule.objects.filter(is_active=True)
        .filter(Q(case_type__isnull=True) | Q(case_type_id=case.case_type_id))
        .filter(Q(request_type__isnull=True) | Q(request_type_id=case.request_type_id))
        .filter(Q(config_item_type__isnull=True) | Q(config_item_type_id=item_type_id))
        .filter(Q(organisation__isnull=True) | Q(organisation_id=case.organisation_id))
        .select_related("team")
        .order_by("position", "id")
        .first()
    )


def route_new_case(case: Case, *, channel: Channel | str, team: Team | None = None) -> None:
    """Called by `case_create` in its transaction: set the team (and maybe the next agent in turn).
    `team` given (an alert integration's) is used instead of the rules."""
    rule = rule_for(case) if team is None else None
    team = team or (rule.team if rule is not None else None)
    if team is None:
        return
    router = system_user("routing", "Routing rules")
    case.team = team
    fields = ["team"]
    if rule is not None and rule.assign_round_robin:
        agent = next_in_turn(rule.team)
        if agent is not None:
            case.assignee = agent
            fields.append("assignee")
    history.touch(case, *fields)
    history.record(
        case,
        EventKind.ASSIGNED,
        actor=router,
        channel=Channel.SYSTEM,
        public=False,
        data={"old": None, "new": case.assignee_id, "team": case.team_id, "rule": rule.name if rule else ""},
        publish_as="case.assigned",
    )


def next_in_turn(team: Team) -> User | None:
    """The team's next active agent after the one given a case last (in id order, wrapping round)."""
    agents = list(
        User.objects.filter(teams=team, kind=UserKind.AGENT, is_active=True).order_by("id").only("id", "name")
    )
    if not agents:
        return None
    pointer, _ = RoundRobinPointer.objects.get_or_create(team=team)
    pointer = RoundRobinPointer.objects.select_for_update().get(pk=pointer.pk)
    after = [a for a in agents if pointer.last_user_id is not None and a.pk > pointer.last_user_id]
    chosen = after[0] if after else agents[0]
    pointer.last_user = chosen
    pointer.save(update_fields=["last_user"])
    return chosen


def case_assign(
    *,
    actor: Actor,
    case: Case,
    channel: Channel | str,
    assignee: User | None = None,
    team: Team | None = None,
    round_robin: bool = False,
) -> Case:
    """Give the case to a team and/or an agent (agents only). Assigning a New case opens it."""
    if not policies.can_work_case(actor, case):
        raise Forbidden("Only agents may assign cases.")
    if assignee is not None and (assignee.kind != UserKind.AGENT or not assignee.is_active):
        raise InvalidInput("Cases are assigned to active agents.", fields={"assignee": ["Not an agent."]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        old_assignee, old_team = locked.assignee_id, locked.team_id
        if team is not None and team.pk != locked.team_id:
            locked.team = team
        if round_robin:
            if locked.team is None:
                raise InvalidInput("Choose a team first.", fields={"team": ["Round-robin needs a team."]})
            assignee = next_in_turn(locked.team)
            if assignee is None:
                raise Conflict(f"{locked.team} has no active agents.")
        if assignee is not None and locked.state == State.NEW:
            from supportal.cases.services.transitions import case_transition

            if locked.team_id != old_team:
                history.touch(locked, "team")
                _record_assignment(locked, actor, channel, old_assignee, old_team)
            case_transition(
                actor=actor, case=locked, action=Action.ASSIGN, channel=channel, assignee=assignee
            )
        else:
            if assignee is not None:
                locked.assignee = assignee
            if (locked.assignee_id, locked.team_id) == (old_assignee, old_team):
                return case
            history.touch(locked, "assignee", "team")
            _record_assignment(locked, actor, channel, old_assignee, old_team)
    case.refresh_from_db()
    return case


def _record_assignment(
    case: Case, actor: Actor, channel: Channel | str, old_assignee: int | None, old_team: int | None
) -> None:
    history.record(
        case,
        EventKind.ASSIGNED,
        actor=actor,
        channel=channel,
        public=False,
        data={"old": old_assignee, "new": case.assignee_id, "old_team": old_team, "team": case.team_id},
        publish_as="case.assigned",
    )
