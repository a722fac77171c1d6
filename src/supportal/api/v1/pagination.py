"""Cursor pagination for every list: keyset on the list's ordering, with an opaque cursor.

    page = paginate(queryset, params, ordering=("-updated_at", "-id"))
    return {"items": page.items, "next_cursor": page.next_cursor}

The last ordering field must be unique (the id), so every row has one place. A page costs one query,
whatever the table's size and however deep the client has paged: no COUNT, no OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from ninja import Field, Schema

from supportal.core.errors import InvalidInput

M = TypeVar("M", bound=Model)
ItemT = TypeVar("ItemT")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(Schema):
    cursor: str | None = Field(None, description="`next_cursor` of the previous page; omit for the first.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page.")


class Page(Schema, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


@dataclass(frozen=True)
class PageOf(Generic[M]):
    items: list[M]
    next_cursor: str | None


def paginate(queryset: QuerySet[M], params: PageParams, *, ordering: Sequence[str] = ("id",)) -> PageOf[M]:
    ordered = queryset.order_by(*ordering)
    try:
        if params.cursor:
            ordered = ordered.filter(_after(ordering, decode_cursor(params.cursor, len(ordering))))
        rows = list(ordered[: params.limit + 1])
    except (ValueError, TypeError, OverflowError, ValidationError):  # a hand-made cursor of the wrong types
        raise _bad_cursor() from None
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = encode_cursor([_value(rows[-1], f) for f in ordering]) if more and rows else None
    return PageOf(rows, next_cursor)


def _after(ordering: Sequence[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) or (a = x and b > y) or ..."""
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[i]})
        for earlier, value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    return condition


def _value(row: Model, field: str) -> Any:
    value = row
    for part in field.lstrip("-").split("__"):
        value = getattr(value, "pk" if part == "id" else part)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise _bad_cursor()
    if any(not isinstance(v, str | int | float) or isinstance(v, bool) for v in values):
        raise _bad_cursor()
    return values


def _bad_cursor() -> InvalidInput:
    return InvalidInput("The cursor is not valid.", fields={"cursor": ["Not a cursor this list gave."]})
