"""URL patterns of the agent workspace: the case page (/agent/cases/<number>/) and what it posts."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import case_actions, case_composer, case_edits, case_links, case_page, presence

urlpatterns: list[URLPattern] = [
    path("cases/<str:number>/", case_page.case_page, name="case"),
    path("cases/<str:number>/comments/", case_composer.case_comment, name="case_comment"),
    path("cases/<str:number>/preview/", case_composer.case_preview, name="case_preview"),
    path("cases/<str:number>/macros/<int:macro_id>/", case_composer.case_macro, name="case_macro"),
    path("cases/<str:number>/actions/<str:action>/", case_actions.case_action, name="case_action"),
    path("cases/<str:number>/escalate/", case_actions.case_escalate, name="case_escalate"),
    path("cases/<str:number>/deescalate/", case_actions.case_deescalate, name="case_deescalate"),
    path("cases/<str:number>/assign/", case_actions.case_assign, name="case_assign"),
    path("cases/<str:number>/workaround/", case_actions.case_workaround, name="case_workaround"),
    path("cases/<str:number>/type/", case_edits.case_classification, name="case_classification"),
    path("cases/<str:number>/config-item/", case_edits.case_config_item, name="case_config_item"),
    path("cases/<str:number>/priority/", case_edits.case_priority, name="case_priority"),
    path("cases/<str:number>/watchers/", case_edits.case_watcher_add, name="case_watcher_add"),
    path("cases/<str:number>/watchers/remove/", case_edits.case_watcher_remove, name="case_watcher_remove"),
    path("cases/<str:number>/link/", case_links.case_link, name="case_link"),
    path("cases/<str:number>/merge/", case_links.case_merge, name="case_merge"),
    path("cases/<str:number>/follow-up/", case_links.case_follow_up, name="case_follow_up"),
    path("cases/<str:number>/presence/", presence.case_presence, name="case_presence"),
]
