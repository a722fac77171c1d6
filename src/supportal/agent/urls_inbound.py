"""URL patterns of the agent workspace: inbound email (/agent/email/), held and failed messages above all,
what an agent does with one, its raw bytes, and the customer picker's search."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.agent import inbound_actions, inbound_users, inbound_views

urlpatterns: list[URLPattern] = [
    path("email/", inbound_views.inbound_list, name="inbound_list"),
    path("email/users/", inbound_users.inbound_user_search, name="inbound_user_search"),
    path("email/<int:message_id>/", inbound_views.inbound_detail, name="inbound"),
    path("email/<int:message_id>/raw/", inbound_views.inbound_raw, name="inbound_raw"),
    path("email/<int:message_id>/attach/", inbound_actions.inbound_attach, name="inbound_attach"),
    path(
        "email/<int:message_id>/create-case/", inbound_actions.inbound_create_case, name="inbound_create_case"
    ),
    path("email/<int:message_id>/discard/", inbound_actions.inbound_discard, name="inbound_discard"),
    path("email/<int:message_id>/retry/", inbound_actions.inbound_retry, name="inbound_retry"),
]
