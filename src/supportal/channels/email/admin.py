"""Admin pages of the email channel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from supportal.channels.email.imap import poll_mailbox
from supportal.channels.email.models import AfterFetch, ImapMailbox
from supportal.core.admin_site import ConfigAdmin

# --- IMAP mailboxes ------------------------------------------------------------------------------------


class SecretField(forms.CharField):
    """A password that is written, never shown back: left empty, the stored one is kept."""

    widget = forms.PasswordInput(render_value=False)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)


class ImapMailboxForm(forms.ModelForm):  # type: ignore[type-arg]
    password = SecretField(
        required=False, max_length=500, help_text="Leave empty to keep the password stored already."
    )

    class Meta:
        model = ImapMailbox
        fields = (
            "name", "is_active", "host", "port", "security", "username", "password", "folder",
            "after_fetch", "move_to",
        )  # fmt: skip
        help_texts = {
            "folder": "Every message in this folder is fetched once, old ones included: give Supportal a "
            "mailbox or folder of its own.",
        }

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if password:
            return password
        if self.instance.pk and self.instance.password:
            return str(self.instance.password)
        raise forms.ValidationError("The mailbox's password is required.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("after_fetch") == AfterFetch.MOVE and not cleaned.get("move_to"):
            self.add_error("move_to", "Name the folder messages are moved to.")
        return cleaned


@admin.register(ImapMailbox)
class ImapMailboxAdmin(ConfigAdmin):
    form = ImapMailboxForm
    list_display = ("name", "host", "folder", "is_active", "last_polled_at", "last_error")
    list_filter = ("is_active",)
    search_fields = ("name", "host", "username")
    readonly_fields = ("uid_validity", "last_uid", "last_polled_at", "last_error")
    actions = ("poll_now",)

    @admin.action(description="Fetch new messages now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[ImapMailbox]) -> None:
        for mailbox in queryset.order_by("name"):
            result = poll_mailbox(mailbox)
            self.message_user(request, result.summary(), messages.ERROR if result.error else messages.SUCCESS)


# --- end of IMAP mailboxes -----------------------------------------------------------------------------
from supportal.channels.email import admin_inbound  # noqa: E402, F401  (the inbound messages, read-only)
