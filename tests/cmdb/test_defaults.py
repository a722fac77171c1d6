"""The default configuration item types: made by the data migration when missing, used by the demo."""

from __future__ import annotations

import importlib

from django.apps import apps

from supportal.cmdb.defaults import DEFAULT_TYPES
from supportal.cmdb.models import ConfigItemType
from supportal.cmdb.services import clean_attribute_definitions

migration = importlib.import_module("supportal.cmdb.migrations.0003_default_types")


def test_the_migration_adds_the_missing_defaults_and_leaves_existing_types(db: None) -> None:
    ConfigItemType.objects.all().delete()
    ConfigItemType.objects.create(code="server", name="Our servers", attributes=[])
    migration.add_default_types(apps, None)
    migration.add_default_types(apps, None)  # again: nothing more
    codes = set(ConfigItemType.objects.values_list("code", flat=True))
    assert codes == {"server", "certificate", "network-item", "application", "database", "cloud-resource"}
    assert ConfigItemType.objects.get(code="server").name == "Our servers"
    certificate = ConfigItemType.objects.get(code="certificate")
    expires = next(a for a in certificate.attributes if a["key"] == "expires_on")
    assert (expires["kind"], expires["required"]) == ("date", True)
    cloud = {a["key"]: a for a in ConfigItemType.objects.get(code="cloud-resource").attributes}
    assert cloud["uuid"]["required"] and {"region", "provider"} <= set(cloud)


def test_the_defaults_are_valid_definitions() -> None:
    for _code, _name, _description, attributes in DEFAULT_TYPES:
        assert clean_attribute_definitions(attributes) == attributes
