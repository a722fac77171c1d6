"""Shared set-up of the workspace case page tests: its URLs, signed-in clients, macros, and a case of
Bob's brought to a state by the real services."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Macro
from tests.cases.conftest import CaseMaker, move
from tests.conftest import Story

# How to bring a New case to each state as Dana (agent) and Bob (its requester).
STEPS: dict[State, list[tuple[str, Action]]] = {
    State.NEW: [],
    State.OPEN: [("dana", Action.TAKE)],
    State.AWAITING_INFO: [("dana", Action.TAKE), ("dana", Action.ASK_INFO)],
    State.ON_HOLD: [("dana", Action.TAKE), ("dana", Action.HOLD)],
    State.RESOLVED: [("dana", Action.TAKE), ("dana", Action.RESOLVE)],
    State.CLOSED: [("bob", Action.CLOSE)],
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(case: Case | str) -> str:
    return reverse("agent:case", args=[case if isinstance(case, str) else case.number])


def url(name: str, case: Case, *args: Any) -> str:
    """`url("case_action", case, "take")` → /agent/cases/<number>/actions/take/."""
    return reverse(f"agent:{name}", args=[case.number, *args])


def bobs_case(story: Story, cases: CaseMaker, state: State = State.NEW, **kwargs: Any) -> Case:
    case = cases(story.bob, **kwargs)
    for who, action in STEPS[state]:
        move(case, getattr(story, who), action)
    case.refresh_from_db()
    assert case.state == state
    return case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def macro(**fields: Any) -> Macro:
    fields.setdefault("name", "A macro")
    return Macro.objects.create(**fields)


def test_routes_are_named() -> None:
    number = "2601000001"
    assert page_url(number) == "/agent/cases/2601000001/"
    expected = {
        "case_comment": "comments/",
        "case_preview": "preview/",
        "case_escalate": "escalate/",
        "case_assign": "assign/",
        "case_classification": "type/",
        "case_config_item": "config-item/",
        "case_priority": "priority/",
        "case_watcher_add": "watchers/",
        "case_watcher_remove": "watchers/remove/",
        "case_link": "link/",
        "case_merge": "merge/",
        "case_follow_up": "follow-up/",
        "case_presence": "presence/",
    }
    for name, tail in expected.items():
        assert reverse(f"agent:{name}", args=[number]) == f"/agent/cases/{number}/{tail}"
    assert reverse("agent:case_action", args=[number, "take"]) == f"/agent/cases/{number}/actions/take/"
    assert reverse("agent:case_macro", args=[number, 7]) == f"/agent/cases/{number}/macros/7/"
