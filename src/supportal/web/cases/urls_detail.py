"""URL patterns of the portal's case pages: detail."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
