"""cmdb.services: who may write, how attributes are checked against their type, and the audit."""

from __future__ import annotations

from typing import Any

import pytest

from supportal.audit.models import AuditRecord
from supportal.cmdb import services
from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from tests.cmdb.factories import Types, add_item
from tests.conftest import Story

# --- Types


def test_admin_defines_a_type_in_full_form(story: Story) -> None:
    item_type = services.config_item_type_create(
        actor=story.erin,
        channel="admin",
        code="network",
        name=" Network item ",
        attributes=[{"key": "vlan", "label": " VLAN ", "kind": "number", "required": True}],
    )
    assert item_type.name == "Network item"
    assert item_type.attributes == [
        {"key": "vlan", "label": "VLAN", "kind": "number", "required": True, "choices": []}
    ]
    record = AuditRecord.objects.get(action="config_item_type.created")
    assert (record.channel, record.actor_id, record.object_id) == ("admin", story.erin.pk, str(item_type.pk))


@pytest.mark.parametrize("who", ["dana", "frank", "alice"])
def test_only_admins_define_types(story: Story, who: str) -> None:
    with pytest.raises(Forbidden):
        services.config_item_type_create(actor=getattr(story, who), channel="web", code="x", name="X")
    assert not ConfigItemType.objects.filter(code="x").exists()


@pytest.mark.parametrize(
    "definition",
    [
        {"key": "Bad Key", "label": "Bad", "kind": "text"},
        {"key": "size", "label": "", "kind": "text"},
        {"key": "size", "label": "Size", "kind": "colour"},
        {"key": "tier", "label": "Tier", "kind": "choice"},
        {"key": "tier", "label": "Tier", "kind": "choice", "choices": ["gold", "gold"]},
        {"key": "size", "label": "Size", "kind": "text", "required": "yes"},
        {"key": "size", "label": "Size", "kind": "text", "unit": "GB"},
        "size",
    ],
)
def test_bad_attribute_definitions_are_refused(story: Story, definition: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        services.config_item_type_create(
            actor=story.erin, channel="cli", code="disk", name="Disk", attributes=[definition]
        )
    assert list(error.value.fields) == ["attributes[0]"]


def test_a_key_defined_twice_is_refused(story: Story) -> None:
    twice = [{"key": "a", "label": "A", "kind": "text"}, {"key": "a", "label": "A2", "kind": "date"}]
    with pytest.raises(InvalidInput) as error:
        services.config_item_type_create(
            actor=story.erin, channel="cli", code="t", name="T", attributes=twice
        )
    assert list(error.value.fields) == ["attributes[1]"]


def test_type_codes_are_unique_and_slugs(story: Story, types: Types) -> None:
    with pytest.raises(Conflict):
        services.config_item_type_create(actor=story.erin, channel="cli", code="server", name="Another")
    with pytest.raises(InvalidInput) as error:
        services.config_item_type_create(actor=story.erin, channel="cli", code="Not a slug", name="")
    assert set(error.value.fields) == {"code", "name"}


# --- Items


def test_an_agent_adds_an_item_with_its_audit(story: Story, types: Types) -> None:
    item = services.config_item_create(
        actor=story.dana,
        channel="web",
        organisation=story.acme,
        item_type=types.certificate,
        name="  www.acme.example  ",
        identifier=" 4F:2A:99 ",
        attributes={"expires_on": "2027-03-31"},
    )
    item.refresh_from_db()
    assert (item.name, item.identifier, item.is_active) == ("www.acme.example", "4F:2A:99", True)
    assert item.attributes == {"expires_on": "2027-03-31"}
    record = AuditRecord.objects.get(action="config_item.created")
    assert (record.channel, record.actor_id, record.organisation_id) == ("web", story.dana.pk, story.acme.pk)
    assert record.new == {
        "type": "certificate",
        "name": "www.acme.example",
        "identifier": "4F:2A:99",
        "attributes": {"expires_on": "2027-03-31"},
    }


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_customers_may_not_add_or_change_items(story: Story, types: Types, who: str) -> None:
    customer = getattr(story, who)
    with pytest.raises(Forbidden):
        services.config_item_create(
            actor=customer, channel="web", organisation=story.acme, item_type=types.cloud, name="vm-1"
        )
    item = add_item(story, types, "web-1")
    with pytest.raises(Forbidden):
        services.config_item_update(actor=customer, channel="web", item=item, name="hacked")
    item.refresh_from_db()
    assert item.name == "web-1"


@pytest.mark.parametrize(
    ("attributes", "key", "message"),
    [
        ({"colour": "red"}, "colour", "A Server has no attribute 'colour'."),
        ({"cpus": "4"}, "cpus", "Must be a number."),
        ({"cpus": True}, "cpus", "Must be a number."),
        ({"cpus": float("nan")}, "cpus", "Must be a finite number."),
        ({"monitored": "yes"}, "monitored", "Must be true or false."),
        ({"os": "beos"}, "os", "Must be one of: linux, windows."),
        ({"location": 12}, "location", "Must be a text."),
        ({"location": "x" * 2001}, "location", "At most 2000 characters."),
    ],
)
def test_server_attributes_must_fit_their_kind(
    story: Story, types: Types, attributes: dict[str, Any], key: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        add_item(story, types, "web-1", attributes=attributes)
    assert error.value.fields == {f"attributes.{key}": [message]}
    assert not ConfigItem.objects.exists()


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        (None, "This attribute is required."),
        ("  ", "This attribute is required."),
        ("2027-02-30", "Must be a date as YYYY-MM-DD."),
        ("31/03/2027", "Must be a date as YYYY-MM-DD."),
        ("20270331", "Must be a date as YYYY-MM-DD."),
        (20270331, "Must be a date as YYYY-MM-DD."),
    ],
)
def test_a_certificate_needs_a_valid_expiry_date(
    story: Story, types: Types, expires_on: Any, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        add_item(story, types, "www", item_type=types.certificate, attributes={"expires_on": expires_on})
    assert error.value.fields == {"attributes.expires_on": [message]}


def test_every_problem_is_reported_and_unset_values_are_left_out(story: Story, types: Types) -> None:
    with pytest.raises(InvalidInput) as error:
        add_item(story, types, "web-1", attributes={"cpus": "many", "os": "beos", "x": 1})
    assert set(error.value.fields) == {"attributes.cpus", "attributes.os", "attributes.x"}
    item = add_item(
        story, types, "web-1", attributes={"cpus": 8, "os": "linux", "location": "", "monitored": None}
    )
    assert item.attributes == {"cpus": 8, "os": "linux"}


def test_names_are_required_and_unique_per_organisation_and_type_in_any_case(
    story: Story, types: Types
) -> None:
    add_item(story, types, "Web-1")
    with pytest.raises(Conflict):
        add_item(story, types, "web-1")
    for name in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput) as error:
            add_item(story, types, name)
        assert set(error.value.fields) == {"name"}
    add_item(story, types, "web-1", organisation=story.globex)  # another organisation
    add_item(story, types, "web-1", item_type=types.cloud)  # another type
    assert ConfigItem.objects.filter(name__iexact="web-1").count() == 3


def test_an_agent_changes_an_item_and_the_audit_keeps_old_and_new(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-1", attributes={"cpus": 2})
    before = item.updated_at
    changed = services.config_item_update(
        actor=story.frank,
        channel="api",
        item=item,
        name="web-01",
        identifier="web-01.acme.example",
        attributes={"cpus": 4, "os": "linux"},
        is_active=False,
    )
    changed.refresh_from_db()
    assert (changed.name, changed.identifier, changed.is_active) == ("web-01", "web-01.acme.example", False)
    assert changed.attributes == {"cpus": 4, "os": "linux"} and changed.updated_at > before
    record = AuditRecord.objects.get(action="config_item.updated")
    assert (record.channel, record.actor_id, record.organisation_id) == ("api", story.frank.pk, story.acme.pk)
    assert record.old == {"name": "web-1", "identifier": "", "attributes": {"cpus": 2}, "is_active": True}
    assert record.new == {
        "name": "web-01",
        "identifier": "web-01.acme.example",
        "attributes": {"cpus": 4, "os": "linux"},
        "is_active": False,
    }


def test_an_update_that_changes_nothing_writes_no_audit(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-1", attributes={"cpus": 2})
    services.config_item_update(
        actor=story.dana, channel="api", item=item, name=" web-1 ", attributes={"cpus": 2}
    )
    assert not AuditRecord.objects.filter(action="config_item.updated").exists()


def test_updates_are_validated(story: Story, types: Types) -> None:
    item = add_item(story, types, "web-1")
    add_item(story, types, "web-2")
    with pytest.raises(InvalidInput) as error:
        services.config_item_update(actor=story.dana, channel="api", item=item, attributes={"cpus": "2"})
    assert error.value.fields == {"attributes.cpus": ["Must be a number."]}
    with pytest.raises(Conflict):
        services.config_item_update(actor=story.dana, channel="api", item=item, name="WEB-2")
    with pytest.raises(InvalidInput) as error:  # a new type checks the attributes again
        services.config_item_update(actor=story.dana, channel="api", item=item, item_type=types.certificate)
    assert error.value.fields == {"attributes.expires_on": ["This attribute is required."]}
    with pytest.raises(TypeError):
        services.config_item_update(actor=story.dana, channel="api", item=item, organisation=story.globex)
    item.refresh_from_db()
    assert (item.name, item.item_type_id, item.organisation_id) == ("web-1", types.server.pk, story.acme.pk)
