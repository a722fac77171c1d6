"""Admin pages of the alert channel: each integration's settings with its rules, and the payloads
received (read-only, the body shown as it arrived), and the alert states (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from supportal.channels.alerts.models import AlertIntegration, AlertPayload, AlertRule, AlertState
from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnlyAdmin

BODY_SHOWN = 20_000  # characters of a payload shown on its page


class AlertRuleInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = AlertRule
    extra = 0
    fields = ("position", "name", "matchers", "case_type", "priority", "team", "resolve_on_recovery")


@admin.register(AlertIntegration)
class AlertIntegrationAdmin(ConfigAdmin):
    list_display = (
        "user",
        "organisation",
        "is_active",
        "dedup_by",
        "flap_window_minutes",
        "resolve_on_recovery",
    )
    list_filter = ("is_active", "dedup_by", "resolve_on_recovery")
    search_fields = ("user__email", "user__name")
    list_select_related = ("user__membership__organisation",)
    inlines = (AlertRuleInline,)
    fields = (
        "user", "is_active", "case_type", "team", "severity_label", "priorities", "config_item_label",
        "dedup_by", "flap_window_minutes", "resolve_on_recovery",
    )  # fmt: skip

    @admin.display(description="Organisation")
    def organisation(self, integration: AlertIntegration) -> str:
        membership = getattr(integration.user, "membership", None)
        return str(membership.organisation) if membership is not None else "—"

    def audit_organisation_id(self, obj: Any) -> int | None:
        membership = getattr(getattr(obj, "user", None), "membership", None)
        return membership.organisation_id if membership is not None else None


@admin.register(AlertPayload)
class AlertPayloadAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "source", "organisation", "alerts", "outcome", "error")
    list_filter = ("outcome", "source")
    search_fields = ("error",)
    date_hierarchy = "received_at"
    list_select_related = ("organisation",)
    fields = (
        "received_at", "source", "integration", "organisation", "size", "alerts", "outcome", "error",
        "results", "processed_at", "body_text",
    )  # fmt: skip
    readonly_fields = fields
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertPayload]:
        return super().get_queryset(request).defer("body")

    @admin.display(description="Body as received")
    def body_text(self, payload: AlertPayload) -> str:
        text = bytes(payload.body).decode("utf-8", "replace")
        more = f"\n… ({len(text) - BODY_SHOWN} more characters)" if len(text) > BODY_SHOWN else ""
        return format_html("<pre style='white-space: pre-wrap'>{}{}</pre>", text[:BODY_SHOWN], more)


@admin.register(AlertState)
class AlertStateAdmin(ReadOnlyAdmin):
    list_display = (
        "key",
        "organisation",
        "case",
        "is_open",
        "status",
        "firing_count",
        "flap_count",
        "last_seen",
    )
    list_filter = ("is_open", "status")
    search_fields = ("key", "case__number")
    list_select_related = ("organisation", "case")
    fields = (
        "organisation", "integration", "key", "case", "is_open", "status", "firing_count", "flap_count",
        "unrecorded", "first_seen", "last_seen", "last_event_at", "resolved_at",
    )  # fmt: skip
    readonly_fields = fields
    actions = None
