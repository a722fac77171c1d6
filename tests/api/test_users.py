"""/api/v1/users: who sees whom, adding customers, integrations and agents, changing groups."""

from __future__ import annotations

from typing import Any

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.conftest import Story


def emails(response: Any) -> list[str]:
    return sorted(u["email"] for u in response.json()["items"])


def test_agents_see_everyone_and_filter_by_organization(story: Story, dana_api: Api) -> None:
    everyone = dana_api.get("users", limit=200)
    assert everyone.status_code == 200
    assert {"alice@acme.example", "charlie@globex.example", "erin@provider.example"} <= set(emails(everyone))
    acme = dana_api.get("users", organization=story.acme.pk)
    assert emails(acme) == ["acme-corp@virtual.invalid", "alice@acme.example", "bob@acme.example"]


def test_users_are_found_by_part_of_their_email_or_name(story: Story, dana_api: Api) -> None:
    assert emails(dana_api.get("users", q="ACME.example")) == ["alice@acme.example", "bob@acme.example"]
    assert emails(dana_api.get("users", q=" charlie ")) == ["charlie@globex.example"]
    assert emails(dana_api.get("users", q="Acme", organization=story.globex.pk)) == []
    # a customer's search stays inside what they may see
    assert emails(api_as(story.charlie).get("users", q="acme")) == []
    response = dana_api.get("users", q="a\x00b")
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"q"}


def test_user_shape(story: Story, dana_api: Api) -> None:
    alice = dana_api.get(f"users/{story.alice.pk}").json()
    assert alice == {
        "id": story.alice.pk,
        "email": "alice@acme.example",
        "name": "Alice Acme",
        "kind": "customer",
        "is_agent": False,
        "is_admin": False,
        "is_active": True,
        "organization": story.acme.pk,
        "groups": ["case-reporter", "change-approver", "organisation-cases", "user-manager"],
        "teams": [],
    }
    dana = dana_api.get(f"users/{story.dana.pk}").json()
    assert dana["is_agent"] and not dana["is_admin"] and dana["teams"] == ["service-desk"]
    assert dana["organization"] is None and dana["groups"] == []
    assert dana_api.get(f"users/{story.erin.pk}").json()["is_admin"] is True


def test_customers_see_only_whom_they_may(story: Story) -> None:
    alice = api_as(story.alice)  # manages Acme's users
    assert emails(alice.get("users")) == [
        "acme-corp@virtual.invalid",
        "alice@acme.example",
        "bob@acme.example",
    ]
    assert alice.get(f"users/{story.bob.pk}").status_code == 200
    assert alice.get(f"users/{story.charlie.pk}").status_code == 404
    bob = api_as(story.bob)  # no manage_users: only himself
    assert emails(bob.get("users")) == ["bob@acme.example"]
    assert bob.get(f"users/{story.alice.pk}").status_code == 404
    charlie = api_as(story.charlie)
    assert "alice@acme.example" not in emails(charlie.get("users"))
    for user in (story.alice, story.bob):
        response = charlie.get(f"users/{user.pk}")
        assert response.status_code == 404 and error_of(response)["error"] == "not_found"
    assert charlie.get("users", organization=story.acme.pk).json()["items"] == []


def test_user_manager_adds_a_colleague(story: Story) -> None:
    body = {
        "email": "Carol@Acme.example",
        "name": "Carol Acme",
        "organization": story.acme.pk,
        "groups": ["case-reporter", "viewer"],
    }
    response = api_as(story.alice).post("users", body)
    assert response.status_code == 201, response.content
    carol = response.json()
    assert carol["email"] == "carol@acme.example" and carol["organization"] == story.acme.pk
    assert carol["groups"] == ["case-reporter", "viewer"] and carol["kind"] == "customer"
    record = AuditRecord.objects.filter(action="user.created").last()
    assert record is not None and record.channel == "api" and record.actor_id == story.alice.pk
    again = api_as(story.alice).post("users", body)
    assert again.status_code == 409 and error_of(again)["error"] == "conflict"


def test_integration_users(story: Story, erin_api: Api) -> None:
    body = {"email": "alerts@acme.example", "organization": story.acme.pk, "kind": "integration"}
    response = erin_api.post("users", body)
    assert response.status_code == 201 and response.json()["kind"] == "integration"


def test_admin_adds_an_agent(story: Story, erin_api: Api) -> None:
    body = {"email": "gina@provider.example", "name": "Gina", "is_agent": True, "teams": ["service-desk"]}
    response = erin_api.post("users", body)
    assert response.status_code == 201, response.content
    gina = response.json()
    assert gina["is_agent"] and gina["teams"] == ["service-desk"] and gina["organization"] is None
    assert User.objects.get(email="gina@provider.example").is_agent


def test_create_refusals(story: Story, erin_api: Api, dana_api: Api) -> None:
    acme = story.acme.pk
    cases: list[tuple[Api, dict[str, Any], int, set[str]]] = [
        (api_as(story.bob), {"email": "x@acme.example", "organization": acme}, 403, set()),
        (api_as(story.charlie), {"email": "x@acme.example", "organization": acme}, 422, {"organization"}),
        (
            api_as(story.alice),
            {"email": "x@acme.example", "organization": acme, "is_agent": True},
            403,
            set(),
        ),
        (dana_api, {"email": "x@provider.example", "is_agent": True}, 403, set()),
        (erin_api, {"email": "not-an-email", "organization": acme}, 422, {"email"}),
        (erin_api, {"email": "x@acme.example"}, 422, {"organization"}),
        (erin_api, {"email": "x@acme.example", "organization": acme, "groups": ["root"]}, 422, {"groups"}),
        (
            erin_api,
            {"email": "x@acme.example", "organization": acme, "teams": ["service-desk"]},
            422,
            {"teams"},
        ),
        (erin_api, {"email": "x@acme.example", "organization": 999999}, 422, {"organization"}),
        (erin_api, {"email": "x@p.example", "is_agent": True, "teams": ["nope"]}, 422, {"teams"}),
        (
            erin_api,
            {"email": "x@p.example", "is_agent": True, "organization": acme, "groups": ["viewer"]},
            422,
            {"organization", "groups"},
        ),
        (erin_api, {"email": "x@acme.example", "organization": acme, "kind": "system"}, 422, {"kind"}),
        (erin_api, {"email": "bob@acme.example", "organization": acme}, 409, set()),
        (erin_api, {"email": "dana@provider.example", "is_agent": True}, 409, set()),
        (erin_api, {"name": "no email"}, 422, {"email"}),
    ]
    for api, body, status, fields in cases:
        response = api.post("users", body)
        assert response.status_code == status, (body, response.content)
        if fields:
            assert set(error_of(response)["fields"]) == fields, body
    assert not User.objects.filter(email__startswith="x@").exists()


def test_change_groups(story: Story, dana_api: Api) -> None:
    response = api_as(story.alice).patch(f"users/{story.bob.pk}", {"groups": ["case-reporter", "viewer"]})
    assert response.status_code == 200 and response.json()["groups"] == ["case-reporter", "viewer"]
    record = AuditRecord.objects.get(action="user.permissions_changed")
    assert record.old == {"groups": ["case-reporter"]} and record.actor_id == story.alice.pk
    assert api_as(story.bob).patch(f"users/{story.bob.pk}", {"groups": ["user-manager"]}).status_code == 403
    assert api_as(story.bob).patch(f"users/{story.alice.pk}", {"groups": []}).status_code == 404
    assert api_as(story.charlie).patch(f"users/{story.bob.pk}", {"groups": []}).status_code == 404
    assert dana_api.patch(f"users/{story.bob.pk}", {"groups": []}).status_code == 403
    response = api_as(story.alice).patch(f"users/{story.bob.pk}", {"groups": ["nope"]})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"groups"}
    assert dana_api.patch(f"users/{story.dana.pk}", {"groups": []}).status_code == 403  # a write token
    response = Api(secret_for(story.erin, scope="admin")).patch(f"users/{story.dana.pk}", {"groups": []})
    assert response.status_code == 422  # agents have no groups
    assert api_as(story.alice).patch(f"users/{story.bob.pk}", {"groups": "viewer"}).status_code == 422
