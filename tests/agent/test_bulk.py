"""Bulk actions: each selected case goes through the service on its own (its own events), refusals are
reported while the other cases are still done, and only agents may post (with a CSRF token)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from supportal.agent import bulk
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, Comment, EventKind
from tests.agent.test_queues import Queues, client_for, listed, make_queues
from tests.cases.conftest import move
from tests.conftest import Story
from tests.web.cases.test_list_cases import open_case


@pytest.fixture
def queues(story: Story) -> Queues:
    return make_queues(story)


def post(client: Client, cases: list[Case], **fields: Any) -> Any:
    data = {"case": [c.number for c in cases], "next": "/agent/queues/all/?sort=newest", **fields}
    return client.post("/agent/bulk/", data)


def said(response: Any) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def events(case: Case, kind: EventKind) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("id"))


def fresh(*cases: Case) -> list[Case]:
    for case in cases:
        case.refresh_from_db()
    return list(cases)


def test_dana_assigns_three_new_cases_to_herself(story: Story) -> None:
    made = [open_case(story.alice, f"New {n}") for n in range(3)]
    response = post(client_for(story.dana), made, action="assign", assignee=story.dana.pk)
    assert response.status_code == 302 and response["Location"] == "/agent/queues/all/?sort=newest"
    assert said(response) == "3 cases assigned to Dana Agent."
    for case in fresh(*made):
        assert (case.state, case.assignee, case.team) == (State.OPEN, story.dana, story.service_desk)
        assert len(events(case, EventKind.ASSIGNED)) == 1  # each on its own history
        assert len(events(case, EventKind.STATE_CHANGED)) == 1
    assert set(listed(client_for(story.dana).get("/agent/queues/mine/"))) == {c.number for c in made}


def test_refusals_are_reported_and_the_others_still_done(story: Story, queues: Queues) -> None:
    chosen = [queues.new, queues.closed, queues.held, queues.taken]
    before = len(events(queues.held, EventKind.ASSIGNED))
    response = post(client_for(story.dana), chosen, action="assign", team=queues.network.pk)
    assert said(response) == (
        f"3 cases assigned to Network; 1 not changed: {queues.closed.number} "
        "(This case is closed; nothing more may change)."
    )
    new, closed, held, taken = fresh(*chosen)
    assert new.team == held.team == taken.team == queues.network
    assert new.state == State.NEW  # a team alone does not open it
    assert closed.team == story.service_desk and len(events(closed, EventKind.ASSIGNED)) == 1  # the take
    assert len(events(held, EventKind.ASSIGNED)) == before + 1


def test_state_moves_through_the_lifecycle(story: Story, queues: Queues) -> None:
    chosen = [queues.taken, queues.new, queues.awaiting]
    response = post(client_for(story.dana), chosen, action="move", move="hold")
    assert said(response) == (
        f"1 case put on hold; 2 not changed: {queues.new.number} (A case that is New cannot be moved by "
        f"“Put on hold”); {queues.awaiting.number} (A case that is Awaiting Info cannot be moved by "
        "“Put on hold”)."
    )
    taken, new, _ = fresh(*chosen)
    assert taken.state == State.ON_HOLD and new.state == State.NEW
    response = post(client_for(story.dana), [new, queues.routed], action="move", move=Action.TAKE)
    assert said(response) == "2 cases taken."
    assert {c.assignee for c in fresh(new, queues.routed)} == {story.dana}


def test_priority_needs_a_reason_and_is_recorded_per_case(story: Story, queues: Queues) -> None:
    dana = client_for(story.dana)
    chosen = [queues.new, queues.taken, queues.held]
    refused = post(dana, chosen, action="priority", priority="P1", reason="  ")
    assert said(refused) == "Nothing was changed. Reason for the new priority: Required for this action."
    assert not any(events(c, EventKind.PRIORITY_CHANGED) for c in chosen)
    post(dana, [queues.held], action="priority", priority="P1", reason="Production down")
    response = post(dana, chosen, action="priority", priority="P1", reason="Production down")
    assert said(response) == f"2 cases set to P1 Critical; 1 not changed: {queues.held.number} (already so)."
    for case in fresh(*chosen):
        assert case.priority == "P1"
        [event] = events(case, EventKind.PRIORITY_CHANGED)
        assert event.data["reason"] == "Production down" and event.actor_id == story.dana.pk


def test_an_internal_note_on_each(story: Story, queues: Queues) -> None:
    chosen = [queues.new, queues.awaiting, queues.closed]
    response = post(client_for(story.dana), chosen, action="note", note="Checked with **network** team.")
    assert said(response).startswith(
        f"2 cases given an internal note; 1 not changed: {queues.closed.number} ("
    )
    for case in (queues.new, queues.awaiting):
        [note] = Comment.objects.filter(case=case, body="Checked with **network** team.")
        assert not note.public and note.author_id == story.dana.pk
        assert events(case, EventKind.COMMENTED)[-1].public is False
    fresh(queues.awaiting)
    assert queues.awaiting.state == State.AWAITING_INFO  # a note is not a customer reply


def test_what_is_not_done_at_all(story: Story, queues: Queues, monkeypatch: pytest.MonkeyPatch) -> None:
    dana = client_for(story.dana)
    assert said(post(dana, [], action="assign", assignee=story.dana.pk)) == "Select at least one case first."
    monkeypatch.setattr(bulk, "MAX_CASES", 2)
    too_many = post(dana, [queues.new, queues.routed, queues.taken], action="assign", assignee=story.dana.pk)
    assert said(too_many) == "At most 2 cases at a time: nothing was changed."
    assert (
        said(post(dana, [queues.new], action="assign"))
        == "Nothing was changed. Agent: Choose an agent or a team."
    )
    not_agent = post(dana, [queues.new], action="assign", assignee=story.alice.pk)
    assert said(not_agent).startswith("Nothing was changed. Agent: Select a valid choice.")
    assert said(post(dana, [queues.new], action="explode")).startswith("Nothing was changed. Action: ")
    ghost = dana.post("/agent/bulk/", {"case": ["2699999999"], "action": "move", "move": "take"})
    assert said(ghost) == "1 not changed: 2699999999 (not found)."
    assert ghost["Location"] == "/agent/"  # no next: back to the workspace
    queues.new.refresh_from_db()
    assert queues.new.state == State.NEW


def test_next_must_be_a_workspace_page(story: Story, queues: Queues) -> None:
    dana = client_for(story.dana)
    for bad in ("https://evil.example/agent/", "//evil.example/agent/", "/cases/", "javascript:alert(1)"):
        response = dana.post(
            "/agent/bulk/", {"case": [queues.new.number], "action": "note", "note": "x", "next": bad}
        )
        assert response["Location"] == "/agent/", bad


def test_only_agents_may_post_and_csrf_is_checked(client: Client, story: Story, queues: Queues) -> None:
    data = {"case": [queues.new.number], "action": "move", "move": "take"}
    assert client.post("/agent/bulk/", data)["Location"].startswith("/accounts/login/")
    for customer in (story.alice, story.charlie):
        assert client_for(customer).post("/agent/bulk/", data).status_code == 404
    assert client_for(story.dana).get("/agent/bulk/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(story.dana)
    assert strict.post("/agent/bulk/", data).status_code == 403
    queues.new.refresh_from_db()
    assert queues.new.state == State.NEW
    move(queues.new, story.dana, Action.TAKE)
