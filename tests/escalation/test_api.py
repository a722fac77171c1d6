"""The on-call API: who is on call per team (until when, the next shifts), a case's pages, and
acknowledging one (200, 403 for someone who may not, 409 when someone else did); customers get 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from supportal.cases.models import CaseEvent, EventKind
from supportal.escalation.models import Page, PageStatus
from supportal.escalation.services.paging import page_sweep
from supportal.orgs import services as org_services
from tests.api.conftest import Api, secret_for
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.escalation.test_paging import incident

Capture = Callable[..., Any]
pytestmark = pytest.mark.django_db


def test_on_call_lists_each_team_with_its_engineer_until_and_shifts(story: Story, on_call: OnCall) -> None:
    on_call.dana.phone = "+32 2 555 0100"
    on_call.dana.save(update_fields=["phone"])
    response = Api(secret_for(story.frank, scope="read")).get("on-call")
    assert response.status_code == 200, response.content
    [team] = response.json()
    assert team["team"]["name"] == story.service_desk.name
    assert team["on_call"]["id"] in (on_call.dana.pk, on_call.gus.pk)
    assert set(team["on_call"]) == {"id", "name", "email", "phone"}
    first, *rest = team["shifts"]
    assert first["person"] == team["on_call"]
    assert datetime.fromisoformat(first["ends_at"]) == datetime.fromisoformat(team["until"])
    assert rest and rest[0]["person"]["id"] != first["person"]["id"]  # the pager passes on within 7 days
    ends = datetime.fromisoformat(team["shifts"][-1]["ends_at"])
    starts = datetime.fromisoformat(first["starts_at"])
    assert (ends - starts).days == 7


def test_pages_of_a_case_and_acknowledging_one(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case = incident(story, django_capture_on_commit_callbacks)
    page = Page.objects.select_related("person").get(case=case)
    api = Api(secret_for(page.person))
    [listed] = api.get(f"cases/{case.number}/pages").json()
    assert (listed["id"], listed["person"]["id"], listed["role"], listed["status"], listed["step"]) == (
        page.pk, page.person.pk, "on_call", "pending", 1,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"pages/{page.pk}/acknowledge")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_by"]["id"] == page.person.pk
    assert body["case"] == case.number
    event = CaseEvent.objects.get(case=case, kind=EventKind.PAGE_ACKNOWLEDGED)
    assert event.channel == "api"
    again = api.post(f"pages/{page.pk}/acknowledge")
    assert again.status_code == 200 and again.json()["status"] == "acknowledged"


def test_acknowledging_is_refused_to_others_and_clashes_after_someone_else(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case = incident(story, django_capture_on_commit_callbacks)
    first = Page.objects.select_related("person").get(case=case)
    outsider = Api(secret_for(story.frank))
    refused = outsider.post(f"pages/{first.pk}/acknowledge")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        page_sweep(now=first.deadline)
    second = Page.objects.select_related("person").get(case=case, step=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert Api(secret_for(on_call.lena)).post(f"pages/{second.pk}/acknowledge").status_code == 200
    clash = Api(secret_for(first.person, name="late")).post(f"pages/{first.pk}/acknowledge")
    assert clash.status_code == 409 and clash.json()["error"] == "conflict"
    assert "Lena Lead acknowledged this incident already." in clash.json()["detail"]
    first.refresh_from_db()
    assert first.status == PageStatus.PASSED_ON
    assert outsider.post("pages/999999999/acknowledge").status_code == 404


def test_customers_get_403_everywhere(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case = incident(story, django_capture_on_commit_callbacks)
    page = Page.objects.get(case=case)
    bot = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.globex, email="bot@globex.example",
        name="Globex bot", kind="integration",
    )  # fmt: skip
    charlie = Api(secret_for(bot))  # a customer's token: customers themselves hold none
    for response in (
        charlie.get("on-call"),
        charlie.get(f"cases/{case.number}/pages"),
        charlie.post(f"pages/{page.pk}/acknowledge"),
    ):
        assert response.status_code == 403, response.content
        assert "Dana" not in response.content.decode()
    page.refresh_from_db()
    assert page.status == PageStatus.PENDING
