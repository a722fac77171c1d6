"""/api/v1/organizations: who sees which, creating one, and raising the account status."""

from __future__ import annotations

from typing import Any

from django.core import mail

from supportal.audit.models import AuditRecord
from supportal.orgs.models import AccountStatusChange, Organisation
from tests.api.conftest import Api, api_as, error_of
from tests.conftest import Story


def names(response: object) -> list[str]:
    return [o["name"] for o in response.json()["items"]]  # type: ignore[attr-defined]


def test_agents_list_every_organization(story: Story, dana_api: Api) -> None:
    response = dana_api.get("organizations")
    assert response.status_code == 200
    assert names(response) == ["Acme Corp", "Globex"]
    acme = response.json()["items"][0]
    assert acme == {
        "id": story.acme.pk,
        "name": "Acme Corp",
        "slug": "acme-corp",
        "plan": "standard",
        "account_status": "green",
        "csm": {"id": story.frank.pk, "email": "frank@provider.example", "name": "Frank CSM"},
        "domains": ["acme.example"],
        "self_registration": False,
        "shared_login": False,
        "is_active": True,
        "created_at": acme["created_at"],
    }


def test_organizations_are_found_by_name_and_account_status(story: Story, dana_api: Api) -> None:
    assert names(dana_api.get("organizations", q="glob")) == ["Globex"]
    assert names(dana_api.get("organizations", q="nothing like it")) == []
    assert names(dana_api.get("organizations", account_status="green")) == ["Acme Corp", "Globex"]
    assert names(dana_api.get("organizations", account_status="red")) == []
    assert names(api_as(story.charlie).get("organizations", q="acme")) == []
    assert dana_api.get("organizations", account_status="purple").status_code == 422


def test_customers_see_only_their_own(story: Story) -> None:
    assert names(api_as(story.charlie).get("organizations")) == ["Globex"]
    assert names(api_as(story.bob).get("organizations")) == ["Acme Corp"]
    charlie = api_as(story.charlie)
    response = charlie.get(f"organizations/{story.acme.pk}")
    assert response.status_code == 404 and error_of(response)["error"] == "not_found"
    assert charlie.get(f"organizations/{story.globex.pk}").json()["name"] == "Globex"


def test_cursor_pagination(story: Story, erin_api: Api) -> None:
    for n in range(5):
        erin_api.post("organizations", {"name": f"Customer {n}", "plan": "free"})
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = erin_api.get("organizations", limit=3, **({"cursor": cursor} if cursor else {})).json()
        assert len(page["items"]) <= 3
        seen += [o["name"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Acme Corp", "Globex"] + [f"Customer {n}" for n in range(5)]
    for bad in ("nonsense", "WzEsMl0", "WyJ4Il0", "bnVsbA"):  # not base64 JSON, [1,2], ["x"], null
        response = erin_api.get("organizations", cursor=bad)
        assert response.status_code == 422, bad
        assert set(error_of(response)["fields"]) == {"cursor"}


def test_admin_creates_an_organization(story: Story, erin_api: Api) -> None:
    body = {
        "name": "Initech",
        "plan": "premium",
        "csm": "frank@provider.example",
        "domains": ["initech.example"],
        "self_registration": True,
    }
    response = erin_api.post("organizations", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["plan"] == "premium" and created["csm"]["id"] == story.frank.pk
    assert created["domains"] == ["initech.example"] and created["self_registration"] is True
    organisation = Organisation.objects.get(pk=created["id"])
    assert organisation.virtual_user is not None
    audit = AuditRecord.objects.filter(action="organisation.created").last()
    assert audit is not None and audit.channel == "api" and audit.actor_id == story.erin.pk
    by_id = erin_api.post("organizations", {"name": "Hooli", "plan": "free", "csm": story.frank.pk})
    assert by_id.json()["csm"]["email"] == "frank@provider.example"


def test_create_refusals(story: Story, erin_api: Api, dana_api: Api) -> None:
    response = erin_api.post("organizations", {"name": "acme corp", "plan": "free"})
    assert response.status_code == 409 and error_of(response)["error"] == "conflict"
    response = erin_api.post(
        "organizations", {"name": "Initech", "plan": "gold", "csm": "alice@acme.example"}
    )
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"plan"}
    response = erin_api.post(
        "organizations", {"name": "Initech", "plan": "free", "csm": "alice@acme.example"}
    )
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"csm"}
    response = erin_api.post(
        "organizations", {"name": "Initech", "plan": "free", "domains": ["not a domain"]}
    )
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"domains"}
    response = erin_api.post(
        "organizations", {"name": "Initech", "plan": "free", "domains": ["acme.example"]}
    )
    assert response.status_code == 409
    response = dana_api.post("organizations", {"name": "Initech", "plan": "free"})
    assert response.status_code == 403 and error_of(response)["error"] == "forbidden"
    assert api_as(story.alice).post("organizations", {"name": "Initech", "plan": "free"}).status_code == 403
    assert not Organisation.objects.filter(name="Initech").exists()


def test_customer_raises_the_account_status(story: Story, django_capture_on_commit_callbacks: Any) -> None:
    body = {"status": "red", "reason": "Production down since Monday"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(story.alice).post(f"organizations/{story.acme.pk}/account-status", body)
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["old_status"] == "green" and change["new_status"] == "red"
    assert change["organization"] == story.acme.pk and change["changed_by"]["id"] == story.alice.pk
    assert AccountStatusChange.objects.get().reason == "Production down since Monday"
    assert [m.to for m in mail.outbox] == [["erin@provider.example", "frank@provider.example"]]  # CSM, admins
    assert api_as(story.alice).get(f"organizations/{story.acme.pk}").json()["account_status"] == "red"
    again = api_as(story.alice).post(f"organizations/{story.acme.pk}/account-status", body)
    assert again.status_code == 409


def test_account_status_refusals(story: Story, dana_api: Api) -> None:
    path = f"organizations/{story.acme.pk}/account-status"
    body = {"status": "amber", "reason": "Slow answers"}
    assert error_of(api_as(story.bob).post(path, body))["error"] == "forbidden"  # a reporter only
    assert api_as(story.charlie).post(path, body).status_code == 404  # another organisation's
    assert dana_api.post(path, body).status_code == 403  # an agent, but not Acme's CSM
    response = api_as(story.alice).post(path, {"status": "purple", "reason": " "})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"status"}
    response = api_as(story.alice).post(path, {"status": "amber", "reason": "   "})
    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"reason"}
    assert not AccountStatusChange.objects.exists()
    assert Api().post(path, body).status_code == 401
