"""URL patterns of the portal's case pages: lists."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.web.cases import lists, lists_pickers

urlpatterns: list[URLPattern] = [
    path("cases/", lists.cases, name="cases"),
    path("orders/", lists.orders, name="orders"),
    path("cases/filter/config-items/", lists_pickers.config_items_search, name="case_list_config_items"),
    path("cases/filter/requesters/", lists_pickers.requesters_search, name="case_list_requesters"),
]
