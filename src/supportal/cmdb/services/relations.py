"""Relations between configuration items: "web-01 runs on host-01", "shop depends on db-01". Both items
belong to one organisation, an item never relates to itself, and each (source, target, kind) is there
once. Agents only; audited on the source item."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from supportal.audit.services import audit_record
from supportal.cmdb import policies
from supportal.cmdb.models import ConfigItem, ConfigItemRelation, RelationKind
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from supportal.orgs.policies import Actor


def relation_add(
    *, actor: Actor, channel: str, source: ConfigItem, target: ConfigItem, kind: str
) -> ConfigItemRelation:
    """`source` <kind> `target`; InvalidInput for another organisation's item or the item itself,
    Conflict when the relation is there already."""
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may relate configuration items.")
    if kind not in RelationKind.values:
        raise InvalidInput(
            "Unknown kind of relation.", fields={"kind": [f"One of: {', '.join(RelationKind.values)}."]}
        )
    if source.pk == target.pk:
        raise InvalidInput("An item cannot relate to itself.", fields={"target": ["Choose another item."]})
    if source.organisation_id != target.organisation_id:
        raise InvalidInput(
            "Related items belong to one organisation.",
            fields={"target": ["Choose an item of the same organisation."]},
        )
    try:
        with transaction.atomic():
            relation = ConfigItemRelation.objects.create(source=source, target=target, kind=kind)
            audit_record(
                actor=actor,
                action="config_item.relation_added",
                channel=channel,
                target=source,
                organisation_id=source.organisation_id,
                new={"kind": kind, "target": target.pk, "target_name": target.name},
            )
    except IntegrityError as error:
        raise Conflict(f"{source.name} {RelationKind(kind).label.lower()} {target.name} already.") from error
    return relation


def relation_remove(*, actor: Actor, channel: str, item: ConfigItem, relation_id: int) -> None:
    """Remove one of `item`'s relations (either way); NotFound for any other relation."""
    if not policies.can_manage_config_items(actor):
        raise Forbidden("Only agents may relate configuration items.")
    if not 0 < relation_id < 2**63:  # no row has it, and SQLite could not even compare it
        raise NotFound("No such relation of this item.")
    with transaction.atomic():
        relation = (
            ConfigItemRelation.objects.select_for_update(of=("self",))
            .filter(pk=relation_id)
            .filter(Q(source_id=item.pk) | Q(target_id=item.pk))
            .select_related("source", "target")
            .first()
        )
        if relation is None:
            raise NotFound("No such relation of this item.")
        old = {
            "kind": relation.kind,
            "source": relation.source_id,
            "target": relation.target_id,
            "target_name": relation.target.name,
        }
        relation.delete()
        audit_record(
            actor=actor,
            action="config_item.relation_removed",
            channel=channel,
            target=relation.source,
            organisation_id=item.organisation_id,
            old=old,
        )
