"""URL patterns of the workspace's order work: the fulfilment tasks list and what the case page's order
panel posts."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import order_tasks, order_views

urlpatterns: list[URLPattern] = [
    path("tasks/", order_tasks.tasks, name="order_tasks"),
    path(
        "cases/<str:number>/tasks/<int:task_id>/complete/",
        order_views.task_complete,
        name="order_task_complete",
    ),
    path("cases/<str:number>/tasks/<int:task_id>/assign/", order_views.task_assign, name="order_task_assign"),
]
