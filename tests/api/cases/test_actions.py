"""Lifecycle moves, escalation, assignment, merging, linking and the watchlist through the API."""

from __future__ import annotations

from typing import Any

from supportal.cases.models import Case, CaseEvent, CaseLink
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story


def act(api: Api, number: str, action: str, body: dict[str, object] | None = None) -> Any:
    """The case after the action, which must have succeeded."""
    response = api.post(f"cases/{number}/actions/{action}", body or {})
    assert response.status_code == 200, (action, response.content)
    return response.json()


def test_a_case_from_new_to_closed(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    assert act(dana, number, "take")["state"] == "open"
    case = act(dana, number, "ask-info", {"comment": "Which server?"})
    assert case["state"] == "awaiting_info" and case["assignee"]["email"] == "dana@provider.example"
    response = alice.post(f"cases/{number}/comments", {"body": "mx1"})
    assert response.status_code == 201
    assert alice.get(f"cases/{number}").json()["state"] == "open"  # a customer reply reopens it
    assert act(dana, number, "hold")["state"] == "on_hold"
    assert act(dana, number, "resume")["state"] == "open"
    resolved = act(dana, number, "resolve", {"comment": "Restarted **mx1**."})
    assert resolved["state"] == "resolved" and resolved["resolved_at"]
    assert alice.get(f"cases/{number}").json()["actions"] == ["accept", "reject", "close"]
    response = alice.post(f"cases/{number}/actions/reject", {})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"reason"}
    rejected = act(alice, number, "reject", {"reason": "Still bouncing"})
    assert rejected["state"] == "open" and rejected["reject_count"] == 1
    act(dana, number, "resolve")
    closed = act(alice, number, "accept")
    assert closed["state"] == "closed" and closed["close_reason"] == "accepted" and closed["actions"] == []
    moves = CaseEvent.objects.filter(case__number=number, kind="state_changed")
    assert [e.data["action"] for e in moves.order_by("id")] == [
        "take", "ask-info", "reply", "hold", "resume", "resolve", "reject", "resolve", "accept",
    ]  # fmt: skip
    assert {e.channel for e in moves.exclude(data__action="reply")} == {"api"}


def test_an_illegal_move_is_409(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    for action in ("resume", "resolve", "hold"):
        response = dana.post(f"cases/{number}/actions/{action}", {})
        assert response.status_code == 409, action
        assert error_of(response)["error"] == "conflict"
    act(dana, number, "take")
    assert dana.post(f"cases/{number}/actions/take", {}).status_code == 409
    assert alice.post(f"cases/{number}/actions/accept", {}).status_code == 409
    act(alice, number, "close")
    response = dana.post(f"cases/{number}/actions/escalate", {"reason": "Too late"})
    assert response.status_code == 409


def test_customers_may_not_make_agents_moves(story: Story, alice: Api, bob: Api, charlie: Api) -> None:
    number = open_case(story.alice).number
    for action in ("take", "resolve", "hold", "assign", "merge", "link"):
        response = alice.post(
            f"cases/{number}/actions/{action}",
            {"assignee": "dana@provider.example", "into": number, "case": number},
        )
        assert response.status_code in (403, 422), (action, response.content)
        if action in ("take", "resolve", "hold"):
            assert error_of(response)["error"] == "forbidden"
    assert alice.post(f"cases/{number}/actions/take", {}).status_code == 403
    for api in (bob, charlie):
        assert api.post(f"cases/{number}/actions/close", {}).status_code == 404
    assert Case.objects.get(number=number).state == "new"


def test_unknown_actions_are_refused_clearly(story: Story, dana: Api) -> None:
    number = open_case(story.alice).number
    response = dana.post(f"cases/{number}/actions/reopen", {})
    assert response.status_code == 422
    message = error_of(response)["fields"]["action"][0]
    assert "take" in message and "escalate" in message
    assert dana.post(f"cases/{number}/actions/auto-close", {}).status_code == 422
    assert dana.post(f"cases/{number}/actions/reply", {}).status_code == 422


def test_actions_without_a_body(story: Story, dana: Api) -> None:
    number = open_case(story.alice).number
    response = dana.client.generic("POST", f"/api/v1/cases/{number}/actions/take", b"", headers=dana.headers)
    assert response.status_code == 200 and response.json()["state"] == "open"


def test_agents_act_on_a_customers_behalf(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = alice.post(f"cases/{number}/actions/close", {"on_behalf_of": story.bob.pk})
    assert response.status_code == 403
    response = dana.post(f"cases/{number}/actions/close", {"on_behalf_of": story.charlie.pk})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"on_behalf_of"}
    closed = act(dana, number, "close", {"on_behalf_of": story.alice.pk, "comment": "Alice called"})
    assert closed["state"] == "closed" and closed["close_reason"] == "withdrawn"
    event = CaseEvent.objects.get(case__number=number, kind="state_changed")
    assert event.actor_id == story.dana.pk and event.on_behalf_of_id == story.alice.pk


def test_escalate(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = alice.post(f"cases/{number}/actions/escalate", {})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"reason"}
    case = act(alice, number, "escalate", {"reason": "Board meeting at noon", "comment": "Please hurry"})
    assert case["escalation_level"] == 1
    assert dana.get(f"cases/{number}/comments").json()["items"][0]["body"] == "Please hurry"
    assert act(dana, number, "escalate", {"reason": "Customer insists"})["escalation_level"] == 2
    response = dana.post(f"cases/{number}/actions/escalate", {"reason": "x", "comment": "<script>x</script>"})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"comment"}
    assert dana.get(f"cases/{number}").json()["escalation_level"] == 2


def test_assign(story: Story, dana: Api) -> None:
    number = open_case(story.alice).number
    response = dana.post(f"cases/{number}/actions/assign", {})
    assert response.status_code == 422
    response = dana.post(f"cases/{number}/actions/assign", {"assignee": "alice@acme.example"})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"assignee"}
    case = act(dana, number, "assign", {"team": "service-desk", "round_robin": True})
    assert case["team"]["slug"] == "service-desk" and case["assignee"]["id"] == story.dana.pk
    assert case["state"] == "open"
    case = act(dana, number, "assign", {"assignee": story.frank.pk})
    assert case["assignee"]["email"] == "frank@provider.example"


def test_merge_and_link(story: Story, alice: Api, dana: Api, charlie: Api) -> None:
    first = open_case(story.alice, "Mail down").number
    duplicate = open_case(story.alice, "Mail down again").number
    other = open_case(story.bob, "Printer").number
    globex = open_case(story.charlie, "Globex").number
    response = alice.post(f"cases/{duplicate}/actions/merge", {"into": first})
    assert response.status_code == 403
    response = dana.post(f"cases/{duplicate}/actions/merge", {"into": "0000000000"})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"into"}
    merged = act(dana, duplicate, "merge", {"into": first, "reason": "Same outage"})
    assert merged["state"] == "closed" and merged["merged_into"] == first
    assert merged["close_reason"] == "merged" and merged["links"] == [{"kind": "duplicate", "case": first}]
    survivor = dana.get(f"cases/{first}").json()
    assert survivor["links"] == [{"kind": "merged_from", "case": duplicate}]
    linked = act(dana, first, "link", {"case": other})
    assert {"kind": "related", "case": other} in linked["links"]
    assert dana.post(f"cases/{first}/actions/link", {"case": other}).status_code == 409
    act(dana, first, "link", {"case": globex})
    # Customers see links to their own organization's cases only.
    assert {"kind": "related", "case": globex} in dana.get(f"cases/{first}").json()["links"]
    assert globex not in str(alice.get(f"cases/{first}").json()["links"])
    assert first not in str(charlie.get(f"cases/{globex}").json()["links"])
    assert CaseLink.objects.count() == 3


def test_the_watchlist(story: Story, alice: Api, bob: Api, charlie: Api) -> None:
    number = open_case(story.alice).number
    assert bob.get(f"cases/{number}").status_code == 404
    response = alice.post(f"cases/{number}/watchers", {"email": "Bob@Acme.example"})
    assert response.status_code == 200, response.content
    assert [w["email"] for w in response.json()["watchers"]] == ["bob@acme.example"]
    assert bob.get(f"cases/{number}").status_code == 200  # watchers see the case
    case = alice.post(f"cases/{number}/watchers", {"user": story.dana.pk}).json()
    assert [w["email"] for w in case["watchers"]] == ["bob@acme.example", "dana@provider.example"]
    for body in ({}, {"email": "a@b.example", "user": story.bob.pk}, {"user": story.charlie.pk},
                 {"email": "charlie@globex.example"}, {"email": "not an address"}):  # fmt: skip
        response = alice.post(f"cases/{number}/watchers", body)
        assert response.status_code == 422, (body, response.content)
    assert charlie.post(f"cases/{number}/watchers", {"email": "charlie@globex.example"}).status_code == 404
    # A watcher may remove themselves, and then no longer sees the case.
    assert bob.delete(f"cases/{number}/watchers/bob@acme.example").status_code == 204
    assert bob.get(f"cases/{number}").status_code == 404
    assert alice.delete(f"cases/{number}/watchers/bob@acme.example").status_code == 404
    assert alice.delete(f"cases/{number}/watchers/dana@provider.example").status_code == 204
    assert alice.get(f"cases/{number}").json()["watchers"] == []
