"""URL patterns of the portal's case pages: lists."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web.cases import lists

urlpatterns: list[URLPattern] = [
    path("cases/", lists.cases, name="cases"),
    path("orders/", lists.orders, name="orders"),
]
