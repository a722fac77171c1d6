"""The requester shares a private case with the organisation from the case page, and takes it back."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases.models import EventKind
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_requester_shares_then_makes_private(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    bob, alice = client_for(story.bob), client_for(story.alice)
    page = reverse("web:case_detail", args=[case.number])
    assert alice.get(page).status_code == 404
    assert 'data-testid="share-case"' in bob.get(page).content.decode()

    response = bob.post(reverse("web:case_visibility", args=[case.number]), {"visibility": "organization"})
    assert response.status_code == 302
    assert alice.get(page).status_code == 200  # Alice may view the organisation's shared cases

    bob.post(reverse("web:case_visibility", args=[case.number]), {"visibility": "private"})
    assert alice.get(page).status_code == 404
    changes = case.events.filter(kind=EventKind.FIELD_CHANGED).values_list("data", flat=True)
    assert [(c["old"], c["new"]) for c in changes] == [
        ("private", "organization"),
        ("organization", "private"),
    ]


def test_a_colleague_cannot_change_visibility(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob, visibility="organization")
    alice = client_for(story.alice)
    page = reverse("web:case_detail", args=[case.number])
    assert 'data-testid="make-private"' not in alice.get(page).content.decode()
    response = alice.post(reverse("web:case_visibility", args=[case.number]), {"visibility": "private"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.visibility == "organization"


def test_a_bad_value_changes_nothing(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    client_for(story.bob).post(reverse("web:case_visibility", args=[case.number]), {"visibility": "public"})
    case.refresh_from_db()
    assert case.visibility == "private"
