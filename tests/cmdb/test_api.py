"""/api/v1/config-items: relations (list for whoever sees the item; add and remove for agents) and the
CSV import (JSON or text/csv; agents with a write token; bad rows with their lines)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from supportal.cmdb.models import ConfigItem, ConfigItemRelation
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story


@pytest.fixture(autouse=True)
def _fresh_throttles(db: None) -> None:
    cache.clear()


@pytest.fixture
def dana(story: Story) -> Api:
    return Api(secret_for(story.dana))


def test_relations_are_added_listed_both_ways_and_removed(story: Story, types: Types, dana: Api) -> None:
    web, host = add_item(story, types, "web-01"), add_item(story, types, "host-01")
    added = dana.post(f"config-items/{web.pk}/relations", {"kind": "runs_on", "target": host.pk})
    assert added.status_code == 201, added.content
    relation = added.json()
    assert {k: relation[k] for k in ("kind", "source", "source_name", "target", "target_name")} == {
        "kind": "runs_on", "source": web.pk, "source_name": "web-01",
        "target": host.pk, "target_name": "host-01",
    }  # fmt: skip
    again = dana.post(f"config-items/{web.pk}/relations", {"kind": "runs_on", "target": host.pk})
    assert again.status_code == 409
    alice = api_as(story.alice)
    for item in (web, host):
        listed = alice.get(f"config-items/{item.pk}/relations")
        assert listed.status_code == 200
        assert [r["id"] for r in listed.json()["items"]] == [relation["id"]]
    assert dana.delete(f"config-items/{web.pk}/relations/999999").status_code == 404
    assert dana.delete(f"config-items/{host.pk}/relations/{relation['id']}").status_code == 204
    assert not ConfigItemRelation.objects.exists()


def test_relations_refuse_customers_others_items_and_other_organisations(
    story: Story, types: Types, dana: Api
) -> None:
    web, host = add_item(story, types, "web-01"), add_item(story, types, "host-01")
    theirs = add_item(story, types, "globex-01", organisation=story.globex)
    url = f"config-items/{web.pk}/relations"
    assert api_as(story.alice).post(url, {"kind": "runs_on", "target": host.pk}).status_code == 403
    assert api_as(story.charlie).post(url, {"kind": "runs_on", "target": host.pk}).status_code == 404
    assert api_as(story.charlie).get(url).status_code == 404
    wrong = dana.post(url, {"kind": "runs_on", "target": theirs.pk})
    assert wrong.status_code == 422 and list(error_of(wrong)["fields"]) == ["target"]
    assert dana.post(url, {"kind": "owns", "target": host.pk}).status_code == 422
    assert dana.post(url, {"kind": "runs_on", "target": 2**62}).status_code == 422
    reader = Api(secret_for(story.dana, scope="read", name="reader"))
    assert reader.post(url, {"kind": "runs_on", "target": host.pk}).status_code == 403
    assert not ConfigItemRelation.objects.exists()


CSV = "type,name,identifier,cpus,expires_on\nserver,web-01,,2,\ncertificate,www,,,\nserver,web-02,,3,\n"


def test_import_as_json_all_or_nothing_then_partial(story: Story, types: Types, dana: Api) -> None:
    body = {"organization": story.acme.pk, "csv": CSV}
    response = dana.post("config-items/import", body)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 0, "updated": 0, "dry_run": False,
        "errors": [{"line": 3, "field": "expires_on", "message": "This attribute is required."}],
    }  # fmt: skip
    assert not ConfigItem.objects.exists()
    assert dana.post("config-items/import", {**body, "partial": True, "dry_run": True}).json()["created"] == 2
    assert not ConfigItem.objects.exists()
    assert dana.post("config-items/import", {**body, "partial": True}).json()["created"] == 2
    assert set(ConfigItem.objects.values_list("name", flat=True)) == {"web-01", "web-02"}


def test_import_as_text_csv_with_the_options_in_the_query(story: Story, types: Types, dana: Api) -> None:
    url = f"/api/v1/config-items/import?organization={story.acme.pk}"
    text = "type,name,identifier,cpus\nserver,web-01,,2\n"
    response = dana.client.post(url, text, content_type="text/csv", headers=dana.headers)
    assert response.status_code == 200, response.content
    assert (response.json()["created"], ConfigItem.objects.get().attributes) == (1, {"cpus": 2})
    updated = dana.client.post(url + "&dry_run=true", text.replace(",2", ",4"), content_type="text/csv",
                               headers=dana.headers)  # fmt: skip
    assert updated.json()["updated"] == 1 and ConfigItem.objects.get().attributes == {"cpus": 2}
    no_org = dana.client.post(
        "/api/v1/config-items/import", text, content_type="text/csv", headers=dana.headers
    )
    assert no_org.status_code == 422 and list(error_of(no_org)["fields"]) == ["organization"]


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_only_agents_import(story: Story, types: Types, who: str) -> None:
    response = api_as(getattr(story, who)).post(
        "config-items/import", {"organization": story.acme.pk, "csv": CSV}
    )
    assert response.status_code == 403
    assert not ConfigItem.objects.exists()


def test_import_refuses_bad_bodies(story: Story, types: Types, dana: Api) -> None:
    assert dana.post("config-items/import", "{not json").status_code == 400
    assert dana.post("config-items/import", {"csv": CSV}).status_code == 422
    assert dana.post("config-items/import", {"organization": 999999, "csv": CSV}).status_code == 422
    nul: Any = {"organization": story.acme.pk, "csv": "type,name,identifier\nserver,a\x00b,\n"}
    assert dana.post("config-items/import", nul).status_code == 422
    assert not ConfigItem.objects.exists()
