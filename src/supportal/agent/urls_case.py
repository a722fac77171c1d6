"""URL patterns of the agent workspace: case."""

from __future__ import annotations

from django.urls import URLPattern, path

urlpatterns: list[URLPattern] = []
_ = path
