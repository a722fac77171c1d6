"""Every inbound message in the admin, read-only: what arrived, what became of it and why. Agents handle
held messages in the workspace (/agent/email/); here an admin looks, filters and downloads the original.

The raw bytes are not shown on the page (a message may be megabytes of base64): a link downloads them.
Imported by channels/email/admin.py, so the admin registers it.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from supportal.channels.email.models import InboundMessage
from supportal.core.admin_site import ReadOnlyAdmin


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "from_address", "subject", "status", "outcome", "reason")
    list_filter = ("status", "outcome", "source")
    search_fields = ("from_address", "subject", "message_id")
    date_hierarchy = "received_at"
    list_select_related = ("case",)
    fields = (
        *("received_at", "source", "mailbox", "envelope_from", "envelope_to", "message_id", "from_address"),
        *("subject", "size", "content_hash", "status", "outcome", "reason_code", "reason", "case", "comment"),
        *("visible_text", "attempts", "last_error", "processed_at", "handled_by", "handled_at", "original"),
    )
    readonly_fields = fields
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return super().get_queryset(request).defer("raw")

    @admin.display(description="Original")
    def original(self, message: InboundMessage) -> str:
        url = reverse("agent:inbound_raw", kwargs={"message_id": message.pk})
        page = reverse("agent:inbound", kwargs={"message_id": message.pk})
        return format_html(
            '<a href="{}">Download the original (.eml)</a> · <a href="{}">Open in the workspace</a>',
            url,
            page,
        )
