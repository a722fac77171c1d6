"""Every URL of Supportal. Each app owns its own urls module; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path

from supportal.accounts.views import admin_login
from supportal.api.v1.router import api
from supportal.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", admin_login, name="admin_login_redirect"),  # admins sign in through allauth
    path("admin/", admin.site.urls),
    path("accounts/", include("supportal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("supportal.escalation.urls")),  # /pages/<token>/ and /agent/on-call/
    path("", include("supportal.channels.chat.urls")),  # /chat/…, /chats/, /agent/chat/
    path("agent/", include("supportal.agent.urls")),
    path("", include("supportal.web.urls")),
]
