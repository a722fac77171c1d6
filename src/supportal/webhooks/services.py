"""The only code that writes webhooks: create, change, delete, rotate the secret, enable, disable, ping,
redeliver. Each checks the actor (webhooks.policies), runs in one transaction with its audit record, and
queues deliveries only after commit. The secret never enters the audit record.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.audit.services import audit_record
from supportal.core.errors import Forbidden, InvalidInput
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.webhooks import addresses, policies
from supportal.webhooks.events import PING, clean_event_types
from supportal.webhooks.models import RETRYABLE, Delivery, DeliveryStatus, Webhook

DESCRIPTION_MAX = 200
SECRET_PREFIX = "whsec_"  # noqa: S105 - the visible start of every secret, not a secret
CHANGES = ("url", "event_types", "description")


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_create(
    *,
    actor: Actor,
    channel: str,
    organisation: Organisation | None,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    ip: str | None = None,
) -> Webhook:
    """A new, active webhook of `organisation` (None: provider-wide) with a fresh secret."""
    if not policies.can_manage_webhooks(actor, organisation):
        raise Forbidden("You may not add webhooks here.")
    clean = clean_fields(organisation, url=url, event_types=event_types, description=description)
    now = timezone.now()
    creator = actor if isinstance(actor, User) else None
    with transaction.atomic():
        webhook = Webhook.objects.create(
            organisation=organisation, secret=new_secret(), created_by=creator, created_at=now,
            updated_at=now, **clean,
        )  # fmt: skip
        _audit(actor, "webhook.created", channel, webhook, ip, new=_facts(webhook))
    return webhook


def webhook_update(
    *,
    actor: Actor,
    channel: str,
    webhook: Webhook,
    ip: str | None = None,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> Webhook:
    """Change what was given; `active` True enables (the failure count starts again), False disables."""
    _may_manage(actor, webhook)
    given: dict[str, Any] = {
        k: v
        for k, v in (("url", url), ("event_types", event_types), ("description", description))
        if v is not None
    }
    clean = clean_fields(webhook.organisation, **{**_facts(webhook), **given}) if given else {}
    with transaction.atomic():
        locked = Webhook.objects.select_for_update().get(pk=webhook.pk)
        changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
        if changed:
            old = {k: getattr(locked, k) for k in changed}
            for field, value in changed.items():
                setattr(locked, field, value)
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(actor, "webhook.updated", channel, locked, ip, old=old, new=changed)
        if active is True and not policies.is_live(locked):
            _enable(actor, channel, locked, ip)
        elif active is False and locked.is_active:
            _disable(locked, reason=f"Disabled by {_name(actor)}.", actor=actor, channel=channel, ip=ip)
    _copy(locked, webhook)
    return webhook


def webhook_enable(*, actor: Actor, channel: str, webhook: Webhook, ip: str | None = None) -> Webhook:
    return webhook_update(actor=actor, channel=channel, webhook=webhook, ip=ip, active=True)


def webhook_disable(*, actor: Actor, channel: str, webhook: Webhook, ip: str | None = None) -> Webhook:
    return webhook_update(actor=actor, channel=channel, webhook=webhook, ip=ip, active=False)


def webhook_delete(*, actor: Actor, channel: str, webhook: Webhook, ip: str | None = None) -> None:
    """Delete the webhook and its delivery log; deliveries still waiting are never sent."""
    _may_manage(actor, webhook)
    with transaction.atomic():
        _audit(actor, "webhook.deleted", channel, webhook, ip, old=_facts(webhook))
        Webhook.objects.filter(pk=webhook.pk).delete()


def webhook_rotate_secret(*, actor: Actor, channel: str, webhook: Webhook, ip: str | None = None) -> Webhook:
    """A new secret at once: deliveries sent from now on (retries too) are signed with it."""
    _may_manage(actor, webhook)
    with transaction.atomic():
        webhook.secret = new_secret()
        webhook.updated_at = timezone.now()
        webhook.save(update_fields=["secret", "updated_at"])
        _audit(actor, "webhook.secret_rotated", channel, webhook, ip)
    return webhook


def webhook_ping(*, actor: Actor, channel: str, webhook: Webhook, ip: str | None = None) -> Delivery:
    """Queue a `ping` delivery (tried once, even while the webhook is disabled; it changes no count)."""
    _may_manage(actor, webhook)
    data = {"webhook": webhook.pk, "message": "A test delivery from Supportal.", "sent_by": _name(actor)}
    with transaction.atomic():
        delivery = _queue(webhook, PING, data)
        _audit(actor, "webhook.pinged", channel, webhook, ip, new={"delivery": str(delivery.uuid)})
    return delivery


def delivery_redeliver(*, actor: Actor, channel: str, delivery: Delivery, ip: str | None = None) -> Delivery:
    """Send a past delivery's event again, as a new delivery (its own id) of the same webhook."""
    webhook = delivery.webhook
    _may_manage(actor, webhook)
    if delivery.event != PING and not policies.is_live(webhook):
        raise InvalidInput("Enable the webhook first: a disabled webhook is sent nothing but tests.")
    with transaction.atomic():
        again = _queue(webhook, delivery.event, delivery.payload)
        _audit(
            actor, "webhook.redelivered", channel, webhook, ip,
            new={"delivery": str(delivery.uuid), "as": str(again.uuid)},
        )  # fmt: skip
    return again


# --- Shared with webhooks.delivery (the job that disables a failing webhook)


def give_up_waiting(webhook: Webhook, reason: str) -> int:
    """Give up every delivery of `webhook` still waiting to be tried (tests are left alone)."""
    return (
        Delivery.objects.filter(webhook=webhook, status__in=RETRYABLE)
        .exclude(event=PING)
        .update(status=DeliveryStatus.GIVEN_UP, next_attempt_at=None, error=reason[:500])
    )


def _disable(webhook: Webhook, *, reason: str, actor: Actor, channel: str, ip: str | None) -> None:
    now = timezone.now()
    webhook.is_active, webhook.disabled_at, webhook.disabled_reason = False, now, reason[:300]
    webhook.updated_at = now
    webhook.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    given_up = give_up_waiting(webhook, "The webhook was disabled.")
    _audit(actor, "webhook.disabled", channel, webhook, ip, new={"reason": reason, "given_up": given_up})


def _enable(actor: Actor, channel: str, webhook: Webhook, ip: str | None) -> None:
    old = {"disabled_at": webhook.disabled_at, "reason": webhook.disabled_reason}
    webhook.is_active, webhook.disabled_at, webhook.disabled_reason = True, None, ""
    webhook.consecutive_failures, webhook.updated_at = 0, timezone.now()
    fields = ["is_active", "disabled_at", "disabled_reason", "consecutive_failures", "updated_at"]
    webhook.save(update_fields=fields)
    _audit(actor, "webhook.enabled", channel, webhook, ip, old=old)


def _queue(webhook: Webhook, event: str, data: dict[str, Any]) -> Delivery:
    from supportal.jobs.queue import enqueue_on_commit
    from supportal.webhooks.tasks import deliver_webhook

    delivery = Delivery.objects.create(
        webhook=webhook, event=event, payload=data, next_attempt_at=timezone.now()
    )
    enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


def clean_fields(
    organisation: Organisation | None, *, url: str, event_types: Sequence[str], description: str
) -> dict[str, Any]:
    """The fields cleaned, or InvalidInput naming each bad one."""
    problems: dict[str, list[str]] = {}
    url = (url or "").strip()
    if url_problems := addresses.url_problems(url):
        problems["url"] = url_problems
    elif not policies.may_point_anywhere(organisation, settings.SUPPORTAL_WEBHOOK_ALLOW_PRIVATE) and (
        literal := addresses.literal_problem(url)
    ):
        problems["url"] = [f"{literal} Webhooks must reach a public address."]
    known, unknown = clean_event_types(list(event_types or []))
    if unknown:
        problems["event_types"] = [f"Unknown event type(s): {', '.join(unknown)}."]
    elif not known:
        problems["event_types"] = ["Choose at least one event."]
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = [f"At most {DESCRIPTION_MAX} characters."]
    if problems:
        raise InvalidInput("The webhook could not be saved.", fields=problems)
    return {"url": url, "event_types": known, "description": description}


def _may_manage(actor: Actor, webhook: Webhook) -> None:
    if not policies.can_manage_webhook(actor, webhook):
        raise Forbidden("You may not change this webhook.")


def _facts(webhook: Webhook) -> dict[str, Any]:
    return {"url": webhook.url, "event_types": list(webhook.event_types), "description": webhook.description}


def _copy(source: Webhook, target: Webhook) -> None:
    if source is not target:
        for field in (
            *CHANGES,
            "is_active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "updated_at",
        ):
            setattr(target, field, getattr(source, field))


def _name(actor: Actor) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "email", "") or "Supportal")


def _audit(
    actor: Actor,
    action: str,
    channel: str,
    webhook: Webhook,
    ip: str | None,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor, action=action, channel=channel, target=webhook, organisation_id=webhook.organisation_id,
        old=old, new=new if new is not None else {"url": webhook.url}, ip=ip,
    )  # fmt: skip
