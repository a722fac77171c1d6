"""Opening, reading, changing, listing and searching cases through /api/v1/cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from supportal.cases import services
from supportal.cases.models import Case, CaseEvent, Visibility
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_a_customer_opens_a_case(story: Story, alice: Api) -> None:
    response = alice.post(
        "cases",
        {
            "subject": "  Mail   server down ",
            "description": "Since **09:00**.",
            "type": "incident",
            "urgency": "high",
            "impact": "high",
            "reference": "ACME-17",
            "visibility": "organization",
            "watchers": ["bob@acme.example", "ops@elsewhere.example"],
        },
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["subject"] == "Mail server down" and case["type"] == "incident" and case["kind"] == "case"
    assert (case["priority"], case["state"], case["state_label"]) == ("P1", "new", "New")
    assert case["description_html"] == "<p>Since <strong>09:00</strong>.</p>\n"
    assert case["organization"] == {"id": story.acme.pk, "name": "Acme Corp"}
    assert case["requester"]["email"] == "alice@acme.example" and case["filed_by"] is None
    assert (
        case["channel"] == "api" and case["visibility"] == "organization" and case["reference"] == "ACME-17"
    )
    assert case["watchers"] == [
        {
            "email": "bob@acme.example",
            "user": {"id": story.bob.pk, "email": "bob@acme.example", "name": "Bob Acme"},
        },
        {"email": "ops@elsewhere.example", "user": None},
    ]
    assert [(clock["metric"], clock["status"]) for clock in case["sla"]] == [
        ("response", "running"), ("workaround", "running"), ("resolution", "running")
    ]  # fmt: skip
    assert case["actions"] == ["close"] and case["links"] == []
    assert Case.objects.get(number=case["number"]).channel == "api"


def test_agents_name_the_organization_and_may_name_the_requester(story: Story, dana: Api) -> None:
    response = dana.post("cases", {"subject": "Phone call"})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"organization"}
    response = dana.post(
        "cases",
        {"subject": "Phone call", "organization": story.acme.pk, "requester": "BOB@acme.example",
         "filed_reason": "requested by phone"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["requester"]["id"] == story.bob.pk and case["filed_by"]["email"] == "dana@provider.example"
    assert case["filed_reason"] == "requested by phone" and case["actions"] == ["take"]
    response = dana.post("cases", {"subject": "Alert", "organization": story.acme.pk})
    assert response.json()["requester"]["id"] == story.acme.virtual_user_id
    response = dana.post(
        "cases", {"subject": "x", "organization": story.acme.pk, "requester": story.charlie.pk}
    )
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"requester"}


def test_unknown_types_are_422_with_the_field(story: Story, alice: Api) -> None:
    for body, field in (
        ({"subject": "x", "type": "no-such-type"}, "type"),
        ({"subject": "x", "request_type": "no-such-form"}, "request_type"),
        ({"subject": "x", "config_item": 999999}, "config_item"),
        ({"subject": "x", "watchers": [story.charlie.pk]}, "watchers"),
        ({"subject": "x", "urgency": "extreme"}, "urgency"),
        ({"subject": ""}, "subject"),
        ({"subject": "x", "description": "<script>alert(1)</script>"}, "description"),
    ):
        response = alice.post("cases", body)
        assert response.status_code == 422, (body, response.content)
        assert field in error_of(response)["fields"], (body, response.json())
    assert not Case.objects.exists()


def test_customers_open_cases_only_for_themselves_and_their_organization(
    story: Story, alice: Api, charlie: Api
) -> None:
    response = alice.post("cases", {"subject": "For Bob", "requester": story.bob.pk})
    assert response.status_code == 403
    response = charlie.post("cases", {"subject": "Into Acme", "organization": story.acme.pk})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"organization"}
    assert not Case.objects.exists()


def test_who_sees_which_case(story: Story, alice: Api, bob: Api, charlie: Api, dana: Api) -> None:
    private = open_case(story.alice, "Alice private")
    shared = open_case(story.alice, "Alice shared", visibility=Visibility.ORGANIZATION)
    bobs = open_case(story.bob, "Bob private")
    bobs_shared = open_case(story.bob, "Bob shared", visibility=Visibility.ORGANIZATION)
    globex = open_case(story.charlie, "Globex")
    for number in (private.number, shared.number, bobs.number, bobs_shared.number):
        response = charlie.get(f"cases/{number}")
        assert response.status_code == 404 and error_of(response)["error"] == "not_found"
    assert charlie.get(f"cases/{globex.number}").status_code == 200
    # Bob reports his own cases only: no permission for the organization's shared ones.
    assert bob.get(f"cases/{private.number}").status_code == 404
    assert bob.get(f"cases/{shared.number}").status_code == 404
    # Alice has the organization-cases permission: she sees Bob's shared case, not his private one.
    assert alice.get(f"cases/{bobs_shared.number}").status_code == 200
    assert alice.get(f"cases/{bobs.number}").status_code == 404
    assert set(numbers(charlie.get("cases"))) == {globex.number}
    assert set(numbers(bob.get("cases"))) == {bobs.number, bobs_shared.number}
    assert set(numbers(alice.get("cases"))) == {private.number, shared.number, bobs_shared.number}
    assert set(numbers(alice.get("cases", scope="mine"))) == {private.number, shared.number}
    assert len(numbers(dana.get("cases"))) == 5
    for bad in ("123", "abcdefghij", "99999999999", "0000000000", "%E2%91%A0" * 10):
        assert dana.get(f"cases/{bad}").status_code == 404


def test_a_watcher_sees_the_case(story: Story, bob: Api) -> None:
    case = open_case(story.alice, "Watched", watchers=["bob@acme.example"])
    assert bob.get(f"cases/{case.number}").status_code == 200
    assert numbers(bob.get("cases")) == [case.number]


def test_filters(story: Story, dana: Api) -> None:
    incident = open_case(story.alice, "Broken", case_type=None, urgency="high", impact="high")
    services.case_update(actor=story.dana, case=incident, channel="api", case_type=_type("incident"))
    question = open_case(story.bob, "How do I", urgency="low", impact="low")
    globex = open_case(story.charlie, "Globex thing")
    services.case_transition(actor=story.dana, case=globex, action="take", channel="api")
    assert numbers(dana.get("cases", state="open")) == [globex.number]
    assert set(numbers(dana.get("cases?state=new&state=open"))) == {
        incident.number,
        question.number,
        globex.number,
    }
    assert numbers(dana.get("cases", priority="P1")) == [incident.number]
    assert numbers(dana.get("cases", type="incident")) == [incident.number]
    assert numbers(dana.get("cases", type="nothing")) == []
    assert numbers(dana.get("cases", kind="order")) == []
    assert set(numbers(dana.get("cases", organization=story.acme.pk))) == {incident.number, question.number}
    assert numbers(dana.get("cases", assignee="me")) == [globex.number]
    assert numbers(dana.get("cases", assignee=story.dana.pk)) == [globex.number]
    assert set(numbers(dana.get("cases", assignee="none"))) == {incident.number, question.number}
    assert numbers(dana.get("cases", team="service-desk")) == [globex.number]
    assert numbers(dana.get("cases", requester=story.bob.pk)) == [question.number]
    later = timezone.now() + timedelta(seconds=1)
    Case.objects.filter(pk=question.pk).update(updated_at=later + timedelta(minutes=5))
    assert numbers(dana.get("cases", updated_after=later.isoformat())) == [question.number]
    # Most recently changed first.
    assert numbers(dana.get("cases"))[0] == question.number


def _type(code: str) -> Any:
    from supportal.cases.models import CaseType

    return CaseType.objects.get(code=code)


def test_bad_filters_are_422(story: Story, dana: Api) -> None:
    for params in (
        {"state": "sleeping"},
        {"assignee": "someone"},
        {"assignee": "99999999999999999999"},
        {"organization": 10**20},
        {"updated_after": "yesterday"},
        {"updated_after": "9999-12-31T23:59:59-20:00"},
        {"scope": "everything"},
        {"q": "mail\x00"},
        {"type": "x" * 100},
        {"cursor": "not-a-cursor"},
    ):
        response = dana.get("cases", **params)
        assert response.status_code == 422, (params, response.content)
        assert error_of(response)["fields"], params
    assert dana.get("cases", updated_after="2030-01-01T00:00:00+20:42").status_code == 200


def test_pages_walk_every_case_once(story: Story, dana: Api) -> None:
    opened = {open_case(story.alice, f"Case {n}").number for n in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        body = dana.get("cases", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5 and set(seen) == opened


def test_search_finds_subject_description_and_comment_words(story: Story, alice: Api, dana: Api) -> None:
    mail = open_case(story.alice, "Mailserver outage", description="Postfix refuses connections")
    other = open_case(story.alice, "Printer jammed")
    services.comment_add(actor=story.alice, case=other, body="The toner is leaking", channel="portal")
    services.comment_add(
        actor=story.dana, case=other, body="Suspect the zanzibar firmware", channel="api", public=False
    )
    assert numbers(alice.get("cases", q="mailserver")) == [mail.number]
    assert numbers(alice.get("cases", q="postfix")) == [mail.number]
    assert numbers(alice.get("cases", q="mail")) == [mail.number]  # a word's prefix matches
    assert numbers(alice.get("cases", q="toner leaking")) == [other.number]
    assert numbers(alice.get("cases", q="toner postfix")) == []
    # Internal notes: agents find them; customers never find a case by words they cannot see.
    assert numbers(dana.get("cases", q="zanzibar")) == [other.number]
    assert numbers(alice.get("cases", q="zanzibar")) == []
    assert len(numbers(alice.get("cases", q="  ;; "))) == 2  # no words: no narrowing


def test_charlie_finds_nothing_of_acme(story: Story, charlie: Api) -> None:
    open_case(story.alice, "Acme mailserver outage", visibility=Visibility.ORGANIZATION)
    assert numbers(charlie.get("cases", q="mailserver")) == []
    assert numbers(charlie.get("cases", organization=story.acme.pk)) == []


def test_customers_change_what_they_may(story: Story, alice: Api) -> None:
    case = open_case(story.alice, "Slow VPN")
    response = alice.patch(f"cases/{case.number}", {"urgency": "high", "impact": "high"})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"reason"}
    response = alice.patch(
        f"cases/{case.number}", {"urgency": "high", "impact": "high", "reason": "Whole office affected"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == "P1"
    event = CaseEvent.objects.filter(case=case, kind="priority_changed").get()
    assert event.data["reason"] == "Whole office affected" and event.channel == "api"
    response = alice.patch(f"cases/{case.number}", {"subject": "Renamed"})
    assert response.status_code == 403 and "subject" in error_of(response)["fields"]
    response = alice.patch(f"cases/{case.number}", {"visibility": "organization", "reference": "R-1"})
    assert response.json()["visibility"] == "organization" and response.json()["reference"] == "R-1"
    response = alice.patch(f"cases/{case.number}", {"team": "service-desk"})
    assert response.status_code == 403


def test_agents_change_fields_and_assign(story: Story, dana: Api) -> None:
    case = open_case(story.alice, "Slow VPN")
    response = dana.patch(
        f"cases/{case.number}",
        {"subject": "VPN slow from Berlin", "type": "incident", "team": "service-desk",
         "assignee": "dana@provider.example"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == "VPN slow from Berlin" and body["type"] == "incident"
    assert body["team"] == {"slug": "service-desk", "name": "Service Desk"}
    assert body["assignee"]["email"] == "dana@provider.example" and body["state"] == "open"
    for patch, field in (
        ({"team": "no-such-team"}, "team"),
        ({"assignee": "alice@acme.example"}, "assignee"),
        ({"assignee": None}, "assignee"),
        ({"subject": None}, "subject"),
        ({"type": "nope"}, "type"),
        ({"config_item": 424242}, "config_item"),
    ):
        response = dana.patch(f"cases/{case.number}", patch)
        assert response.status_code == 422, (patch, response.content)
        assert field in error_of(response)["fields"], patch
    # Nothing half-done: a bad assignee undoes the field change sent with it.
    response = dana.patch(f"cases/{case.number}", {"subject": "Half", "assignee": "nobody@x.example"})
    assert response.status_code == 422
    assert Case.objects.get(pk=case.pk).subject == "VPN slow from Berlin"


def test_changes_of_unseen_or_closed_cases(story: Story, bob: Api, charlie: Api, dana: Api) -> None:
    case = open_case(story.alice, "Private")
    assert charlie.patch(f"cases/{case.number}", {"reference": "x"}).status_code == 404
    assert bob.patch(f"cases/{case.number}", {"reference": "x"}).status_code == 404
    services.case_transition(actor=story.alice, case=case, action="close", channel="portal")
    response = dana.patch(f"cases/{case.number}", {"subject": "Too late"})
    assert response.status_code == 409 and error_of(response)["error"] == "conflict"
