"""The audit record in the admin: admins may read and search it; nobody may add, change or delete a row."""

from __future__ import annotations

from django.contrib import admin

from supportal.audit.models import AuditRecord
from supportal.core.admin_site import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("position", "at", "actor_label", "channel", "action", "object_type", "object_id")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("=object_id", "actor_label")
    date_hierarchy = "at"
    ordering = ("-position",)
    show_full_result_count = False
    actions = None
