"""The workspace's on-call page: who is on call now, the coming shifts, overrides added and removed (with
the service's refusals on the form), the pages waiting; customers never reach it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from supportal.escalation.models import RotaOverride
from supportal.escalation.schedule import on_call_at
from supportal.escalation.selectors import covers_of, rotation_of
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.escalation.test_paging import incident

Capture = Callable[..., Any]
pytestmark = pytest.mark.django_db
LOCAL = "%Y-%m-%dT%H:%M"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_who_is_on_call_and_the_pages_waiting(
    story: Story,
    on_call: OnCall,
    django_capture_on_commit_callbacks: Capture,
    django_assert_max_num_queries: Any,
) -> None:
    on_call.gus.phone = "+32 2 555 0101"
    on_call.gus.save(update_fields=["phone"])
    now = timezone.now()
    holder = on_call_at(rotation_of(on_call.rota), covers_of(on_call.rota, now, now), now)
    case = incident(story, django_capture_on_commit_callbacks)
    client = signed_in(story.dana)
    client.get("/agent/on-call/")
    with django_assert_max_num_queries(14):
        response = client.get("/agent/on-call/")
    body = response.content.decode()
    assert response.status_code == 200
    name = on_call.dana.display_name if holder == on_call.dana.pk else on_call.gus.display_name
    assert f"On call now: <strong>{name}</strong>" in body
    if holder == on_call.gus.pk:
        assert "+32 2 555 0101" in body
    assert body.count('data-testid="shift"') >= 2  # 14 days of 7-day shifts
    assert 'data-testid="waiting-page"' in body and case.number in body
    assert 'data-testid="nav-on-call"' in body


def test_an_override_is_added_shown_and_removed(story: Story, on_call: OnCall) -> None:
    client = signed_in(on_call.lena)  # the team's lead
    start = timezone.localtime() + timedelta(hours=1)
    form = {
        "rota": on_call.rota.pk, "user": on_call.lena.pk, "starts_at": start.strftime(LOCAL),
        "ends_at": (start + timedelta(days=1)).strftime(LOCAL), "reason": "Dana at the dentist",
    }  # fmt: skip
    response = client.post("/agent/on-call/overrides/", form)
    assert response.status_code == 302
    override = RotaOverride.objects.get(rota=on_call.rota)
    assert (override.user, override.created_by, override.reason) == (
        on_call.lena,
        on_call.lena,
        form["reason"],
    )
    page = client.get("/agent/on-call/").content.decode()
    assert "Dana at the dentist" in page and 'data-testid="override-remove"' in page
    assert client.post(f"/agent/on-call/overrides/{override.pk}/remove/").status_code == 302
    assert not RotaOverride.objects.filter(pk=override.pk).exists()


def test_the_form_shows_the_services_refusals(story: Story, on_call: OnCall) -> None:
    client = signed_in(on_call.lena)
    start = timezone.localtime() + timedelta(hours=2)
    backwards = {
        "rota": on_call.rota.pk, "user": on_call.dana.pk, "starts_at": start.strftime(LOCAL),
        "ends_at": (start - timedelta(hours=1)).strftime(LOCAL),
    }  # fmt: skip
    response = client.post("/agent/on-call/overrides/", backwards)
    assert response.status_code == 422
    assert "The end must come after the start." in response.content.decode()
    empty = client.post("/agent/on-call/overrides/", {"rota": on_call.rota.pk, "user": on_call.dana.pk})
    assert empty.status_code == 422 and "This field is required." in empty.content.decode()
    assert not RotaOverride.objects.exists()


def test_a_member_may_take_a_shift_but_not_hand_one_to_someone_else(story: Story, on_call: OnCall) -> None:
    client = signed_in(on_call.gus)
    start = timezone.localtime() + timedelta(hours=2)
    form = {
        "rota": on_call.rota.pk, "user": on_call.dana.pk, "starts_at": start.strftime(LOCAL),
        "ends_at": (start + timedelta(hours=8)).strftime(LOCAL),
    }  # fmt: skip
    refused = client.post("/agent/on-call/overrides/", form)
    assert refused.status_code == 403
    assert "You may not change who is on call for this team." in refused.content.decode()
    assert client.post("/agent/on-call/overrides/", {**form, "user": on_call.gus.pk}).status_code == 302
    mine = RotaOverride.objects.get()
    frank = signed_in(story.frank)  # an agent outside the rota
    removed = frank.post(f"/agent/on-call/overrides/{mine.pk}/remove/")
    assert removed.status_code == 403 and "You may not remove this override." in removed.content.decode()
    assert RotaOverride.objects.filter(pk=mine.pk).exists()


def test_customers_cannot_reach_the_on_call_page(story: Story, on_call: OnCall) -> None:
    for person in (story.charlie, story.alice):
        client = signed_in(person)
        assert client.get("/agent/on-call/").status_code == 404
        assert client.post("/agent/on-call/overrides/", {"rota": on_call.rota.pk}).status_code == 404
    assert Client().get("/agent/on-call/").status_code == 302  # to sign in
