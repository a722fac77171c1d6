"""Bulk actions, one case at a time: each selected case goes through the service in its own transaction,
so each change is recorded on that case's own history, and a refusal (a closed case, a move the
lifecycle does not allow) leaves the others done. The summary says what happened to how many.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, Channel
from supportal.core.errors import DomainError
from supportal.orgs.models import Team
from supportal.orgs.policies import Actor

CHANNEL = Channel.PORTAL
REFUSALS_LISTED = 10
# How the summary says each move was done: "3 cases put on hold".
MOVE_DONE = {
    Action.TAKE: "taken",
    Action.ASK_INFO: "set to await the customer's information",
    Action.HOLD: "put on hold",
    Action.RESUME: "resumed",
    Action.RESOLVE: "resolved",
}
BULK_MOVES = list(MOVE_DONE)

# A change to one case: True if it changed something, False if the case was so already.
Change = Callable[[Case], bool]


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, why)

    def summary(self, what: str) -> str:
        """What happened, as in "4 cases assigned to Dana Agent; 1 not changed: 2612000003 (…)"."""
        parts = [f"{_cases(len(self.done))} {what}"] if self.done else []
        if self.refused:
            listed = [f"{number} ({why})" for number, why in self.refused[:REFUSALS_LISTED]]
            more = len(self.refused) - REFUSALS_LISTED
            parts.append(
                f"{len(self.refused)} not changed: {'; '.join(listed)}"
                + (f"; and {more} more" if more > 0 else "")
            )
        return "; ".join(parts) + "."


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"


def apply_each(cases: Iterable[Case], change: Change) -> Outcome:
    outcome = Outcome()
    for case in cases:
        try:
            with transaction.atomic():
                changed = change(case)
        except DomainError as error:
            outcome.refused.append((case.number, error.detail.rstrip(".")))
            continue
        if changed:
            outcome.done.append(case.number)
        else:
            outcome.refused.append((case.number, "already so"))
    return outcome


def assign(actor: Actor, assignee: User | None, team: Team | None) -> Change:
    def change(case: Case) -> bool:
        before = (case.assignee_id, case.team_id)
        services.case_assign(actor=actor, case=case, channel=CHANNEL, assignee=assignee, team=team)
        return (case.assignee_id, case.team_id) != before

    return change


def move(actor: Actor, action: Action) -> Change:
    def change(case: Case) -> bool:
        services.case_transition(actor=actor, case=case, action=action, channel=CHANNEL)
        return True

    return change


def set_priority(actor: Actor, priority: str, reason: str) -> Change:
    def change(case: Case) -> bool:
        if case.priority == priority:
            return False
        services.case_update(actor=actor, case=case, channel=CHANNEL, priority=priority, reason=reason)
        return True

    return change


def add_note(actor: Actor, body: str) -> Change:
    def change(case: Case) -> bool:
        services.comment_add(actor=actor, case=case, body=body, channel=CHANNEL, public=False)
        return True

    return change
