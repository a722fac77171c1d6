from django.urls import path

from supportal.web import (
    account_status,
    attachments,
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
    path(
        "cases/<str:number>/attachments/<int:attachment_id>/",
        attachments.case_attachment,
        name="case-attachment",
    ),
    *case_urls.urlpatterns,
    *urls_tokens.urlpatterns,
    *urls_webhooks.urlpatterns,
]
