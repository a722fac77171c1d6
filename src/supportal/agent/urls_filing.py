"""URL patterns of the agent workspace: filing a case for a customer, and the page's HTMX partials.

Mounted by agent/urls.py before the case page, so /agent/cases/new/ is never read as a case number."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import filing

urlpatterns: list[URLPattern] = [
    path("cases/new/", filing.case_new, name="case_new"),
    path("cases/new/contacts/", filing.case_new_contacts, name="case_new_contacts"),
    path("cases/new/fields/", filing.case_new_fields, name="case_new_fields"),
    path("cases/new/priority/", filing.case_new_priority, name="case_new_priority"),
    path("cases/new/config-items/", filing.case_new_config_items, name="case_new_config_items"),
]
