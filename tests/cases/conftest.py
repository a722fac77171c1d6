"""Helpers for the cases tests: open cases through the real services and drive them through the lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pytest

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, Category, ExtraField, RequestType
from supportal.orgs.models import Organisation
from tests.conftest import Story

RequestTypeMaker = Callable[..., RequestType]


class CaseMaker(Protocol):
    def __call__(self, actor: User | None = None, **kwargs: Any) -> Case: ...


def organisation_of(user: User) -> Organisation:
    return user.membership.organisation  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
def cases(story: Story) -> CaseMaker:
    """`cases()` opens a case as Alice through `services.case_create`; any argument may be overridden."""

    def make(actor: User | None = None, **kwargs: Any) -> Case:
        actor = actor or story.alice
        if "organisation" not in kwargs:
            kwargs["organisation"] = story.acme if actor.is_agent else organisation_of(actor)
        kwargs.setdefault("subject", "The VPN drops every ten minutes")
        kwargs.setdefault("channel", "portal")
        return services.case_create(actor=actor, **kwargs)

    return make


def move(case: Case, actor: User, action: Action | str, **kwargs: Any) -> Case:
    """`case_transition` through the portal channel."""
    return services.case_transition(actor=actor, case=case, action=action, channel="portal", **kwargs)


def reply(case: Case, actor: User, body: str = "Here is what you asked for.", **kwargs: Any) -> Any:
    return services.comment_add(actor=actor, case=case, body=body, channel="portal", **kwargs)


# How to bring a New case to each state: (role, action) steps, agent = Dana, customer = Alice.
PATHS: dict[State, list[tuple[str, Action]]] = {
    State.NEW: [],
    State.OPEN: [("agent", Action.TAKE)],
    State.AWAITING_INFO: [("agent", Action.TAKE), ("agent", Action.ASK_INFO)],
    State.ON_HOLD: [("agent", Action.TAKE), ("agent", Action.HOLD)],
    State.RESOLVED: [("agent", Action.TAKE), ("agent", Action.RESOLVE)],
    State.CLOSED: [("customer", Action.CLOSE)],
}


@pytest.fixture
def case_in(story: Story, cases: CaseMaker) -> Callable[..., Case]:
    """`case_in(State.ON_HOLD)`: a case of Alice's brought to that state by the real services."""

    def make(state: State, **kwargs: Any) -> Case:
        case = cases(**kwargs)
        for role, action in PATHS[state]:
            move(case, story.dana if role == "agent" else story.alice, action)
        case.refresh_from_db()
        assert case.state == state
        return case

    return make


def history(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """The case's events as (kind, data), oldest first: what `lifecycle.replay` reads."""
    return [(e.kind, e.data) for e in CaseEvent.objects.filter(case=case).order_by("id")]


def kinds(case: Case) -> list[str]:
    return [kind for kind, _ in history(case)]


@pytest.fixture
def request_type(db: None) -> RequestTypeMaker:
    """`request_type("vpn", fields=[{"key": ..., "kind": ..., "required": ...}])` with its form."""
    counter = iter(range(1, 1000))

    def make(
        slug: str = "", *, case_type_code: str = "incident", fields: Any = (), **kwargs: Any
    ) -> RequestType:
        from supportal.cases.models import CaseType

        n = next(counter)
        category, _ = Category.objects.get_or_create(slug="cloud", defaults={"name": "Cloud"})
        rt = RequestType.objects.create(
            category=category,
            case_type=CaseType.objects.get(code=case_type_code),
            slug=slug or f"request-{n}",
            name=kwargs.pop("name", f"Request {n}"),
            **kwargs,
        )
        for position, spec in enumerate(fields):
            ExtraField.objects.create(
                request_type=rt,
                position=position,
                label=spec.get("label", spec["key"].replace("_", " ").capitalize()),
                **{k: v for k, v in spec.items() if k != "label"},
            )
        return rt

    return make
