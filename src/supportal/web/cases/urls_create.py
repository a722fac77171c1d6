"""URL patterns of the portal's case pages: create."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web.cases import create

urlpatterns: list[URLPattern] = [
    path("cases/new/", create.case_new, name="case_new"),
    path("cases/new/fields/", create.case_new_fields, name="case_new_fields"),
    path("cases/new/priority/", create.case_new_priority, name="case_new_priority"),
    path("cases/new/config-items/", create.case_config_items, name="case_config_items"),
]
