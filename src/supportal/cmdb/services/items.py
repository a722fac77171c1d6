"""Configuration item types and items: attributes checked against the type's definitions, audited."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from supportal.audit.services import audit_record
from supportal.cmdb import policies
from supportal.cmdb.models import AttributeKind, ConfigItem, ConfigItemType
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor

TYPE_CODE_MAX = 50
TYPE_NAME_MAX = 100
ITEM_NAME_MAX = 200
IDENTIFIER_MAX = 255
TEXT_VALUE_MAX = 2000
ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
TYPE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ITEM_CHANGES = frozenset({"name", "identifier", "attributes", "is_active", "item_type"})


# --- Types


def config_item_type_create(
    *, actor: Actor, channel: str, code: str, name: str, description: str = "", attributes: Any = ()
) -> ConfigItemType:
    """Define a kind of configuration item and its attributes (admins only)."""
    if not policies.can_configure_config_item_types(actor):
        raise Forbidden("Only admins may define configuration item types.")
    code, name = code.strip(), name.strip()
    problems: dict[str, list[str]] = {}
    if not TYPE_CODE.match(code) or len(code) > TYPE_CODE_MAX:
        problems["code"] = [f"Lower-case letters, digits, '-' and '_'; at most {TYPE_CODE_MAX} characters."]
    if not name or len(name) > TYPE_NAME_MAX:
        problems["name"] = [f"Required; at most {TYPE_NAME_MAX} characters."]
    if problems:
        raise InvalidInput("The configuration item type is not valid.", fields=problems)
    definitions = clean_attribute_definitions(attributes)
    try:
        with transaction.atomic():
            item_type = ConfigItemType.objects.create(
                code=code, name=name, description=description.strip(), attributes=definitions
            )
            audit_record(
                actor=actor,
                action="config_item_type.created",
                channel=channel,
                target=item_type,
                new={"code": code, "name": name, "attributes": definitions},
            )
    except IntegrityError as error:
        raise Conflict(f"A configuration item type {code!r} exists already.") from error
    return item_type


def clean_attribute_definitions(definitions: Any) -> list[dict[str, Any]]:
    """The definitions in their full form ({"key", "label", "kind", "required", "choices"}), or
    InvalidInput naming each bad one as "attributes[<index>]"."""
    if not isinstance(definitions, list | tuple):
        raise InvalidInput("Attributes must be a list.", fields={"attributes": ["Must be a list."]})
    cleaned: list[dict[str, Any]] = []
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, definition in enumerate(definitions):
        messages = _definition_problems(definition, seen)
        if messages:
            problems[f"attributes[{index}]"] = messages
            continue
        seen.add(definition["key"])
        kind = definition["kind"]
        cleaned.append(
            {
                "key": definition["key"],
                "label": definition["label"].strip(),
                "kind": kind,
                "required": bool(definition.get("required", False)),
                "choices": list(definition.get("choices", [])) if kind == AttributeKind.CHOICE else [],
            }
        )
    if problems:
        raise InvalidInput("Some attribute definitions are not valid.", fields=problems)
    return cleaned


def _definition_problems(definition: Any, seen: set[str]) -> list[str]:
    if not isinstance(definition, dict):
        return ['Must be an object {"key", "label", "kind", "required", "choices"}.']
    messages = []
    unknown = sorted(set(definition) - {"key", "label", "kind", "required", "choices"})
    if unknown:
        messages.append(f"Unknown properties: {', '.join(unknown)}.")
    key = definition.get("key")
    if not isinstance(key, str) or not ATTRIBUTE_KEY.match(key):
        messages.append("The key must be lower-case letters, digits and '_', starting with a letter.")
    elif key in seen:
        messages.append(f"The key {key!r} is defined twice.")
    label = definition.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > TYPE_NAME_MAX:
        messages.append(f"A label is required (at most {TYPE_NAME_MAX} characters).")
    kind = definition.get("kind")
    if kind not in AttributeKind.values:
        messages.append(f"The kind must be one of {', '.join(AttributeKind.values)}.")
    if not isinstance(definition.get("required", False), bool):
        messages.append("'required' must be true or false.")
    choices = definition.get("choices", [])
    valid_choices = (
        isinstance(choices, list)
        and all(isinstance(c, str) and c.strip() for c in choices)
        and len(set(choices)) == len(choices)
    )
    if not valid_choices:
        messages.append("Choices must be a list of distinct, non-empty texts.")
    elif kind == AttributeKind.CHOICE and not choices:
        messages.append("A choice attribute needs its choices.")
    return messages


# --- Items


def config_item_create(
    *,
    actor: Actor,
    channel: str,
    organisation: Organisation,
    item_type: ConfigItemType,
    name: str,
    identifier: str = "",
    attributes: dict[str, Any] | None = None,
) -> ConfigItem:
    """Add a configuration item to an organisation (agents only)."""
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may add configuration items.")
    name, identifier = clean_name(name), clean_identifier(identifier)
    values = clean_attributes(item_type, attributes or {})
    try:
        with transaction.atomic():
            item = ConfigItem.objects.create(
                organisation=organisation,
                item_type=item_type,
                name=name,
                identifier=identifier,
                attributes=values,
            )
            audit_record(
                actor=actor,
                action="config_item.created",
                channel=channel,
                target=item,
                organisation_id=organisation.pk,
                new={"type": item_type.code, "name": name, "identifier": identifier, "attributes": values},
            )
    except IntegrityError as error:
        raise _duplicate(name) from error
    return item


def config_item_update(*, actor: Actor, channel: str, item: ConfigItem, **changes: Any) -> ConfigItem:
    """Change an item's name, identifier, type, attributes (replaced whole) or is_active (agents only).
    The audit keeps the old and new value of each field that changed; no change, no audit row."""
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may change configuration items.")
    unknown = set(changes) - ITEM_CHANGES
    if unknown:
        raise TypeError(f"config_item_update() cannot change {sorted(unknown)}")
    try:
        with transaction.atomic():
            locked = ConfigItem.objects.select_for_update().select_related("item_type").get(pk=item.pk)
            new = _cleaned_changes(locked, changes)
            old = {field: _audited(getattr(locked, field)) for field in new}
            changed = {field: value for field, value in new.items() if _audited(value) != old[field]}
            if not changed:
                return locked
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action="config_item.updated",
                channel=channel,
                target=locked,
                organisation_id=locked.organisation_id,
                old={field: old[field] for field in changed},
                new={field: _audited(value) for field, value in changed.items()},
            )
    except IntegrityError as error:
        raise _duplicate(str(changes.get("name", item.name))) from error
    return locked


def _cleaned_changes(item: ConfigItem, changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in changes:
        cleaned["name"] = clean_name(changes["name"])
    if "identifier" in changes:
        cleaned["identifier"] = clean_identifier(changes["identifier"])
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            raise InvalidInput("is_active must be true or false.", fields={"is_active": ["Not a boolean."]})
        cleaned["is_active"] = changes["is_active"]
    if "item_type" in changes or "attributes" in changes:  # a new type checks the attributes again
        item_type = changes.get("item_type", item.item_type)
        cleaned["item_type"] = item_type
        cleaned["attributes"] = clean_attributes(item_type, changes.get("attributes", item.attributes))
    return cleaned


def _audited(value: Any) -> Any:
    return value.code if isinstance(value, ConfigItemType) else value


def _duplicate(name: str) -> Conflict:
    return Conflict(f"The organisation has a configuration item of this type named {name!r} already.")


def clean_name(name: Any) -> str:
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > ITEM_NAME_MAX:
        raise InvalidInput(
            "A configuration item needs a name.",
            fields={"name": [f"Required; at most {ITEM_NAME_MAX} characters."]},
        )
    return cleaned


def clean_identifier(identifier: Any) -> str:
    cleaned = identifier.strip() if isinstance(identifier, str) else None
    if cleaned is None or len(cleaned) > IDENTIFIER_MAX:
        raise InvalidInput(
            "The identifier is not valid.", fields={"identifier": [f"At most {IDENTIFIER_MAX} characters."]}
        )
    return cleaned


def clean_attributes(item_type: ConfigItemType, values: Any) -> dict[str, Any]:
    """`values` checked against the type's definitions; unset ones (null or "") are left out.
    Raises InvalidInput with one "attributes.<key>" entry per problem."""
    if not isinstance(values, dict):
        raise InvalidInput("Attributes must be an object.", fields={"attributes": ["Must be an object."]})
    definitions = {d["key"]: d for d in item_type.attributes}
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in sorted(set(values) - set(definitions), key=str):
        problems[f"attributes.{key}"] = [f"A {item_type.name} has no attribute {key!r}."]
    for key, definition in definitions.items():
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if definition.get("required"):
                problems[f"attributes.{key}"] = ["This attribute is required."]
            continue
        message = _value_problem(definition, value)
        if message:
            problems[f"attributes.{key}"] = [message]
        else:
            cleaned[key] = value
    if problems:
        raise InvalidInput("Some attributes are not valid.", fields=problems)
    return cleaned


def _value_problem(definition: dict[str, Any], value: Any) -> str | None:
    kind = definition["kind"]
    if kind == AttributeKind.TEXT:
        if not isinstance(value, str):
            return "Must be a text."
        return f"At most {TEXT_VALUE_MAX} characters." if len(value) > TEXT_VALUE_MAX else None
    if kind == AttributeKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Must be a number."
        return None if isinstance(value, int) or math.isfinite(value) else "Must be a finite number."
    if kind == AttributeKind.BOOLEAN:
        return None if isinstance(value, bool) else "Must be true or false."
    if kind == AttributeKind.DATE:
        return None if isinstance(value, str) and _is_date(value) else "Must be a date as YYYY-MM-DD."
    if kind == AttributeKind.CHOICE:
        choices = definition.get("choices", [])
        return None if value in choices else f"Must be one of: {', '.join(choices)}."
    return f"Unknown attribute kind {kind!r}."


def _is_date(value: str) -> bool:
    if not ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
