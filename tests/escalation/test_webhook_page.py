"""A paging gateway behind a provider-wide webhook: `page.sent` arrives signed, with whom to reach and a
link that acknowledges; an organisation's webhook never hears of pages.

Deliveries go to a real HTTP receiver on 127.0.0.1 (tests.webhooks.conftest); the clock is frozen in Gus's
week on the Service Desk rota.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from supportal.cases import services as case_services
from supportal.cases.models import Case, CaseType, Priority, Visibility
from supportal.escalation.models import Page, PageStatus
from supportal.webhooks.models import Delivery
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.webhooks.conftest import ALL_CASE_EVENTS, Receiver, make_webhook
from tests.webhooks.conftest import receiver as receiver
from tests.webhooks.conftest import run as run

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 5, 5, 12, tzinfo=UTC)
PAGE_EVENTS = ["page.sent", "page.acknowledged"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def file_incident(story: Story, run: Callable[..., Any]) -> Case:
    case: Case = run(
        case_services.case_create, actor=story.charlie, organisation=story.globex,
        subject="The payment gateway is down", channel="portal",
        case_type=CaseType.objects.get(code="incident"), priority=Priority.P1,
        visibility=Visibility.ORGANIZATION,
    )  # fmt: skip
    return case


def test_a_provider_webhook_gets_page_sent_with_the_phone_and_a_working_acknowledge_link(
    story: Story, on_call: OnCall, receiver: Receiver, run: Callable[..., Any]
) -> None:
    on_call.gus.phone = "+32 470 12 34 56"
    on_call.gus.save()
    gateway = make_webhook(story.erin, receiver.url, organisation=None, events=PAGE_EVENTS)
    case = file_incident(story, run)
    [request] = receiver.requests
    assert request.headers["X-Supportal-Event"] == "page.sent"
    assert request.signed_by(gateway.secret)
    page_data = request.json["data"]["page"]
    assert page_data["person"] == {
        "name": "Gus Agent",
        "email": on_call.gus.email,
        "phone": "+32 470 12 34 56",
    }
    assert page_data["role"] == "on_call" and page_data["step"] == 1
    assert request.json["data"]["case"]["number"] == case.number

    path = urlsplit(page_data["acknowledge_url"]).path
    assert path.startswith("/pages/")
    answer = run(Client().post, path)
    assert answer.status_code == 200
    page = Page.objects.get(case=case)
    assert page.status == PageStatus.ACKNOWLEDGED and page.acknowledged_by == on_call.gus
    assert receiver.events() == PAGE_EVENTS
    assert "acknowledge_url" not in receiver.requests[1].json["data"]["page"]
    # The link works once: a second press changes nothing and sends nothing.
    assert run(Client().post, path).status_code == 200
    assert receiver.events() == PAGE_EVENTS


def test_an_organisations_webhook_never_receives_page_events(
    story: Story, on_call: OnCall, receiver: Receiver, run: Callable[..., Any]
) -> None:
    make_webhook(story.charlie, receiver.url, organisation=story.globex, events=ALL_CASE_EVENTS + PAGE_EVENTS)
    case = file_incident(story, run)
    page = Page.objects.get(case=case)
    from supportal.escalation.services.paging import page_acknowledge

    run(page_acknowledge, actor=on_call.gus, page=page, channel="portal")
    assert Page.objects.get(pk=page.pk).status == PageStatus.ACKNOWLEDGED
    assert "case.created" in receiver.events()  # the webhook works
    assert not [name for name in receiver.events() if name.startswith("page.")]
    assert not Delivery.objects.filter(event__startswith="page.").exists()
    assert all("page" not in r.json["data"] for r in receiver.requests)
