"""Configuration items: an organisation's servers, certificates, network items, applications and cloud
resources, each of a type that defines its own attributes."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone


class AttributeKind(models.TextChoices):
    """What an attribute of a configuration item holds; see cmdb.services for the rules of each."""

    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date (YYYY-MM-DD)"
    BOOLEAN = "boolean", "Yes or no"
    CHOICE = "choice", "One of a list"


class ConfigItemType(models.Model):
    """A kind of configuration item (server, certificate, cloud resource, ...) and its attributes.

    `attributes` is a list of definitions: {"key", "label", "kind", "required", "choices"}, e.g. a
    certificate's {"key": "expires_on", "label": "Expires on", "kind": "date", "required": true}.
    """

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    attributes = models.JSONField(
        default=list, blank=True, help_text="The attributes items of this type have."
    )

    class Meta:
        verbose_name = "configuration item type"

    def __str__(self) -> str:
        return self.name


class ConfigItem(models.Model):
    """One configuration item of one organisation; its attributes follow its type's definitions."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="config_items"
    )
    item_type = models.ForeignKey(
        ConfigItemType, on_delete=models.PROTECT, related_name="items", verbose_name="type"
    )
    name = models.CharField(max_length=200)
    identifier = models.CharField(
        max_length=255, blank=True, help_text="A hostname, UUID or serial number that identifies it."
    )
    attributes = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "configuration item"
        indexes = [
            models.Index(fields=["organisation", "name", "id"], name="cmdb_item_org_name"),
            models.Index(fields=["name", "id"], name="cmdb_item_name"),
            models.Index(fields=["identifier"], name="cmdb_item_identifier"),
        ]
        constraints = [
            models.UniqueConstraint(
                F("organisation"), F("item_type"), Lower("name"), name="cmdb_item_name_ci_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RelationKind(models.TextChoices):
    """How one configuration item stands to another: "web-01 runs on host-01"."""

    RUNS_ON = "runs_on", "Runs on"
    DEPENDS_ON = "depends_on", "Depends on"
    CONNECTED_TO = "connected_to", "Connected to"


# The phrase each way: "runs on X" on the source's page, "X runs on this" on the target's.
RELATION_PHRASES: dict[str, tuple[str, str]] = {
    RelationKind.RUNS_ON: ("runs on", "runs on this"),
    RelationKind.DEPENDS_ON: ("depends on", "depends on this"),
    RelationKind.CONNECTED_TO: ("is connected to", "is connected to this"),
}


class ConfigItemRelation(models.Model):
    """`source` <kind> `target`, both items of one organisation (cmdb.services checks that)."""

    source = models.ForeignKey(ConfigItem, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(ConfigItem, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=12, choices=RelationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "configuration item relation"
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="cmdb_relation_unique"),
            models.CheckConstraint(condition=~models.Q(source=F("target")), name="cmdb_relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
