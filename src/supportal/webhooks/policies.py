"""Who may manage which webhook, and what a webhook may receive: pure rules over loaded objects.

- Provider admins manage every webhook: provider-wide ones and any organisation's.
- An organisation's user managers and its CSM manage that organisation's (orgs.policies.can_manage_users
  says who they are); nobody else manages any.
- A provider-wide webhook receives every event, as an agent sees it.
- An organisation's webhook receives only what its customers may see together: events of the
  organisation's cases shared with the organisation (a private case is its requester's and watchers'
  business, not every colleague's), and only public events (no internal notes, assignments or links),
  never on-call page events.
"""

from __future__ import annotations

from supportal.cases.models import Case, Visibility
from supportal.orgs import policies
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.webhooks.models import Webhook

PROVIDER_ONLY_PREFIX = "page."  # on-call pages are the provider's business, whatever their history says


def can_manage_webhooks(actor: Actor, organisation: Organisation | None) -> bool:
    """Create webhooks for `organisation`, or provider-wide ones when it is None."""
    if organisation is None:
        return policies.is_admin(actor)
    return policies.can_manage_users(actor, organisation)


def can_manage_webhook(actor: Actor, webhook: Webhook) -> bool:
    return can_manage_webhooks(actor, webhook.organisation)


def may_point_anywhere(webhook_organisation: Organisation | None, allow_private: bool) -> bool:
    """Whether a webhook may call loopback, private and link-local addresses: provider-wide ones may
    (the provider's own network), an organisation's only when the operator allows it."""
    return webhook_organisation is None or allow_private


def receives_case(webhook: Webhook, case: Case) -> bool:
    """Whether events of `case` may reach `webhook` at all."""
    if webhook.organisation_id is None:
        return True
    return case.organisation_id == webhook.organisation_id and case.visibility == Visibility.ORGANIZATION


def receives_event(webhook: Webhook, *, name: str, public: bool, case: Case | None) -> bool:
    """Whether `webhook` gets this event: subscribed, live, and allowed to see it."""
    if name not in webhook.event_types or not is_live(webhook):
        return False
    if webhook.organisation_id is None:
        return True
    if name.startswith(PROVIDER_ONLY_PREFIX):
        return False
    return public and case is not None and receives_case(webhook, case)


def is_live(webhook: Webhook) -> bool:
    return webhook.is_active and webhook.disabled_at is None


def agent_view(webhook: Webhook) -> bool:
    """Provider-wide webhooks see cases as agents do; an organisation's as its customers do."""
    return webhook.organisation_id is None
