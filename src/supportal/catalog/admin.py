"""Admin pages for the service catalog: catalog items (who may order them, their approval rule and
fulfilment steps) and the approval rules of request types that are not catalog items. Orders, approval
requirements and decisions, and certificate renewals are read-only here: only the catalog's services
write them (an order's checklist is worked on the agent's case page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest

from supportal.cases.models import Kind, RequestType
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRequirement,
    ApprovalRule,
    CatalogItem,
    CertificateRenewal,
    FulfilmentStep,
    Order,
    OrderTask,
)
from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnly, ReadOnlyAdmin


class FulfilmentStepInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = FulfilmentStep
    extra = 1
    fields = ("position", "name", "team")


@admin.register(CatalogItem)
class CatalogItemAdmin(ConfigAdmin):
    list_display = ("request_type", "category", "approvals_required", "fulfilment_days", "step_count")
    list_filter = ("request_type__category", "approvals_required", "allowed_plans")
    list_select_related = ("request_type__category",)
    search_fields = ("request_type__name", "request_type__slug")
    fields = ("request_type", "approvals_required", "fulfilment_days", "allowed_groups", "allowed_plans")
    filter_horizontal = ("allowed_groups", "allowed_plans")
    inlines = (FulfilmentStepInline,)

    @admin.display(description="Category", ordering="request_type__category__name")
    def category(self, obj: CatalogItem) -> str:
        return str(obj.request_type.category.name)

    @admin.display(description="Steps", ordering="step_total")
    def step_count(self, obj: Any) -> int:
        return int(obj.step_total)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("request_type",) if obj is not None else ()  # the primary key: fixed once made

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "request_type":  # order request types that are no catalog item yet
            kwargs["queryset"] = RequestType.objects.filter(
                kind=Kind.ORDER, catalog_item__isnull=True
            ).select_related("category")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(ConfigAdmin):
    list_display = ("request_type", "approvals_required")
    list_select_related = ("request_type__category",)
    search_fields = ("request_type__name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("request_type",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "request_type":  # catalog items have their own rule
            kwargs["queryset"] = RequestType.objects.filter(
                catalog_item__isnull=True, approval_rule__isnull=True
            ).select_related("category")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrderTaskInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = OrderTask
    extra = 0
    fields = ("position", "name", "team", "assignee", "status", "done_by", "done_at")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("case", "item", "organisation", "status", "status_changed_at")
    list_filter = ("status", "item")
    list_select_related = ("case__organisation", "item__request_type__category")
    search_fields = ("case__number", "case__organisation__name")
    raw_id_fields = ("case",)
    inlines = (OrderTaskInline,)

    @admin.display(description="Organisation", ordering="case__organisation__name")
    def organisation(self, obj: Order) -> str:
        return str(obj.case.organisation.name)


class ApprovalDecisionInline(ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = ApprovalDecision
    extra = 0
    fields = ("approver", "decision", "comment", "channel", "decided_at")
    readonly_fields = fields


@admin.register(ApprovalRequirement)
class ApprovalRequirementAdmin(ReadOnlyAdmin):
    list_display = ("case", "required", "state", "requested_at", "decided_at")
    list_filter = ("state",)
    list_select_related = ("case",)
    search_fields = ("case__number",)
    raw_id_fields = ("case",)
    inlines = (ApprovalDecisionInline,)


@admin.register(ApprovalDecision)
class ApprovalDecisionAdmin(ReadOnlyAdmin):
    list_display = ("case_number", "approver", "decision", "channel", "decided_at")
    list_filter = ("decision", "channel")
    list_select_related = ("requirement__case", "approver")
    search_fields = ("requirement__case__number", "approver__email")
    raw_id_fields = ("requirement", "approver")

    @admin.display(description="Case", ordering="requirement__case__number")
    def case_number(self, obj: ApprovalDecision) -> str:
        return str(obj.requirement.case.number)


@admin.register(CertificateRenewal)
class CertificateRenewalAdmin(ReadOnlyAdmin):
    list_display = ("config_item", "expires_on", "case", "created_at")
    list_select_related = ("config_item", "case")
    search_fields = ("config_item__name", "case__number")
    raw_id_fields = ("config_item", "case")
