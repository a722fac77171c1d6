"""The service catalog, orders, their fulfilment tasks, and approvals of orders and changes.

A catalog item is a request type (cases.RequestType: its category, case type and form of typed fields)
with what makes it orderable: who may order it, its approval rule and its fulfilment steps. Ordering
creates a case of kind `order` with an `Order` beside it; a Change case whose request type asks for
approval gets an `ApprovalRequirement` too. Nothing is fulfilled before the approvals its rule needs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CatalogItem(models.Model):
    request_type = models.OneToOneField(
        "cases.RequestType", on_delete=models.CASCADE, related_name="catalog_item", primary_key=True
    )
    approvals_required = models.PositiveSmallIntegerField(
        default=0, help_text="Approvers of the organisation who must approve; 0: pre-approved (standard)."
    )
    allowed_groups: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "orgs.PermissionGroup",
        blank=True,
        related_name="+",
        help_text="Only members of these groups may order it (none: anyone who may order services).",
    )
    allowed_plans: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "orgs.SupportPlan", blank=True, related_name="+", help_text="Only these plans (none: every plan)."
    )
    fulfilment_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The promised fulfilment time, in working days, shown in the catalog.",
    )

    class Meta:
        verbose_name = "catalog item"

    def __str__(self) -> str:
        return str(self.request_type.name)


class FulfilmentStep(models.Model):
    """One step of a catalog item's fulfilment, worked by a team; each order gets a task per step."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    team = models.ForeignKey("orgs.Team", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.team})"


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    IN_FULFILMENT = "in_fulfilment", "In fulfilment"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


class Order(models.Model):
    """The order beside its case (kind `order`): what was ordered and where it stands."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="order"
    )
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "status_changed_at"], name="catalog_order_status")]

    def __str__(self) -> str:
        return f"Order {self.case_id} ({self.status})"


class TaskStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Not needed"


class OrderTask(models.Model):
    """One step of one order's fulfilment checklist."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    team = models.ForeignKey("orgs.Team", on_delete=models.PROTECT, related_name="order_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="order_tasks"
    )
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["team", "status"], name="catalog_task_team_status"),
            models.Index(fields=["assignee", "status"], name="catalog_task_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class ApprovalState(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ApprovalRequirement(models.Model):
    """A case (an order, or a change) waits for `required` approvals of its organisation's approvers."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="approval_requirement"
    )
    required = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=8, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "requested_at"], name="catalog_approval_state")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.required} approval(s), {self.state}"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ApprovalDecision(models.Model):
    """One approver's decision on one case, with their comment. An approver decides once."""

    requirement = models.ForeignKey(ApprovalRequirement, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=8)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "approver"], name="catalog_one_decision_per_approver"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["approve", "reject"]), name="catalog_decision_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approver_id} {self.decision}s {self.requirement_id}"


class ApprovalRule(models.Model):
    """Request types that are not catalog items (a Change, say) and still need approval."""

    request_type = models.OneToOneField(
        "cases.RequestType", on_delete=models.CASCADE, primary_key=True, related_name="approval_rule"
    )
    approvals_required = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.request_type}: {self.approvals_required} approval(s)"


class CertificateRenewal(models.Model):
    """A certificate's renewal order, opened once per expiry date (catalog.services.renewals)."""

    config_item = models.ForeignKey("cmdb.ConfigItem", on_delete=models.CASCADE, related_name="+")
    expires_on = models.DateField()
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["config_item", "expires_on"], name="catalog_renewal_once")
        ]

    def __str__(self) -> str:
        return f"Renewal of {self.config_item_id} expiring {self.expires_on}"
