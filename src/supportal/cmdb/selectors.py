"""The configuration items and types a person may list."""

from __future__ import annotations

from django.db.models import QuerySet

from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.orgs import policies
from supportal.orgs.policies import Actor


def config_items_visible_to(actor: Actor) -> QuerySet[ConfigItem]:
    """Agents see every organisation's items; customers those of their own organisation."""
    if policies.is_agent(actor):
        return ConfigItem.objects.all()
    own = policies.organisation_id_of(actor)
    if own is None:
        return ConfigItem.objects.none()
    return ConfigItem.objects.filter(organisation_id=own)


def config_item_types_visible_to(actor: Actor) -> QuerySet[ConfigItemType]:
    """Types are the provider's configuration, the same for everyone signed in."""
    if not policies.is_signed_in(actor):
        return ConfigItemType.objects.none()
    return ConfigItemType.objects.all()
