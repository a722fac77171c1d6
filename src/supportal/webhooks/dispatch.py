"""Domain events → deliveries: one row per live webhook that subscribed to the event and may see it,
each sent by a job queued after commit (webhooks.tasks)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from supportal.cases.models import Case, CaseEvent
from supportal.core.domain_events import DomainEvent, subscribe
from supportal.jobs.queue import enqueue_on_commit
from supportal.webhooks import policies
from supportal.webhooks.events import EVENT_TYPES
from supportal.webhooks.models import Delivery, Webhook
from supportal.webhooks.payloads import PayloadBuilder


@subscribe(*EVENT_TYPES)
def queue_deliveries(event: DomainEvent) -> None:
    deliveries_for_event(event)


def deliveries_for_event(event: DomainEvent) -> list[Delivery]:
    """Create the deliveries of `event` (none when no webhook wants it: one query)."""
    scope = Q(organisation__isnull=True)
    if event.case_id is not None:
        scope |= Q(organisation_id=Subquery(Case.objects.filter(pk=event.case_id).values("organisation_id")))
    candidates = [w for w in Webhook.objects.filter(scope, is_active=True) if event.name in w.event_types]
    if not candidates:
        return []
    case = Case.objects.filter(pk=event.case_id).first() if event.case_id is not None else None
    row = None
    if event.event_id is not None:
        row = CaseEvent.objects.select_related("actor", "on_behalf_of").filter(pk=event.event_id).first()
    public = row.public if row is not None else bool(event.data.get("public", True))
    chosen = [w for w in candidates if policies.receives_event(w, name=event.name, public=public, case=case)]
    if not chosen:
        return []
    from supportal.webhooks.tasks import deliver_webhook

    payloads = PayloadBuilder(event, case, row)
    now = timezone.now()
    deliveries = []
    with transaction.atomic():
        for webhook in chosen:
            delivery = Delivery.objects.create(
                webhook=webhook, event=event.name, payload=payloads.data(agent=policies.agent_view(webhook)),
                created_at=now, next_attempt_at=now,
            )  # fmt: skip
            enqueue_on_commit(deliver_webhook, delivery.pk)
            deliveries.append(delivery)
    return deliveries
