"""The configuration items and types a person may list, an item's relations and its cases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from supportal.cases.models import Case
from supportal.cases.selectors import cases_visible_to
from supportal.cmdb.models import RELATION_PHRASES, ConfigItem, ConfigItemRelation, ConfigItemType
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


@dataclass(frozen=True)
class Related:
    """One relation as an item's page shows it: "runs on X" (outgoing) or "X runs on this" (incoming)."""

    relation: ConfigItemRelation
    other: ConfigItem
    phrase: str
    outgoing: bool


def relations_of(item: ConfigItem) -> list[Related]:
    """The item's relations both ways (one query), outgoing first, each by kind and the other's name.
    The other item is always of the same organisation, so whoever may see the item may see it."""
    relations = (
        ConfigItemRelation.objects.filter(Q(source_id=item.pk) | Q(target_id=item.pk))
        .select_related("source__item_type", "target__item_type")
        .order_by("id")
    )
    rows = []
    for relation in relations:
        outgoing = relation.source_id == item.pk
        phrases = RELATION_PHRASES[relation.kind]
        other = relation.target if outgoing else relation.source
        rows.append(Related(relation, other, phrases[0] if outgoing else phrases[1], outgoing))
    return sorted(rows, key=lambda r: (not r.outgoing, r.relation.kind, r.other.name.lower(), r.other.pk))


def item_cases_visible_to(actor: Actor, item: ConfigItem, *, kind: str, limit: int) -> list[Case]:
    """The newest cases (or orders: `kind`) naming the item that the actor may see, at most `limit`."""
    cases = cases_visible_to(actor).filter(config_item=item, kind=kind).select_related("requester")
    return list(cases.order_by("-created_at", "-id")[:limit])
