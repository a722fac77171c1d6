"""The email outbox in the admin: what was sent, what waits and what failed. Read-only.

The message itself is not shown: it may hold one-time links (invitations, password resets).
"""

from __future__ import annotations

from django.contrib import admin

from supportal.core.admin_site import ReadOnlyAdmin
from supportal.notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject", "recipients", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    fields = ("created_at", "recipients", "subject", "status", "attempts", "last_error", "sent_at")
    actions = None
