"""Data: the default configuration item types (cmdb.defaults), each added only when no type has its code.
Reversing leaves the types: items may be using them."""

from typing import Any

from django.db import migrations

from supportal.cmdb.defaults import DEFAULT_TYPES


def add_default_types(apps: Any, schema_editor: Any) -> None:
    item_type = apps.get_model("cmdb", "ConfigItemType")
    for code, name, description, attributes in DEFAULT_TYPES:
        item_type.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "attributes": attributes}
        )


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0002_config_item_relations")]

    operations = [migrations.RunPython(add_default_types, migrations.RunPython.noop)]
