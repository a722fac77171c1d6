"""The webhooks and deliveries each person may list: every such queryset starts here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supportal.accounts.models import User, UserKind
from supportal.orgs import policies
from supportal.orgs.models import Permission, PermissionGroup
from supportal.orgs.policies import Actor
from supportal.webhooks.models import Delivery, Webhook


def webhooks_visible_to(actor: Actor) -> QuerySet[Webhook]:
    """Admins: all. A CSM: their organisations'. A user manager: their organisation's. Others: none."""
    if policies.is_admin(actor):
        return Webhook.objects.all()
    if policies.is_agent(actor):
        return Webhook.objects.filter(organisation__csm_id=actor.pk)
    own = policies.organisation_id_of(actor)
    if own is None or not policies.has_permission(actor, Permission.MANAGE_USERS):
        return Webhook.objects.none()
    return Webhook.objects.filter(organisation_id=own)


def deliveries_visible_to(actor: Actor) -> QuerySet[Delivery]:
    return Delivery.objects.filter(webhook__in=webhooks_visible_to(actor))


def deliveries_of(webhook: Webhook) -> QuerySet[Delivery]:
    """A webhook's delivery log (order it newest first: `-id`)."""
    return Delivery.objects.filter(webhook=webhook)


def notice_recipients(webhook: Webhook) -> list[str]:
    """Who is told that a webhook was disabled: its creator, and the organisation's user managers (for
    a provider-wide webhook, the provider's admins). Active people only."""
    people = User.objects.filter(is_active=True)
    if webhook.organisation_id is None:
        managers = Q(kind=UserKind.AGENT) & (Q(is_staff=True) | Q(is_superuser=True))
    else:
        granting = [g.pk for g in PermissionGroup.objects.all() if Permission.MANAGE_USERS in g.permissions]
        managers = Q(
            kind=UserKind.CUSTOMER,
            membership__organisation_id=webhook.organisation_id,
            membership__groups__in=granting,
        )
    if webhook.created_by_id is not None:
        managers |= Q(pk=webhook.created_by_id)
    return sorted(set(people.filter(managers).values_list("email", flat=True)))
