"""The admin's configuration item pages: additions and changes go through the services and are audited."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from supportal.audit.models import AuditRecord
from supportal.cmdb.models import ConfigItem, ConfigItemType
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story


def erin(story: Story) -> Client:
    client = Client()
    client.force_login(story.erin)
    return client


def test_adding_a_type_is_validated_and_audited(story: Story) -> None:
    url = reverse("admin:cmdb_configitemtype_add")
    bad = [{"key": "expires_on", "label": "Expires on", "kind": "when"}]
    response = erin(story).post(url, {"code": "licence", "name": "Licence", "attributes": json.dumps(bad)})
    assert response.status_code == 200
    assert "kind must be one of" in str(response.context["adminform"].form.errors["attributes"])
    good = [{"key": "expires_on", "label": "Expires on", "kind": "date", "required": True}]
    response = erin(story).post(url, {"code": "licence", "name": "Licence", "attributes": json.dumps(good)})
    assert response.status_code == 302, response.content.decode()[:3000]
    item_type = ConfigItemType.objects.get(code="licence")
    assert item_type.attributes == [{**good[0], "choices": []}]
    record = AuditRecord.objects.get(object_type="cmdb.configitemtype")
    assert (record.action, record.channel, record.actor_id) == (
        "config_item_type.created",
        "admin",
        story.erin.pk,
    )


def test_adding_an_item_checks_its_attributes(story: Story, types: Types) -> None:
    url = reverse("admin:cmdb_configitem_add")
    form = {"organisation": story.acme.pk, "item_type": types.certificate.pk, "name": "www", "identifier": ""}
    response = erin(story).post(url, {**form, "attributes": json.dumps({"expires_on": "soon"})})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["attributes"] == ["expires_on: Must be a date as YYYY-MM-DD."]
    response = erin(story).post(url, {**form, "attributes": json.dumps({"expires_on": "2027-01-31"})})
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ConfigItem.objects.get(name="www")
    assert item.attributes == {"expires_on": "2027-01-31"}
    record = AuditRecord.objects.get(object_type="cmdb.configitem")
    assert (record.action, record.channel, record.organisation_id) == (
        "config_item.created",
        "admin",
        story.acme.pk,
    )


def test_changing_an_item_goes_through_the_service(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-1", attributes={"cpus": 2})
    add_item(story, types, "web-2")
    url = reverse("admin:cmdb_configitem_change", args=[item.pk])
    form = {"item_type": types.server.pk, "identifier": "", "is_active": "on"}
    duplicate = erin(story).post(url, {**form, "name": "WEB-2", "attributes": '{"cpus": 2}'})
    assert duplicate.status_code == 200 and "name" in duplicate.context["adminform"].form.errors
    response = erin(story).post(url, {**form, "name": "web-01", "attributes": '{"cpus": 4}'})
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert (item.name, item.attributes, item.organisation_id) == ("web-01", {"cpus": 4}, story.acme.pk)
    records = AuditRecord.objects.filter(object_type="cmdb.configitem", object_id=str(item.pk))
    assert [r.action for r in records.order_by("position")] == ["config_item.created", "config_item.updated"]
    updated = records.get(action="config_item.updated")
    assert updated.channel == "admin"
    assert updated.old == {"name": "web-1", "attributes": {"cpus": 2}}
    assert updated.new == {"name": "web-01", "attributes": {"cpus": 4}}


def test_agents_who_are_not_admins_are_kept_out(story: Story, types: Types) -> None:
    client = Client()
    client.force_login(story.dana)
    response = client.get(reverse("admin:cmdb_configitem_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
