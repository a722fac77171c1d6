"""/api/v1/webhooks: outbound webhooks (subscriptions to events), their delivery logs, tests and redelivery.

Admins manage every webhook; an organisation's user managers and its CSM manage the organisation's; an
organisation-bound token sees only its organisation's. Writes through a token need an admin-scope token.
The signing secret is answered on creation and on rotate-secret only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from supportal.api.v1.auth import actor_of, ip_of, require_admin_scope
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.audit.services import AuditChannel
from supportal.core.errors import InvalidInput, NotFound
from supportal.orgs import access as orgs_access
from supportal.orgs import policies as orgs_policies
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.webhooks import access, selectors, services
from supportal.webhooks.addresses import URL_MAX
from supportal.webhooks.events import EVENT_TYPES
from supportal.webhooks.models import Delivery, DeliveryStatus, Webhook

router = Router(tags=["webhooks"])

EVENTS_HELP = "Event names: " + ", ".join(EVENT_TYPES) + "."
EventName = Annotated[str, Field(min_length=1, max_length=40)]


class WebhookOut(Schema):
    id: int
    organization: int | None = Field(description="Null: a provider-wide webhook (admins only).")
    url: str
    event_types: list[str]
    description: str
    active: bool
    consecutive_failures: int = Field(description="Deliveries given up in a row since the last success.")
    disabled_at: datetime | None
    disabled_reason: str
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="The signing secret. Answered now and on rotate-secret only: store it.")


class WebhookIn(Input):
    url: str = Field(min_length=1, max_length=URL_MAX, description="An http:// or https:// URL.")
    event_types: list[EventName] = Field(min_length=1, max_length=len(EVENT_TYPES), description=EVENTS_HELP)
    description: str = Field("", max_length=services.DESCRIPTION_MAX)
    organization: Id | None = Field(
        None, description="Whose webhook. Left out: your own organization's, or provider-wide for admins."
    )


class WebhookPatch(Input):
    """Only the fields sent change. `active: true` enables (and starts the failure count again)."""

    url: str | None = Field(None, min_length=1, max_length=URL_MAX)
    event_types: list[EventName] | None = Field(None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(None, max_length=services.DESCRIPTION_MAX)
    active: bool | None = None

    @field_validator("url", "event_types", "description", "active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:  # left out means "unchanged"; null is not a value these fields take
            raise ValueError("Must not be null; leave the field out to keep it.")
        return value


class DeliveryOut(Schema):
    id: uuid.UUID = Field(description="Sent as X-Supportal-Delivery and as the body's `id`.")
    webhook: int
    event: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = Field(description="When it is tried again, while it may be.")
    response_code: int | None = Field(description="The status of the last answer; null when none came.")
    response_excerpt: str = Field(description="The start of the last answer (at most 2 KB).")
    error: str
    duration_ms: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryDetail(DeliveryOut):
    payload: dict[str, Any] = Field(description="The body's `data`, as sent.")


def webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=webhook.pk,
        organization=webhook.organisation_id,
        url=webhook.url,
        event_types=list(webhook.event_types),
        description=webhook.description,
        active=webhook.is_active and webhook.disabled_at is None,
        consecutive_failures=webhook.consecutive_failures,
        disabled_at=webhook.disabled_at,
        disabled_reason=webhook.disabled_reason,
        created_by=webhook.created_by_id,
        created_at=webhook.created_at,
        updated_at=webhook.updated_at,
    )


def with_secret(webhook: Webhook) -> WebhookWithSecret:
    return WebhookWithSecret(**webhook_out(webhook).model_dump(), secret=webhook.secret)


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.uuid,
        webhook=delivery.webhook_id,
        event=delivery.event,
        status=DeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        response_code=delivery.response_code,
        response_excerpt=delivery.response_excerpt,
        error=delivery.error,
        duration_ms=delivery.duration_ms,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        delivered_at=delivery.delivered_at,
    )


def _organisation(actor: Actor, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        own = orgs_policies.organisation_id_of(actor)
        return orgs_access.organisation_for(actor, own) if own is not None else None
    try:
        return orgs_access.organisation_for(actor, organisation_id)
    except NotFound:
        raise InvalidInput(
            "No such organization.", fields={"organization": ["No such organization."]}
        ) from None


@router.get("", response={200: Page[WebhookOut], **errors()}, summary="List webhooks")
def list_webhooks(request: HttpRequest, page: Query[PageParams]) -> Page[WebhookOut]:
    """The webhooks you manage, newest first. Secrets are never listed."""
    result = paginate(selectors.webhooks_visible_to(actor_of(request)), page, ordering=("-id",))
    return Page[WebhookOut](items=[webhook_out(w) for w in result.items], next_cursor=result.next_cursor)


@router.post("", response={201: WebhookWithSecret, **errors(404)}, summary="Create a webhook")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[WebhookWithSecret]:
    """Answers the signing secret, this once. An organization's webhook must point at a public address."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = services.webhook_create(
        actor=actor,
        channel=AuditChannel.API,
        organisation=_organisation(actor, payload.organization),
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
        ip=ip_of(request),
    )
    return Status(201, with_secret(webhook))


@router.get("/{int:webhook_id}", response={200: WebhookOut, **errors(404)}, summary="Read a webhook")
def get_webhook(request: HttpRequest, webhook_id: int) -> WebhookOut:
    return webhook_out(access.webhook_for(actor_of(request), webhook_id))


@router.patch("/{int:webhook_id}", response={200: WebhookOut, **errors(404)}, summary="Change a webhook")
def update_webhook(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> WebhookOut:
    """Send just the fields to change; `active` false disables the webhook, true enables it."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = access.webhook_for(actor, webhook_id)
    changes = payload.model_dump(exclude_unset=True)
    webhook = services.webhook_update(
        actor=actor, channel=AuditChannel.API, webhook=webhook, ip=ip_of(request), **changes
    )
    return webhook_out(webhook)


@router.delete("/{int:webhook_id}", response={204: None, **errors(404)}, summary="Delete a webhook")
def delete_webhook(request: HttpRequest, webhook_id: int) -> Status[None]:
    """With its delivery log; deliveries still waiting are never sent."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = access.webhook_for(actor, webhook_id)
    services.webhook_delete(actor=actor, channel=AuditChannel.API, webhook=webhook, ip=ip_of(request))
    return Status(204, None)


@router.post(
    "/{int:webhook_id}/rotate-secret",
    response={200: WebhookWithSecret, **errors(404)},
    summary="Rotate secret",
)
def rotate_webhook_secret(request: HttpRequest, webhook_id: int) -> WebhookWithSecret:
    """A new signing secret, answered this once; every delivery from now on is signed with it."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = access.webhook_for(actor, webhook_id)
    webhook = services.webhook_rotate_secret(
        actor=actor, channel=AuditChannel.API, webhook=webhook, ip=ip_of(request)
    )
    return with_secret(webhook)


@router.post(
    "/{int:webhook_id}/enable", response={200: WebhookOut, **errors(404)}, summary="Enable a webhook"
)
def enable_webhook(request: HttpRequest, webhook_id: int) -> WebhookOut:
    """Events are sent again, and the count of failed deliveries starts from zero."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = access.webhook_for(actor, webhook_id)
    webhook = services.webhook_enable(
        actor=actor, channel=AuditChannel.API, webhook=webhook, ip=ip_of(request)
    )
    return webhook_out(webhook)


@router.post("/{int:webhook_id}/ping", response={202: DeliveryOut, **errors(404)}, summary="Send a test")
def ping_webhook(request: HttpRequest, webhook_id: int) -> Status[DeliveryOut]:
    """Queues a `ping` delivery, tried once (also while the webhook is disabled); read its outcome in the
    delivery log."""
    require_admin_scope(request)
    actor = actor_of(request)
    webhook = access.webhook_for(actor, webhook_id)
    delivery = services.webhook_ping(
        actor=actor, channel=AuditChannel.API, webhook=webhook, ip=ip_of(request)
    )
    return Status(202, delivery_out(delivery))


@router.get(
    "/{int:webhook_id}/deliveries", response={200: Page[DeliveryOut], **errors(404)}, summary="Delivery log"
)
def list_webhook_deliveries(
    request: HttpRequest, webhook_id: int, page: Query[PageParams]
) -> Page[DeliveryOut]:
    """Newest first, with the last answer's status code of each."""
    webhook = access.webhook_for(actor_of(request), webhook_id)
    result = paginate(selectors.deliveries_of(webhook), page, ordering=("-id",))
    return Page[DeliveryOut](items=[delivery_out(d) for d in result.items], next_cursor=result.next_cursor)


@router.get(
    "/deliveries/{uuid:delivery_id}", response={200: DeliveryDetail, **errors(404)}, summary="Read a delivery"
)
def get_webhook_delivery(request: HttpRequest, delivery_id: uuid.UUID) -> DeliveryDetail:
    delivery = access.delivery_for(actor_of(request), delivery_id)
    return DeliveryDetail(**delivery_out(delivery).model_dump(), payload=delivery.payload)


@router.post(
    "/deliveries/{uuid:delivery_id}/redeliver",
    response={202: DeliveryOut, **errors(404)},
    summary="Redeliver",
)
def redeliver_webhook_delivery(request: HttpRequest, delivery_id: uuid.UUID) -> Status[DeliveryOut]:
    """Sends the same event again as a new delivery (with its own id)."""
    require_admin_scope(request)
    actor = actor_of(request)
    delivery = access.delivery_for(actor, delivery_id)
    again = services.delivery_redeliver(
        actor=actor, channel=AuditChannel.API, delivery=delivery, ip=ip_of(request)
    )
    return Status(202, delivery_out(again))
