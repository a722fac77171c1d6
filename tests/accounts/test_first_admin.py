"""The first admin, made with `supportal createsuperuser`, can sign in before email works."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from supportal.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_admin_agent_who_can_sign_in(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "first-admin-long-password")
    call_command("createsuperuser", "--noinput", "--email", "Root@Provider.example", "--name", "Root Admin")
    admin = User.objects.get(email="root@provider.example")
    assert admin.is_agent and admin.is_staff and admin.is_superuser

    response = client.post(
        "/accounts/login/", {"login": "root@provider.example", "password": "first-admin-long-password"}
    )
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/admin/").status_code == 200
