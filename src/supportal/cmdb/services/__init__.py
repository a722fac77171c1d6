"""The only writers of configuration items, their types and relations: each checks the actor through
the policies, validates, and writes the audit record in its transaction.

items.py: types and items (attributes checked against the type); relations.py: "runs on", "depends on",
"connected to" between items of one organisation; csv_import.py: bulk loading with the same rules."""

from supportal.cmdb.services import csv_import
from supportal.cmdb.services.csv_import import ImportProblem, ImportReport, config_items_import
from supportal.cmdb.services.items import (
    IDENTIFIER_MAX,
    ITEM_CHANGES,
    ITEM_NAME_MAX,
    TYPE_CODE_MAX,
    TYPE_NAME_MAX,
    clean_attribute_definitions,
    clean_attributes,
    config_item_create,
    config_item_type_create,
    config_item_update,
)
from supportal.cmdb.services.relations import relation_add, relation_remove

__all__ = [
    "IDENTIFIER_MAX",
    "ITEM_CHANGES",
    "ITEM_NAME_MAX",
    "TYPE_CODE_MAX",
    "TYPE_NAME_MAX",
    "ImportProblem",
    "ImportReport",
    "clean_attribute_definitions",
    "clean_attributes",
    "config_item_create",
    "config_item_type_create",
    "config_item_update",
    "config_items_import",
    "csv_import",
    "relation_add",
    "relation_remove",
]
