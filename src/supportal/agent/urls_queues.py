"""URL patterns of the agent workspace: queues, saved views and bulk actions."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import bulk, queue_views, saved_view_views

urlpatterns: list[URLPattern] = [
    path("", queue_views.home, name="home"),
    path("queues/<slug:key>/", queue_views.queue, name="queue"),
    path("views/", saved_view_views.create, name="saved_view_create"),
    path("views/<int:view_id>/", queue_views.saved_view, name="saved_view"),
    path("views/<int:view_id>/delete/", saved_view_views.delete, name="saved_view_delete"),
    path("bulk/", bulk.bulk, name="bulk"),
]
