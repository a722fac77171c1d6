from __future__ import annotations

from django.urls import URLPattern

from supportal.web.cases import urls_account, urls_create, urls_detail, urls_lists

urlpatterns: list[URLPattern] = [
    *urls_lists.urlpatterns,
    *urls_create.urlpatterns,
    *urls_detail.urlpatterns,
    *urls_account.urlpatterns,
]
