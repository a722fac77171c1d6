"""/api/v1/catalog: the service catalog's items the caller may order, with their forms and fulfilment steps.

Customers see the items they may order for their organisation (catalog.policies.can_order); agents every
active item, or those an organisation may order when they name it (`organization`).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from supportal.api.v1.auth import actor_of
from supportal.api.v1.cases import refs
from supportal.api.v1.errors import errors
from supportal.api.v1.schemas import Id, Input
from supportal.cases.models import ExtraField, FieldKind
from supportal.catalog import selectors
from supportal.catalog.models import CatalogItem
from supportal.orgs.models import Organisation
from supportal.orgs.policies import is_agent, organisation_id_of

router = Router(tags=["catalog"])


class FieldOut(Schema):
    key: str = Field(description="Send the answer as `fields[key]` when ordering.")
    label: str
    kind: FieldKind
    required: bool
    choices: list[str] = Field(description="The options of a choice field.")
    help_text: str


class StepOut(Schema):
    position: int
    name: str
    team: str = Field(description="The name of the team that works this step.")


class CatalogItemOut(Schema):
    slug: str = Field(description="Send as `item` to POST /orders.")
    name: str
    category: str = Field(description="The category's slug.")
    category_name: str
    description: str
    approvals_required: int = Field(description="Approvers who must approve; 0: pre-approved.")
    fulfilment_days: int | None = Field(description="The promised fulfilment time in working days.")
    fields: list[FieldOut] = Field(description="The order form.")
    steps: list[StepOut] = Field(description="How the order is fulfilled.")


class CatalogFilters(Input):
    organization: Id | None = Field(
        None, description="Agents: only the items this organization may order (its plan)."
    )


def field_out(field: ExtraField) -> FieldOut:
    choices = [str(c) for c in field.choices] if isinstance(field.choices, list) else []
    return FieldOut(
        key=field.key,
        label=field.label,
        kind=FieldKind(field.kind),
        required=field.required,
        choices=choices,
        help_text=field.help_text,
    )


def item_out(item: CatalogItem) -> CatalogItemOut:
    request_type = item.request_type
    return CatalogItemOut(
        slug=request_type.slug,
        name=request_type.name,
        category=request_type.category.slug,
        category_name=request_type.category.name,
        description=request_type.description,
        approvals_required=item.approvals_required,
        fulfilment_days=item.fulfilment_days,
        fields=[field_out(f) for f in request_type.fields.all()],
        steps=[StepOut(position=s.position, name=s.name, team=s.team.name) for s in item.steps.all()],
    )


@router.get("", response={200: list[CatalogItemOut], **errors()}, summary="List the catalog")
def list_catalog(request: HttpRequest, filters: Query[CatalogFilters]) -> list[CatalogItemOut]:
    """The items the caller may order, by category: for customers those their organisation's plan and
    their permission groups allow (none without "Order services"); for agents every active item, or
    those `organization` may order."""
    actor = actor_of(request)
    organisation: Organisation | None = None
    if filters.organization is not None:
        organisation = refs.organisation(actor, filters.organization)
    elif not is_agent(actor) and (own := organisation_id_of(actor)) is not None:
        organisation = refs.organisation(actor, own)
    items = list(selectors.catalog_items().prefetch_related("request_type__fields"))
    return [item_out(item) for item in selectors.orderable(actor, items, organisation)]
