"""Admin pages for SLA calendars and policies (with their targets). Clocks are read-only here: only the
services write them. A changed policy or calendar applies to clocks started (or re-targeted) after it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnlyAdmin
from supportal.sla.models import SlaCalendar, SlaClock, SlaPolicy, SlaTarget


@admin.register(SlaCalendar)
class SlaCalendarAdmin(ConfigAdmin):
    list_display = ("name", "time_zone", "opening_hours", "holiday_country", "holiday_subdivision")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "time_zone")}),
        ("Opening hours", {"fields": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
        ("Closed days", {"fields": ("holiday_country", "holiday_subdivision", "closed_dates")}),
    )

    @admin.display(description="Opening hours")
    def opening_hours(self, obj: SlaCalendar) -> str:
        return "; ".join(f"{day} {', '.join(spans)}" for day, spans in obj.hours().items())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.builtin)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.builtin)


class SlaTargetInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = SlaTarget
    extra = 0
    max_num = 3
    fields = ("metric", "minutes", "days", "calendar")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ConfigAdmin):
    list_display = ("plan", "case_type", "priority_or_any", "calendar", "warning_percent", "target_summary")
    list_filter = ("plan", "case_type", "priority")
    list_select_related = ("plan", "case_type", "calendar")
    fields = ("plan", "case_type", "priority", "calendar", "warning_percent")
    inlines = (SlaTargetInline,)

    @admin.display(description="Priority")
    def priority_or_any(self, obj: SlaPolicy) -> str:
        return obj.priority or "any"

    @admin.display(description="Targets")
    def target_summary(self, obj: SlaPolicy) -> str:
        from supportal.sla.targets import TargetLength

        parts = [
            f"{target.metric} {TargetLength(minutes=target.minutes, days=target.days)}"
            for target in obj.targets.all()
            if target.minutes or target.days
        ]
        return ", ".join(parts) or "defaults"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("targets")


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = ("case", "metric", "phase", "due_at", "warned_at", "breached_at", "stopped_at")
    list_filter = ("metric", "phase")
    list_select_related = ("case",)
    search_fields = ("case__number",)
    raw_id_fields = ("case",)
