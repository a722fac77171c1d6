"""Helpers shared by the case admin and notification page tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from supportal.accounts.models import User
from supportal.cases.models import Case, CaseType, Category, RequestType
from supportal.cases.services import case_create, comment_add
from tests.conftest import Story


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_case(story: Story, subject: str = "Printer on fire", requester: User | None = None) -> Case:
    """A case the requester (Bob unless named) opens in the portal for their own organisation."""
    requester = requester or story.bob
    organisation = story.globex if requester == story.charlie else story.acme
    return case_create(actor=requester, organisation=organisation, subject=subject, channel="portal")


def reply(story: Story, case: Case, body: str, capture: Any) -> None:
    """Dana answers on `case`; the requester is notified once the change commits."""
    with capture(execute=True):
        comment_add(actor=story.dana, case=case, body=body, channel="portal")


@pytest.fixture
def access_type(story: Story) -> RequestType:
    """A request type with no fields yet, in a "Cloud" category."""
    cloud = Category.objects.create(slug="cloud", name="Cloud")
    return RequestType.objects.create(
        category=cloud,
        case_type=CaseType.objects.get(code="general-request"),
        slug="vpn-access",
        name="VPN access",
    )
