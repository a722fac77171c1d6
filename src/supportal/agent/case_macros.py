"""Macros on the case page: the agent's own list, one macro's text filled in for the case, and what
applying it will also do (its note or reply, priority, team and move), said before the agent sends it."""

from __future__ import annotations

from dataclasses import dataclass, field

from supportal.accounts.models import User
from supportal.agent.case_forms import NOTE, PUBLIC, ComposerForm
from supportal.cases.lifecycle import Action, Role, State, actions_available
from supportal.cases.models import Case, Macro
from supportal.cases.services.macros import macro_render, macros_available_to


@dataclass
class MacroChoice:
    """A macro chosen for the composer: what it does besides its text, and any move the state refuses."""

    macro: Macro
    effects: list[str] = field(default_factory=list)
    refused: str = ""


def macro_for(actor: User, macro_id: object) -> Macro | None:
    """One of the agent's macros by id (with its team), or None."""
    try:
        pk = int(str(macro_id))
    except ValueError:
        return None
    return macros_available_to(actor).select_related("set_team").filter(pk=pk).first()


def describe(macro: Macro, case: Case) -> MacroChoice:
    choice = MacroChoice(macro)
    choice.effects.append("Adds a public reply" if macro.public else "Adds an internal note")
    if macro.set_priority and macro.set_priority != case.priority:
        choice.effects.append(f"Sets the priority to {macro.get_set_priority_display()}")
    if macro.set_team_id and macro.set_team_id != case.team_id and macro.set_team is not None:
        choice.effects.append(f"Passes the case to the team {macro.set_team.name}")
    if macro.set_action:
        action = Action(macro.set_action)
        choice.effects.append(f"Then: {action.label}")
        if action not in actions_available(State(case.state), Role.AGENT):
            choice.refused = (
                f"“{action.label}” is not possible while the case is {State(case.state).label}: "
                "sending will be refused."
            )
    return choice


def filled_composer(macro: Macro, case: Case, actor: User) -> ComposerForm:
    """The composer holding the macro's text for this case, in the macro's mode."""
    return ComposerForm(
        auto_id="composer-%s",
        initial={
            "body": macro_render(macro, case=case, actor=actor),
            "mode": PUBLIC if macro.public else NOTE,
            "macro": macro.pk,
        },
    )
