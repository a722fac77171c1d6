"""Checking the values of a request type's form (its extra fields) before they reach a case."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from supportal.accounts.models import User, UserKind
from supportal.cases.models import ExtraField, FieldKind, RequestType
from supportal.core.errors import InvalidInput
from supportal.orgs.models import Organisation

TEXT_MAX = 1000
LONG_TEXT_MAX = 20_000
VERSION = re.compile(r"^v?\d+(\.\d+){0,3}([-+][0-9A-Za-z.-]{1,40})?$")


def clean_extra(
    request_type: RequestType | None, values: dict[str, Any] | None, *, organisation: Organisation
) -> dict[str, Any]:
    """The form's values, checked and normalised; InvalidInput naming every bad field (`extra.<key>`)."""
    values = dict(values or {})
    fields = list(request_type.fields.all()) if request_type is not None else []
    known = {f.key for f in fields}
    errors: dict[str, list[str]] = {
        f"extra.{key}": ["This request type has no such field."] for key in values if key not in known
    }
    cleaned: dict[str, Any] = {}
    for field in fields:
        raw = values.get(field.key)
        if raw is None or raw == "" or raw == []:
            if field.required:
                errors[f"extra.{field.key}"] = [f"{field.label} is required."]
            continue
        try:
            cleaned[field.key] = _clean_value(field, raw, organisation)
        except ValueError as error:
            errors[f"extra.{field.key}"] = [str(error)]
    if errors:
        raise InvalidInput("Some fields of the form are not valid.", fields=errors)
    return cleaned


def _clean_value(field: ExtraField, raw: Any, organisation: Organisation) -> Any:
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        limit = TEXT_MAX if kind == FieldKind.TEXT else LONG_TEXT_MAX
        if not isinstance(raw, str):
            raise ValueError("Must be text.")
        text = raw.strip()
        if len(text) > limit:
            raise ValueError(f"At most {limit} characters.")
        return text
    if kind == FieldKind.NUMBER:
        if isinstance(raw, bool):
            raise ValueError("Must be a number.")
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError("Must be a number.") from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValueError("Must be a finite number below 10^15.")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldKind.DATE:
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValueError("Must be a date as YYYY-MM-DD.") from None
    if kind == FieldKind.CHOICE:
        if raw not in field.choices:
            raise ValueError(f"Choose one of: {', '.join(map(str, field.choices))}.")
        return raw
    if kind == FieldKind.MULTI_CHOICE:
        if not isinstance(raw, list) or any(v not in field.choices for v in raw):
            raise ValueError(f"Choose any of: {', '.join(map(str, field.choices))}.")
        return sorted(set(raw), key=field.choices.index)
    if kind == FieldKind.USER:
        return _user_in(organisation, raw)
    if kind == FieldKind.CONFIG_ITEM:
        return _config_item_in(organisation, raw)
    if kind == FieldKind.VERSION:
        text = str(raw).strip()
        if not VERSION.match(text):
            raise ValueError("Must be a version such as 2.4 or 1.0.3-rc1.")
        return text
    raise ValueError("Unknown field kind.")


def _user_in(organisation: Organisation, raw: Any) -> int:
    """A colleague in the organisation (or an agent), by id or email address."""
    users = User.objects.filter(is_active=True)
    if isinstance(raw, int) and not isinstance(raw, bool):
        user = users.filter(pk=raw).first()
    elif isinstance(raw, str) and "@" in raw:
        user = users.filter(email__iexact=raw.strip()).first()
    elif isinstance(raw, str) and raw.strip().isdigit():
        user = users.filter(pk=int(raw.strip())).first()
    else:
        user = None
    if user is None:
        raise ValueError("No such user.")
    in_organisation = (
        user.kind == UserKind.AGENT
        or getattr(getattr(user, "membership", None), "organisation_id", None) == organisation.pk
    )
    if not in_organisation:
        raise ValueError("No such user.")
    return user.pk


def _config_item_in(organisation: Organisation, raw: Any) -> int:
    from supportal.cmdb.models import ConfigItem

    try:
        item_id = int(raw)
    except (TypeError, ValueError):
        raise ValueError("Must be a configuration item's id.") from None
    if item_id < 1 or not ConfigItem.objects.filter(pk=item_id, organisation=organisation).exists():
        raise ValueError("No such configuration item in this organisation.")
    return item_id
