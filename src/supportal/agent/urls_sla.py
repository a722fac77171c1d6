"""URL patterns of the workspace's SLA pages: the clocks breaching soon and the attainment report."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import sla_views

urlpatterns: list[URLPattern] = [
    path("sla/", sla_views.breaching_soon_page, name="sla_soon"),
    path("reports/sla/", sla_views.sla_report, name="sla_report"),
]
