"""/api/v1/config-items: who sees which, filters and pages, adding and changing (agents), and the types."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.audit.models import AuditRecord
from supportal.cmdb.models import ConfigItem
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.cmdb.factories import Types, add_item, make_types
from tests.conftest import Story


@pytest.fixture
def types(story: Story) -> Types:
    return make_types(story)


@pytest.fixture
def items(story: Story, types: Types) -> dict[str, ConfigItem]:
    return {
        "web": add_item(story, types, "web-1", identifier="web-1.acme.example", attributes={"cpus": 4}),
        "db": add_item(story, types, "DB-1", identifier="10.0.0.7"),
        "cert": add_item(
            story,
            types,
            "www.acme.example",
            item_type=types.certificate,
            attributes={"expires_on": "2027-01-31"},
        ),
        "vm": add_item(
            story, types, "vm-prod", item_type=types.cloud, organisation=story.globex, identifier="9d1c-44ab"
        ),
    }


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [i["name"] for i in response.json()["items"]]


def test_an_item_in_json(story: Story, items: dict[str, ConfigItem], dana_api: Api) -> None:
    item = items["web"]
    response = dana_api.get(f"config-items/{item.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": item.pk,
        "organization": story.acme.pk,
        "type": "server",
        "type_name": "Server",
        "name": "web-1",
        "identifier": "web-1.acme.example",
        "attributes": {"cpus": 4},
        "is_active": True,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_who_lists_which(story: Story, items: dict[str, ConfigItem], dana_api: Api) -> None:
    assert names(dana_api.get("config-items")) == ["DB-1", "vm-prod", "web-1", "www.acme.example"]
    assert names(api_as(story.bob).get("config-items")) == ["DB-1", "web-1", "www.acme.example"]
    charlie = api_as(story.charlie)
    assert names(charlie.get("config-items")) == ["vm-prod"]
    assert names(charlie.get("config-items", organization=story.acme.pk)) == []
    response = charlie.get(f"config-items/{items['web'].pk}")
    assert response.status_code == 404 and error_of(response)["error"] == "not_found"
    assert charlie.get(f"config-items/{items['vm'].pk}").json()["identifier"] == "9d1c-44ab"
    assert Api().get("config-items").status_code == 401


def test_filters(story: Story, items: dict[str, ConfigItem], dana_api: Api) -> None:
    assert names(dana_api.get("config-items", organization=story.globex.pk)) == ["vm-prod"]
    assert names(dana_api.get("config-items", type="certificate")) == ["www.acme.example"]
    assert names(dana_api.get("config-items", type="server", organization=story.acme.pk)) == ["DB-1", "web-1"]
    assert names(dana_api.get("config-items", q="db")) == ["DB-1"]  # the name, any case
    assert names(dana_api.get("config-items", q="ACME.EXAMPLE")) == ["web-1", "www.acme.example"]
    assert names(dana_api.get("config-items", q="9D1C")) == ["vm-prod"]  # the identifier
    assert names(dana_api.get("config-items", q="%")) == []
    assert names(dana_api.get("config-items", type="nothing")) == []
    assert dana_api.get("config-items", organization="acme").status_code == 422
    for bad in ({"q": "a\x00b"}, {"type": "\x00"}):  # PostgreSQL cannot even compare NUL characters
        response = dana_api.get("config-items", **bad)
        assert response.status_code == 422 and list(error_of(response)["fields"]) == list(bad)


def test_cursor_pagination_by_name(story: Story, types: Types, dana_api: Api) -> None:
    for n in (3, 1, 4, 0, 2):
        add_item(story, types, f"host-{n}")
    add_item(story, types, "host-1", organisation=story.globex)  # the same name: the id decides
    seen: list[tuple[str, int]] = []
    cursor = None
    for _ in range(10):
        page = dana_api.get("config-items", limit=2, **({"cursor": cursor} if cursor else {})).json()
        assert len(page["items"]) <= 2
        seen += [(i["name"], i["organization"]) for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    acme, globex = story.acme.pk, story.globex.pk
    assert seen == [
        ("host-0", acme),
        ("host-1", acme),
        ("host-1", globex),
        ("host-2", acme),
        ("host-3", acme),
        ("host-4", acme),
    ]
    assert dana_api.get("config-items", cursor="WyJ4Il0").status_code == 422  # ["x"]: one value, not two


def test_an_agent_adds_an_item(story: Story, types: Types, dana_api: Api) -> None:
    body = {
        "organization": story.acme.pk,
        "type": "certificate",
        "name": "mail.acme.example",
        "identifier": "serial 0A:1B",
        "attributes": {"expires_on": "2026-12-31"},
    }
    response = dana_api.post("config-items", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["type"], created["type_name"], created["organization"]) == (
        "certificate",
        "Certificate",
        story.acme.pk,
    )
    assert created["attributes"] == {"expires_on": "2026-12-31"}
    record = AuditRecord.objects.get(action="config_item.created", object_id=str(created["id"]))
    assert (record.channel, record.actor_id) == ("api", story.dana.pk)
    again = dana_api.post("config-items", {**body, "name": "MAIL.acme.example"})
    assert again.status_code == 409 and error_of(again)["error"] == "conflict"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attributes": {"expires_on": "31.12.2026"}}, "attributes.expires_on"),
        ({"attributes": {}}, "attributes.expires_on"),
        ({"attributes": {"colour": "red", "expires_on": "2026-12-31"}}, "attributes.colour"),
        ({"attributes": ["2026-12-31"]}, "attributes"),
        ({"type": "printer"}, "type"),
        ({"organization": 10**9}, "organization"),
        ({"name": ""}, "name"),
        ({"name": "a\x00b"}, "name"),
    ],
)
def test_bad_input_names_the_field(
    story: Story, types: Types, dana_api: Api, change: Any, field: str
) -> None:
    body = {"organization": story.acme.pk, "type": "certificate", "name": "mail", **change}
    response = dana_api.post("config-items", body)
    assert response.status_code == 422, response.content
    assert list(error_of(response)["fields"]) == [field]
    assert not ConfigItem.objects.exists()


def test_customers_may_not_add_or_change(story: Story, items: dict[str, ConfigItem]) -> None:
    alice = api_as(story.alice)
    body = {"organization": story.acme.pk, "type": "server", "name": "alice-laptop"}
    response = alice.post("config-items", body)
    assert response.status_code == 403 and error_of(response)["error"] == "forbidden"
    assert alice.patch(f"config-items/{items['web'].pk}", {"name": "mine"}).status_code == 403
    assert api_as(story.charlie).patch(f"config-items/{items['web'].pk}", {"name": "x"}).status_code == 404
    assert not ConfigItem.objects.filter(name__in=["alice-laptop", "mine", "x"]).exists()


def test_an_agent_changes_only_what_is_sent(
    story: Story, items: dict[str, ConfigItem], dana_api: Api
) -> None:
    item = items["web"]
    response = dana_api.patch(f"config-items/{item.pk}", {"is_active": False, "attributes": {"os": "linux"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["identifier"], body["is_active"]) == ("web-1", "web-1.acme.example", False)
    assert body["attributes"] == {"os": "linux"}  # replaced whole
    record = AuditRecord.objects.get(action="config_item.updated", object_id=str(item.pk))
    assert record.old == {"is_active": True, "attributes": {"cpus": 4}}
    bad = dana_api.patch(f"config-items/{item.pk}", {"attributes": {"cpus": "four"}})
    assert bad.status_code == 422 and list(error_of(bad)["fields"]) == ["attributes.cpus"]
    null = dana_api.patch(f"config-items/{item.pk}", {"name": None})
    assert null.status_code == 422 and list(error_of(null)["fields"]) == ["name"]
    clash = dana_api.patch(f"config-items/{item.pk}", {"name": "db-1"})
    assert clash.status_code == 409
    assert dana_api.patch("config-items/999999", {"name": "x"}).status_code == 404


def test_types_are_listed_with_their_attributes(story: Story, types: Types) -> None:
    response = api_as(story.charlie).get("config-items/types")
    assert response.status_code == 200
    listed = response.json()["items"]
    assert [t["code"] for t in listed] == ["certificate", "cloud-resource", "server"]
    assert listed[0] == {
        "code": "certificate",
        "name": "Certificate",
        "description": "",
        "attributes": [
            {"key": "expires_on", "label": "Expires on", "kind": "date", "required": True, "choices": []}
        ],
    }


def _count(api: Api, path: str) -> tuple[int, int]:
    """Queries of one list call after a warm-up call, and the items it answered."""
    api.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), len(response.json()["items"])


# A token (1) or a session and its user (2), the throttle (6, see tests/api/test_queries.py), for a customer
# their membership and groups (2), and one query for the items with their types.
EXPECTED_QUERIES = {"dana": 1 + 6 + 1, "alice": 2 + 6 + 2 + 1}


@pytest.mark.parametrize("who", ["dana", "alice"])
def test_list_queries_do_not_grow(story: Story, types: Types, who: str) -> None:
    api = Api(secret_for(story.dana)) if who == "dana" else api_as(story.alice)
    for n in range(3):
        add_item(story, types, f"host-{n}", attributes={"cpus": n})
    few, listed = _count(api, "config-items")
    assert listed == 3
    for n in range(3, 20):
        add_item(story, types, f"host-{n}", item_type=types.cloud if n % 2 else types.server)
    many, listed = _count(api, "config-items")
    assert listed == 20
    assert many == few == EXPECTED_QUERIES[who]
    assert _count(api, "config-items/types")[0] <= few
