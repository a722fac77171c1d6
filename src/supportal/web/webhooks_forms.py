"""The form of the webhook pages: what people type, nothing more. Whether a URL, the events and the
description are acceptable is decided by webhooks.services; its errors are shown next to these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from supportal.webhooks.addresses import URL_MAX
from supportal.webhooks.events import EVENT_TYPES
from supportal.webhooks.models import Webhook
from supportal.webhooks.services import DESCRIPTION_MAX


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Payload URL",
        max_length=URL_MAX,
        help_text="Where to POST events: an https:// address on the public internet.",
        error_messages={"required": "Enter the URL to send events to."},
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=list(EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    description = forms.CharField(
        label="Description", max_length=DESCRIPTION_MAX, required=False, help_text="What receives the events."
    )

    def __init__(self, *args: Any, prefix_ids: str = "id_%s", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", prefix_ids)
        super().__init__(*args, **kwargs)


def form_for(webhook: Webhook, data: Any = None) -> WebhookForm:
    """The edit form of `webhook`, filled with its values (or with what was posted)."""
    initial = {"url": webhook.url, "event_types": webhook.event_types, "description": webhook.description}
    return WebhookForm(data, initial=initial, prefix_ids="id_edit_%s")
