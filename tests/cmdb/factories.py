"""Configuration item types and items for the cmdb and API tests, made by the real services."""

from __future__ import annotations

from dataclasses import dataclass

from supportal.cmdb import services
from supportal.cmdb.models import ConfigItem, ConfigItemType
from tests.conftest import Story


@dataclass
class Types:
    server: ConfigItemType
    certificate: ConfigItemType
    cloud: ConfigItemType


def make_types(story: Story) -> Types:
    """The tests' own types, in place of the defaults the data migration made (no item uses them yet)."""
    ConfigItemType.objects.filter(items=None).delete()

    def create(code: str, name: str, attributes: list[dict[str, object]]) -> ConfigItemType:
        return services.config_item_type_create(
            actor=story.erin, channel="cli", code=code, name=name, attributes=attributes
        )

    return Types(
        server=create(
            "server",
            "Server",
            [
                {"key": "os", "label": "Operating system", "kind": "choice", "choices": ["linux", "windows"]},
                {"key": "cpus", "label": "CPUs", "kind": "number"},
                {"key": "monitored", "label": "Monitored", "kind": "boolean"},
                {"key": "location", "label": "Location", "kind": "text"},
            ],
        ),
        certificate=create(
            "certificate",
            "Certificate",
            [{"key": "expires_on", "label": "Expires on", "kind": "date", "required": True}],
        ),
        cloud=create("cloud-resource", "Cloud resource", []),
    )


def add_item(story: Story, types: Types, name: str, **kwargs: object) -> ConfigItem:
    """An item of Acme's (unless `organisation` says otherwise), added by Dana."""
    values: dict[str, object] = {"organisation": story.acme, "item_type": types.server, **kwargs}
    return services.config_item_create(actor=story.dana, channel="cli", name=name, **values)  # type: ignore[arg-type]
