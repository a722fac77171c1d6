"""The URLs of on-call paging, mounted at the site's root (supportal/urls.py): the acknowledgement link
of a page, the workspace's on-call page and its override forms, and the case page's Acknowledge button.
Before the workspace's own URLs, whose case pages take any number."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.escalation import views_case, views_link, views_on_call

app_name = "escalation"

urlpatterns: list[URLPattern] = [
    path("pages/<str:token>/", views_link.page_link, name="page_link"),
    path("agent/on-call/", views_on_call.on_call_page, name="on_call"),
    path("agent/on-call/overrides/", views_on_call.override_add, name="override_add"),
    path(
        "agent/on-call/overrides/<int:override_id>/remove/",
        views_on_call.override_delete,
        name="override_remove",
    ),
    path(
        "agent/cases/<str:number>/pages/<int:page_id>/acknowledge/",
        views_case.case_page_acknowledge,
        name="case_page_acknowledge",
    ),
]
