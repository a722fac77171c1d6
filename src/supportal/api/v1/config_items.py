"""/api/v1/config-items: list, add (agents), read and change configuration items; list their types; an
item's relations (agents add and remove them). Bulk loading from CSV is config_items_import.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from pydantic import ValidationError, field_validator

from supportal.api.v1.auth import actor_of
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.audit.services import AuditChannel
from supportal.cmdb import access, policies, selectors, services
from supportal.cmdb.models import AttributeKind, ConfigItem, ConfigItemRelation, ConfigItemType, RelationKind
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


# --- Relations


class RelationOut(Schema):
    id: int
    kind: RelationKind = Field(description="`source` runs on, depends on or is connected to `target`.")
    source: int
    source_name: str
    target: int
    target_name: str
    created_at: datetime


class RelationIn(Input):
    kind: RelationKind
    target: Id = Field(description="The other item, of the same organization; this item is the source.")


def relation_out(relation: ConfigItemRelation) -> RelationOut:
    return RelationOut(
        id=relation.pk,
        kind=RelationKind(relation.kind),
        source=relation.source_id,
        source_name=relation.source.name,
        target=relation.target_id,
        target_name=relation.target.name,
        created_at=relation.created_at,
    )


@router.get(
    "/{int:config_item_id}/relations",
    response={200: Page[RelationOut], **errors(404)},
    summary="List an item's relations",
)
def list_relations(request: HttpRequest, config_item_id: int, page: Query[PageParams]) -> Page[RelationOut]:
    """The item's relations both ways: it is the `source` or the `target`. Oldest first."""
    item = access.config_item_for(actor_of(request), config_item_id)
    relations = ConfigItemRelation.objects.filter(Q(source_id=item.pk) | Q(target_id=item.pk))
    result = paginate(relations.select_related("source", "target"), page, ordering=("id",))
    return Page[RelationOut](items=[relation_out(r) for r in result.items], next_cursor=result.next_cursor)


@router.post(
    "/{int:config_item_id}/relations",
    response={201: RelationOut, **errors(404, 409)},
    summary="Relate an item to another",
)
def add_relation(request: HttpRequest, config_item_id: int, payload: RelationIn) -> Status[RelationOut]:
    """Agents only. The item is the source: "this item <kind> target"; both of one organization."""
    actor = actor_of(request)
    item = access.config_item_to_change(actor, config_item_id)
    try:
        target = access.config_item_for(actor, payload.target)
    except NotFound:
        raise InvalidInput("No such item.", fields={"target": ["No such configuration item."]}) from None
    relation = services.relation_add(
        actor=actor, channel=AuditChannel.API, source=item, target=target, kind=payload.kind
    )
    return Status(201, relation_out(relation))


@router.delete(
    "/{int:config_item_id}/relations/{int:relation_id}",
    response={204: None, **errors(404)},
    summary="Remove a relation",
)
def remove_relation(request: HttpRequest, config_item_id: int, relation_id: int) -> Status[None]:
    """Agents only. Any relation of the item, whichever way it points."""
    actor = actor_of(request)
    item = access.config_item_to_change(actor, config_item_id)
    services.relation_remove(actor=actor, channel=AuditChannel.API, item=item, relation_id=relation_id)
    return Status(204, None)


# --- CSV import


class ImportIn(Input):
    organization: Id
    csv: str = Field(
        max_length=services.csv_import.MAX_TEXT,
        description="Columns type,name,identifier, then attribute keys; one item a row.",
    )
    partial: bool = Field(False, description="Import the good rows even when others are bad.")
    dry_run: bool = Field(False, description="Check and count only; write nothing.")


class ImportQuery(Input):
    """Only with a text/csv body (a JSON body carries these itself)."""

    organization: Id | None = Field(None, description="With a text/csv body: the organization (required).")
    partial: bool = Field(False, description="With a text/csv body: import the good rows anyway.")
    dry_run: bool = Field(False, description="With a text/csv body: check and count only.")


class ImportProblemOut(Schema):
    line: int = Field(description="The line of the CSV the row starts on (the header is line 1).")
    field: str = Field(description="type, name, identifier, an attribute key, row or header.")
    message: str


class ImportOut(Schema):
    created: int = Field(description="Items added (on a dry run: that would be).")
    updated: int = Field(description="Existing items (same type and name) changed (or that would be).")
    dry_run: bool
    errors: list[ImportProblemOut]


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ImportIn.model_json_schema()},
            "text/csv": {"schema": {"type": "string", "maxLength": services.csv_import.MAX_TEXT}},
        },
    }
}


@router.post(
    "/import",
    response={200: ImportOut, **errors()},
    summary="Import configuration items from CSV",
    openapi_extra=IMPORT_BODY,
)
def import_config_items(request: HttpRequest, options: Query[ImportQuery]) -> ImportOut:
    """Agents only. Send JSON {organization, csv, partial, dry_run}, or the CSV itself as text/csv with
    `organization`, `partial` and `dry_run` in the query. Rows naming an existing item (type and name)
    update it. Bad rows are reported with their line; unless `partial`, one bad row means nothing is
    imported (`created` and `updated` are then 0)."""
    actor = actor_of(request)
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may import configuration items.")
    payload = _import_payload(request, options)
    report = services.config_items_import(
        actor=actor,
        channel=AuditChannel.API,
        organisation=_organisation(actor, payload.organization),
        csv_text=payload.csv,
        dry_run=payload.dry_run,
        partial=payload.partial,
    )
    return ImportOut(
        created=report.created,
        updated=report.updated,
        dry_run=report.dry_run,
        errors=[ImportProblemOut(line=p.line, field=p.field, message=p.message) for p in report.errors],
    )


def _import_payload(request: HttpRequest, options: ImportQuery) -> ImportIn:
    data: Any
    if request.content_type == "text/csv":
        try:
            text = request.body.decode(request.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            raise HttpError(400, "The CSV is not UTF-8 text.") from None
        if options.organization is None:
            raise InvalidInput(
                "Which organization?", fields={"organization": ["Required with a text/csv body."]}
            )
        data = {**options.model_dump(), "csv": text}
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, "The request body is not valid JSON.") from None
    try:
        return ImportIn.model_validate(data)
    except ValidationError as error:
        loc_errors = [{**e, "loc": ["body", "payload", *e["loc"]]} for e in error.errors(include_url=False)]
        raise NinjaValidationError(loc_errors) from None
