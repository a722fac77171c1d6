"""Who may do what with configuration items: pure rules over loaded objects."""

from __future__ import annotations

from supportal.cmdb.models import ConfigItem
from supportal.orgs import policies
from supportal.orgs.policies import Actor


def can_configure_config_item_types(actor: Actor) -> bool:
    """Define the kinds of configuration items and their attributes."""
    return policies.is_admin(actor)


def can_manage_config_items(actor: Actor) -> bool:
    """Add and change any organisation's configuration items: agents. Customers only look."""
    return policies.is_agent(actor)


def can_view_config_item(actor: Actor, item: ConfigItem) -> bool:
    return policies.is_agent(actor) or policies.organisation_id_of(actor) == item.organisation_id
