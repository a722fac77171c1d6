"""Load a webhook or a delivery and authorize the actor in one call.

Seeing a webhook is managing it (webhooks.policies), so one the actor may not manage is not found."""

from __future__ import annotations

import uuid

from supportal.core.errors import NotFound
from supportal.orgs.policies import Actor
from supportal.webhooks import selectors
from supportal.webhooks.models import Delivery, Webhook


def webhook_for(actor: Actor, webhook_id: int | str) -> Webhook:
    try:
        return (
            selectors.webhooks_visible_to(actor)
            .select_related("organisation", "created_by")
            .get(pk=int(webhook_id))
        )
    except (Webhook.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("No such webhook.") from None


def delivery_for(actor: Actor, delivery_id: uuid.UUID | str) -> Delivery:
    try:
        key = delivery_id if isinstance(delivery_id, uuid.UUID) else uuid.UUID(str(delivery_id))
        return selectors.deliveries_visible_to(actor).select_related("webhook").get(uuid=key)
    except (Delivery.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such delivery.") from None
