"""URL patterns of the portal's case pages: detail (the case page and the forms it posts)."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web.cases import detail

urlpatterns: list[URLPattern] = [
    path("cases/<str:number>/", detail.case_detail, name="case_detail"),
    path("cases/<str:number>/actions/<str:action>/", detail.case_action, name="case_action"),
    path("cases/<str:number>/comments/", detail.case_comment, name="case_comment"),
    path("cases/<str:number>/priority/", detail.case_priority, name="case_priority"),
    path("cases/<str:number>/escalate/", detail.case_escalate, name="case_escalate"),
    path("cases/<str:number>/watchers/", detail.case_watchers, name="case_watchers"),
    path("cases/<str:number>/visibility/", detail.case_visibility, name="case_visibility"),
    path("cases/<str:number>/watchers/remove/", detail.case_watcher_remove, name="case_watcher_remove"),
]
