"""URL patterns of an organisation's webhook pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web import webhooks

urlpatterns: list[URLPattern] = [
    path("organisation/webhooks/", webhooks.organisation_webhooks, name="organisation_webhooks"),
    path("organisation/webhooks/<int:webhook_id>/", webhooks.webhook_detail, name="webhook_detail"),
    path("organisation/webhooks/<int:webhook_id>/enable/", webhooks.webhook_enable, name="webhook_enable"),
    path("organisation/webhooks/<int:webhook_id>/disable/", webhooks.webhook_disable, name="webhook_disable"),
    path("organisation/webhooks/<int:webhook_id>/ping/", webhooks.webhook_ping, name="webhook_ping"),
    path(
        "organisation/webhooks/<int:webhook_id>/rotate-secret/",
        webhooks.webhook_rotate_secret,
        name="webhook_rotate_secret",
    ),
    path("organisation/webhooks/<int:webhook_id>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path(
        "organisation/webhooks/<int:webhook_id>/deliveries/<uuid:delivery_id>/redeliver/",
        webhooks.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
