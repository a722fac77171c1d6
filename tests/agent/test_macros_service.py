"""Macros (canned replies): which an agent may use, how their placeholders fill in, and what applying one
does to a case, through the same services a person doing each step would use, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, Comment, EventKind, Macro
from supportal.cases.services import case_create
from supportal.cases.services.macros import macro_apply, macro_render, macro_values, macros_available_to
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs import services as org_services
from supportal.orgs.models import Team
from tests.cases.conftest import move
from tests.conftest import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def cloud_ops(story: Story) -> Team:
    return Team.objects.create(name="Cloud Operations", slug="cloud-operations")


def open_case(story: Story, **kwargs: Any) -> Case:
    kwargs.setdefault("actor", story.alice)
    kwargs.setdefault("subject", "The VPN drops every ten minutes")
    kwargs.setdefault("channel", "portal")
    return case_create(organisation=story.acme, **kwargs)


@pytest.fixture
def case(story: Story) -> Case:
    """Alice's P2 case, taken by Dana (Open)."""
    opened = open_case(story, urgency="medium", impact="medium")
    move(opened, story.dana, Action.TAKE)
    opened.refresh_from_db()
    return opened


def macro(**fields: Any) -> Macro:
    fields.setdefault("name", "A macro")
    return Macro.objects.create(**fields)


def apply(story: Story, case: Case, made: Macro, **kwargs: Any) -> Comment | None:
    return macro_apply(actor=story.dana, case=case, macro=made, channel="portal", **kwargs)


# --- macro_render


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("requester.first_name", "Alice"),
        ("requester.name", "Alice Acme"),
        ("case.subject", "The VPN drops every ten minutes"),
        ("case.priority", "P2 High"),
        ("organisation.name", "Acme Corp"),
        ("agent.name", "Dana Agent"),
        ("agent.first_name", "Dana"),
    ],
)
def test_each_placeholder_fills_in(story: Story, case: Case, placeholder: str, expected: str) -> None:
    assert (
        macro_render(macro(body=f"<{{{{ {placeholder} }}}}>"), case=case, actor=story.dana) == f"<{expected}>"
    )


def test_the_number_and_link_of_the_case_fill_in(story: Story, case: Case) -> None:
    made = macro(body="Case {{case.number}}: {{ case.url }}")
    rendered = macro_render(made, case=case, actor=story.dana)
    assert rendered == f"Case {case.number}: {settings.BASE_URL}/cases/{case.number}/"


def test_a_callers_name_given_when_filing_is_the_requesters_name(story: Story) -> None:
    virtual = story.acme.virtual_user
    filed = open_case(story, actor=story.dana, requester=virtual, requester_name="Jane Doe", channel="phone")
    made = macro(body="Hello {{ requester.first_name }} ({{ requester.name }})")
    assert macro_render(made, case=filed, actor=story.dana) == "Hello Jane (Jane Doe)"


def test_unknown_placeholders_are_left_as_written(story: Story, case: Case) -> None:
    made = macro(body="{{ requester.shoe_size }} {{ nonsense }} {{ case.number }} {{case}}")
    assert macro_render(made, case=case, actor=story.dana) == (
        "{{ requester.shoe_size }} {{ nonsense }} " + case.number + " {{case}}"
    )


def test_the_admins_list_of_placeholders_matches_what_the_service_fills(story: Story, case: Case) -> None:
    from supportal.cases.admin import MACRO_PLACEHOLDERS

    assert set(MACRO_PLACEHOLDERS) == set(macro_values(case, story.dana))


# --- macros_available_to


def test_agents_see_everyones_their_teams_and_their_own_macros(story: Story, cloud_ops: Team) -> None:
    hugo = org_services.agent_create(
        actor=story.erin, channel="cli", email="hugo@provider.example", name="Hugo", teams=[cloud_ops]
    )
    everyone = macro(name="Everyone's")
    desk = macro(name="Service Desk's", for_team=story.service_desk)
    ops = macro(name="Cloud Operations'", for_team=cloud_ops)
    danas = macro(name="Dana's", owner=story.dana)
    hugos = macro(name="Hugo's", owner=hugo)
    macro(name="Retired", is_active=False)
    assert set(macros_available_to(story.dana)) == {everyone, desk, danas}
    assert set(macros_available_to(hugo)) == {everyone, ops, hugos}
    assert set(macros_available_to(story.frank)) == {everyone}  # in no team
    assert list(macros_available_to(story.alice)) == []


def test_macros_come_in_their_position_then_name(story: Story) -> None:
    later = macro(name="A later", position=2)
    first = macro(name="Z first", position=1)
    second = macro(name="B second", position=2)
    assert list(macros_available_to(story.dana)) == [first, later, second]


# --- macro_apply


def test_a_public_reply_that_resolves(story: Story, case: Case) -> None:
    made = macro(
        name="Resolved — please confirm", body="Hi {{ requester.first_name }}, fixed.", set_action="resolve"
    )
    comment = apply(story, case, made)
    case.refresh_from_db()
    assert comment is not None and comment.public and comment.body == "Hi Alice, fixed."
    assert case.state == State.RESOLVED
    assert [e.kind for e in CaseEvent.objects.filter(case=case).order_by("id")][-2:] == [
        EventKind.COMMENTED, EventKind.STATE_CHANGED,
    ]  # fmt: skip


def test_an_internal_note_that_puts_the_case_on_hold(story: Story, case: Case) -> None:
    made = macro(
        name="On hold pending vendor", body="Waiting for the vendor.", public=False, set_action="hold"
    )
    comment = apply(story, case, made)
    case.refresh_from_db()
    assert comment is not None and not comment.public
    assert case.state == State.ON_HOLD


def test_the_agents_edit_of_the_text_is_what_is_sent(story: Story, case: Case) -> None:
    made = macro(body="Please send the logs.", set_action="ask-info")
    comment = apply(story, case, made, body="Please send the logs of Monday.")
    case.refresh_from_db()
    assert comment is not None and comment.body == "Please send the logs of Monday."
    assert case.state == State.AWAITING_INFO


def test_setting_the_priority_records_the_macro_as_the_reason(story: Story, case: Case) -> None:
    made = macro(name="Major incident", body="", set_priority="P1")
    assert apply(story, case, made) is None  # no text, no comment
    case.refresh_from_db()
    assert case.priority == "P1"
    event = CaseEvent.objects.get(case=case, kind=EventKind.PRIORITY_CHANGED)
    assert event.data["reason"] == "Macro: Major incident" and event.data["new"] == "P1"


def test_setting_the_team_moves_the_case(story: Story, case: Case, cloud_ops: Team) -> None:
    made = macro(
        name="Escalate to Cloud Operations", body="Over to Cloud Ops.", public=False, set_team=cloud_ops
    )
    apply(story, case, made)
    case.refresh_from_db()
    assert case.team == cloud_ops
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).exists()


def test_a_macro_not_available_to_the_agent_is_refused(story: Story, case: Case, cloud_ops: Team) -> None:
    for unavailable in (
        macro(name="Cloud Ops only", body="x", for_team=cloud_ops),
        macro(name="Frank's", body="x", owner=story.frank),
        macro(name="Retired", body="x", is_active=False),
    ):
        with pytest.raises(InvalidInput) as refused:
            apply(story, case, unavailable)
        assert refused.value.fields == {"macro": ["Choose one of your macros."]}
    assert not Comment.objects.filter(case=case).exists()


def test_customers_may_not_use_macros(story: Story, case: Case) -> None:
    with pytest.raises(Forbidden):
        macro_apply(actor=story.alice, case=case, macro=macro(body="x"), channel="portal")


def test_a_refused_move_rolls_the_comment_back(story: Story, case: Case) -> None:
    move(case, story.dana, Action.RESOLVE)  # Resolved: it cannot be put on hold
    case.refresh_from_db()
    made = macro(body="Waiting for the vendor.", set_action="hold", set_priority="P1")
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Conflict):
        apply(story, case, made)
    case.refresh_from_db()
    assert case.state == State.RESOLVED and case.priority == "P2"
    assert not Comment.objects.filter(case=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == before
