from django.urls import path

from supportal.web import (
    account_status,
    approvals,
    attachments,
    catalog,
    config_items,
    notifications,
    people,
    urls_tokens,
    urls_webhooks,
    views,
)
from supportal.web.cases import urls as case_urls

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/escalation/", views.escalation_matrix, name="escalation_matrix"),
    path("organisation/status/", account_status.account_status, name="account_status"),
    path("organisation/users/", people.people, name="people"),
    path("organisation/users/invite/", people.invite, name="people_invite"),
    path("organisation/users/<int:user_id>/invite/", people.reinvite, name="people_reinvite"),
    path("organisation/users/<int:user_id>/groups/", people.change_groups, name="people_groups"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("catalog/", catalog.catalog, name="catalog"),
    path("catalog/<slug:slug>/", catalog.catalog_item, name="catalog_item"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<str:token>/", approvals.approval_link, name="approval_link"),
    path("cases/<str:number>/approval/", approvals.case_approval, name="case_approval"),
    path("config-items/", config_items.config_items, name="config_items"),
    path("config-items/<int:config_item_id>/", config_items.config_item, name="config_item"),
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        attachments.case_attachment,
        name="case-attachment",
    ),
    *case_urls.urlpatterns,
    *urls_tokens.urlpatterns,
    *urls_webhooks.urlpatterns,
]
