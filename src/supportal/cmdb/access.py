"""Load a configuration item and authorize the actor in one call (NotFound hides others' items)."""

from __future__ import annotations

from supportal.cmdb import policies, selectors
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import Forbidden, NotFound
from supportal.orgs.policies import Actor


def config_item_for(actor: Actor, item_id: int | str) -> ConfigItem:
    try:
        return selectors.config_items_visible_to(actor).select_related("item_type").get(pk=int(item_id))
    except (ConfigItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("No such configuration item.") from None


def config_item_to_change(actor: Actor, item_id: int | str) -> ConfigItem:
    """An item the actor may see and change; Forbidden for a customer looking at their own."""
    item = config_item_for(actor, item_id)
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may change configuration items.")
    return item
