"""URL patterns of the portal's case pages: account."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web.cases import account

urlpatterns: list[URLPattern] = [
    path("account/", account.account, name="account"),
    path("account/notifications/", account.notification_preferences, name="account_notifications"),
]
