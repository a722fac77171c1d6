"""The chat's URLs, mounted at the site's root before the workspace's (supportal/urls.py): the JSON
endpoints both sides share (views_json.py), the customer's chat history (views_portal.py) and the agents'
inbox (views_agent.py). The socket itself is /ws/chat/ (routing.py, served by the ASGI application)."""

from __future__ import annotations

from django.urls import URLPattern, path

from supportal.channels.chat import views_agent, views_json, views_portal

app_name = "chat"

urlpatterns: list[URLPattern] = [
    path("chat/state/", views_json.chat_state, name="state"),
    path("chat/start/", views_json.chat_start, name="start"),
    path("chat/<int:conversation_id>/messages/", views_json.chat_messages, name="messages"),
    path("chat/<int:conversation_id>/files/", views_json.chat_file_share, name="file_share"),
    path("chat/<int:conversation_id>/files/<int:file_id>/", views_json.chat_file, name="file"),
    path("chat/<int:conversation_id>/close/", views_json.chat_close, name="close"),
    path("chat/<int:conversation_id>/accept/", views_json.chat_accept, name="accept"),
    path("chat/<int:conversation_id>/transfer/", views_json.chat_transfer, name="transfer"),
    path("chat/<int:conversation_id>/case/", views_json.chat_case, name="case"),
    path("chat/<int:conversation_id>/link/", views_json.chat_link, name="link"),
    *views_portal.urlpatterns,
    *views_agent.urlpatterns,
]
