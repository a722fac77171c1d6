"""/api/v1/config-items: list, add (agents), read and change configuration items; list their types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from supportal.api.v1.auth import actor_of
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.audit.services import AuditChannel
from supportal.cmdb import access, policies, selectors, services
from supportal.cmdb.models import AttributeKind, ConfigItem, ConfigItemType
from supportal.core.errors import Forbidden, InvalidInput, NotFound
from supportal.orgs import access as orgs_access
from supportal.orgs.models import Organisation

router = Router(tags=["config-items"])

ORDERING = ("name", "id")


class AttributeDefinitionOut(Schema):
    key: str
    label: str
    kind: AttributeKind
    required: bool
    choices: list[str] = Field(description="The allowed values of a `choice` attribute.")


class ConfigItemTypeOut(Schema):
    code: str
    name: str
    description: str
    attributes: list[AttributeDefinitionOut]


class ConfigItemOut(Schema):
    id: int
    organization: int
    type: str = Field(description="The configuration item type's code.")
    type_name: str
    name: str
    identifier: str = Field(description="A hostname, UUID or serial number; may be empty.")
    attributes: dict[str, Any] = Field(description="Values of the type's attributes, by key.")
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ConfigItemIn(Input):
    organization: Id
    type: str = Field(min_length=1, max_length=services.TYPE_CODE_MAX, description="A type's code.")
    name: str = Field(min_length=1, max_length=services.ITEM_NAME_MAX)
    identifier: str = Field("", max_length=services.IDENTIFIER_MAX)
    attributes: dict[str, Any] = Field(default_factory=dict, description="Values by attribute key.")


class ConfigItemPatch(Input):
    """Only the fields sent change; `attributes` replaces the item's attributes whole."""

    name: str | None = Field(None, min_length=1, max_length=services.ITEM_NAME_MAX)
    identifier: str | None = Field(None, max_length=services.IDENTIFIER_MAX)
    attributes: dict[str, Any] | None = Field(None, description="Values by attribute key, replacing all.")
    is_active: bool | None = None

    @field_validator("name", "identifier", "attributes", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:  # left out means "unchanged"; null is not a value these fields take
            raise ValueError("Must not be null; leave the field out to keep it.")
        return value


class ConfigItemFilters(Input):  # Input: no NUL characters in the query either
    organization: Id | None = Field(None, description="Only items of this organization.")
    type: str | None = Field(None, max_length=services.TYPE_CODE_MAX, description="Only items of this type.")
    q: str | None = Field(None, max_length=200, description="Part of the name or identifier, any case.")


def config_item_out(item: ConfigItem) -> ConfigItemOut:
    return ConfigItemOut(
        id=item.pk,
        organization=item.organisation_id,
        type=item.item_type.code,
        type_name=item.item_type.name,
        name=item.name,
        identifier=item.identifier,
        attributes=item.attributes,
        is_active=item.is_active,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def config_item_type_out(item_type: ConfigItemType) -> ConfigItemTypeOut:
    return ConfigItemTypeOut(
        code=item_type.code,
        name=item_type.name,
        description=item_type.description,
        attributes=[AttributeDefinitionOut(**definition) for definition in item_type.attributes],
    )


def _filtered(items: QuerySet[ConfigItem], filters: ConfigItemFilters) -> QuerySet[ConfigItem]:
    if filters.organization is not None:
        items = items.filter(organisation_id=filters.organization)
    if filters.type:
        items = items.filter(item_type__code=filters.type)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        items = items.filter(Q(name__icontains=q) | Q(identifier__icontains=q))
    return items.select_related("item_type")


@router.get("", response={200: Page[ConfigItemOut], **errors()}, summary="List configuration items")
def list_config_items(
    request: HttpRequest, page: Query[PageParams], filters: Query[ConfigItemFilters]
) -> Page[ConfigItemOut]:
    """Every organization's items for agents; their own organization's for customers. Ordered by name."""
    items = _filtered(selectors.config_items_visible_to(actor_of(request)), filters)
    result = paginate(items, page, ordering=ORDERING)
    return Page[ConfigItemOut](
        items=[config_item_out(i) for i in result.items], next_cursor=result.next_cursor
    )


@router.get("/types", response={200: Page[ConfigItemTypeOut], **errors()}, summary="List item types")
def list_config_item_types(request: HttpRequest, page: Query[PageParams]) -> Page[ConfigItemTypeOut]:
    """The kinds of configuration items and the attributes each has. Ordered by code."""
    result = paginate(selectors.config_item_types_visible_to(actor_of(request)), page, ordering=("code",))
    return Page[ConfigItemTypeOut](
        items=[config_item_type_out(t) for t in result.items], next_cursor=result.next_cursor
    )


@router.post("", response={201: ConfigItemOut, **errors(409)}, summary="Add a configuration item")
def create_config_item(request: HttpRequest, payload: ConfigItemIn) -> Status[ConfigItemOut]:
    """Agents only. The attributes must fit the type's definitions."""
    actor = actor_of(request)
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may add configuration items.")
    item = services.config_item_create(
        actor=actor,
        channel=AuditChannel.API,
        organisation=_organisation(actor, payload.organization),
        item_type=_item_type(payload.type),
        name=payload.name,
        identifier=payload.identifier,
        attributes=payload.attributes,
    )
    return Status(201, config_item_out(item))


def _organisation(actor: Any, organisation_id: int) -> Organisation:
    try:
        return orgs_access.organisation_for(actor, organisation_id)
    except NotFound:
        raise InvalidInput(
            "No such organization.", fields={"organization": ["No such organization."]}
        ) from None


def _item_type(code: str) -> ConfigItemType:
    item_type = ConfigItemType.objects.filter(code=code).first()
    if item_type is None:
        raise InvalidInput("Unknown configuration item type.", fields={"type": [f"No type {code!r}."]})
    return item_type


@router.get("/{int:config_item_id}", response={200: ConfigItemOut, **errors(404)}, summary="Read")
def get_config_item(request: HttpRequest, config_item_id: int) -> ConfigItemOut:
    return config_item_out(access.config_item_for(actor_of(request), config_item_id))


@router.patch(
    "/{int:config_item_id}",
    response={200: ConfigItemOut, **errors(404, 409)},
    summary="Change a configuration item",
)
def update_config_item(request: HttpRequest, config_item_id: int, payload: ConfigItemPatch) -> ConfigItemOut:
    """Agents only. Send just the fields to change; `attributes` replaces the item's attributes."""
    actor = actor_of(request)
    item = access.config_item_to_change(actor, config_item_id)
    changes = payload.model_dump(exclude_unset=True)
    item = services.config_item_update(actor=actor, channel=AuditChannel.API, item=item, **changes)
    return config_item_out(item)
