"""Webhooks in the admin: provider admins manage every webhook (provider-wide ones and any organisation's).

Adding, changing, enabling, disabling, rotating the secret, testing and deleting all go through
webhooks.services (the same checks and audit records as the API and the portal); a new or rotated secret
is shown once, in the confirmation message. Deliveries are a read-only log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from supportal.audit.services import AuditChannel
from supportal.core.admin_site import AdminOnly, ReadOnlyAdmin
from supportal.core.errors import DomainError, InvalidInput
from supportal.core.http import client_ip
from supportal.webhooks import services
from supportal.webhooks.events import EVENT_TYPES
from supportal.webhooks.models import Delivery, Webhook


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.CharField(label="URL", max_length=2000, help_text="An http:// or https:// URL.")
    event_types = forms.MultipleChoiceField(
        choices=list(EVENT_TYPES.items()), widget=forms.CheckboxSelectMultiple, label="Events"
    )

    class Meta:
        model = Webhook
        fields = ("organisation", "url", "event_types", "description")
        help_texts = {"organisation": "Leave empty for a provider-wide webhook (every event, agents' view)."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation = cleaned.get("organisation", getattr(self.instance, "organisation", None))
        try:
            cleaned.update(
                services.clean_fields(
                    organisation,
                    url=cleaned.get("url") or "",
                    event_types=cleaned.get("event_types") or [],
                    description=cleaned.get("description") or "",
                )
            )
        except InvalidInput as error:
            for field, problems in error.fields.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(Webhook)
class WebhookAdmin(AdminOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    form = WebhookForm
    list_display = ("url", "organisation", "description", "is_active", "consecutive_failures", "disabled_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description", "organisation__name")
    list_select_related = ("organisation",)
    readonly_fields = (
        "is_active", "created_by", "created_at", "updated_at", "consecutive_failures", "disabled_at",
        "disabled_reason",
    )  # fmt: skip
    actions = ("enable", "disable", "rotate_secret", "send_test")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A webhook stays with its organisation (its log was written for it).
        return ("organisation", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {"url": data["url"], "event_types": data["event_types"], "description": data["description"]}
        if change:
            services.webhook_update(
                actor=request.user, channel=AuditChannel.ADMIN, webhook=obj, ip=client_ip(request), **fields
            )
            return
        created = services.webhook_create(
            actor=request.user, channel=AuditChannel.ADMIN, organisation=data.get("organisation"),
            ip=client_ip(request), **fields,
        )  # fmt: skip
        for field in ("id", "secret", "created_by", "created_at", "updated_at", "is_active"):
            setattr(obj, field, getattr(created, field))
        obj._state.adding, obj._state.db = False, created._state.db
        messages.warning(request, f"The webhook's signing secret, shown this once: {created.secret}")

    def delete_model(self, request: HttpRequest, obj: Webhook) -> None:
        services.webhook_delete(
            actor=request.user, channel=AuditChannel.ADMIN, webhook=obj, ip=client_ip(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            self.delete_model(request, webhook)

    def _each(self, request: HttpRequest, queryset: QuerySet[Webhook], service: Any, done: str) -> None:
        for webhook in queryset:
            try:
                result = service(
                    actor=request.user, channel=AuditChannel.ADMIN, webhook=webhook, ip=client_ip(request)
                )
            except DomainError as error:
                messages.error(request, f"{webhook}: {error.detail}")
                continue
            if service is services.webhook_rotate_secret:
                messages.warning(request, f"{webhook}: the new secret, shown this once: {result.secret}")
            else:
                messages.success(request, f"{webhook}: {done}")

    @admin.action(description="Enable the selected webhooks (the failure count starts again)")
    def enable(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        self._each(request, queryset, services.webhook_enable, "enabled.")

    @admin.action(description="Disable the selected webhooks")
    def disable(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        self._each(request, queryset, services.webhook_disable, "disabled.")

    @admin.action(description="Rotate the signing secret of the selected webhooks")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        self._each(request, queryset, services.webhook_rotate_secret, "")

    @admin.action(description="Send a test delivery (ping) to the selected webhooks")
    def send_test(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        self._each(request, queryset, services.webhook_ping, "test delivery queued.")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "event",
        "webhook",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
    )
    list_filter = ("status", "event")
    search_fields = ("webhook__url", "event")
    list_select_related = ("webhook",)
    date_hierarchy = "created_at"
    fields = (
        "uuid", "webhook", "event", "status", "attempts", "response_code", "response_excerpt", "error",
        "duration_ms", "created_at", "last_attempt_at", "next_attempt_at", "delivered_at", "payload",
    )  # fmt: skip
    actions = None
