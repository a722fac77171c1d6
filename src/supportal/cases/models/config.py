"""What admins configure: case types, categories and request types with their forms, the priority
matrix and severity definitions, and the display names of the (fixed) states."""

from __future__ import annotations

from django.db import models

from supportal.cases.lifecycle import State


class Kind(models.TextChoices):
    CASE = "case", "Support case"
    ORDER = "order", "Service order"


class Level(models.TextChoices):
    """Urgency and impact."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Priority(models.TextChoices):
    P1 = "P1", "P1 Critical"
    P2 = "P2", "P2 High"
    P3 = "P3", "P3 Medium"
    P4 = "P4", "P4 Low"


class CaseType(models.Model):
    """Incident, General request, Change, Question, Feature Request, Onboarding, Feedback, ..."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A group of request types shown together: Cloud, Service Center Portal, Managed Services, ..."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class RequestType(models.Model):
    """What a customer picks when opening a case or order; it sets the case type and the form."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="request_types")
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="request_types")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CASE)
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category__position", "position", "name"]

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    LONG_TEXT = "long_text", "Long text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"
    MULTI_CHOICE = "multi_choice", "Multiple choice"
    USER = "user", "User"
    CONFIG_ITEM = "config_item", "Configuration item"
    VERSION = "version", "Version"


class ExtraField(models.Model):
    """One field of a request type's form; the value is stored in the case's `extra` under `key`."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text="The options of a choice field.")
    help_text = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["request_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="cases_extra_field_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_type.slug}.{self.key}"


class StateLabel(models.Model):
    """The display name of a state (the state types themselves are fixed in code)."""

    state = models.CharField(max_length=16, choices=State.choices, unique=True)
    label = models.CharField(max_length=50)

    def __str__(self) -> str:
        return f"{self.state}: {self.label}"


class PriorityLevel(models.Model):
    """A priority's name and severity definition, shown beside the urgency and impact fields."""

    priority = models.CharField(max_length=2, choices=Priority.choices, unique=True)
    name = models.CharField(max_length=50)
    definition = models.TextField()

    class Meta:
        ordering = ["priority"]

    def __str__(self) -> str:
        return f"{self.priority} {self.name}"


class PriorityRule(models.Model):
    """One cell of the urgency x impact matrix."""

    urgency = models.CharField(max_length=6, choices=Level.choices)
    impact = models.CharField(max_length=6, choices=Level.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["urgency", "impact"], name="cases_priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.urgency} urgency x {self.impact} impact = {self.priority}"
