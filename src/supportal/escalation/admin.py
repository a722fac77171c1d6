"""Admin pages for on-call rotas: the members in hand-over order, the hand-over rule, the timeout, and the
overrides. Pages are read-only here: only escalation.services.paging writes them."""

from __future__ import annotations

from django.contrib import admin

from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnlyAdmin
from supportal.escalation.models import Page, Rota, RotaMember, RotaOverride


class RotaMemberInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RotaMember
    extra = 1
    autocomplete_fields = ("user",)


class RotaOverrideInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = RotaOverride
    extra = 0
    fields = ("user", "starts_at", "ends_at", "reason")
    autocomplete_fields = ("user",)


@admin.register(Rota)
class RotaAdmin(ConfigAdmin):
    list_display = ("team", "time_zone", "handoff_time", "shift_days", "ack_timeout_minutes", "is_default")
    inlines = (RotaMemberInline, RotaOverrideInline)


@admin.register(Page)
class PageAdmin(ReadOnlyAdmin):
    list_display = ("case", "person", "role", "step", "status", "sent_at", "deadline", "acknowledged_at")
    list_filter = ("status", "role")
    search_fields = ("case__number", "person__email")
