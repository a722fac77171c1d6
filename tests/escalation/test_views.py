"""The page's acknowledgement link (/pages/<token>/) and the case page's Paging box: a GET never
acknowledges, the button does and the case's history says so; a bad link is a 404; a page somebody else
acknowledged is a 409 that says who."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.escalation.models import Page, PageStatus
from supportal.escalation.services.paging import page_sweep
from tests.conftest import Story
from tests.escalation.conftest import OnCall
from tests.escalation.test_paging import incident

Capture = Callable[..., Any]
pytestmark = pytest.mark.django_db


def link_of(page: Page) -> str:
    """The path of the acknowledgement link in the email sent to the person paged."""
    [message] = [m for m in mail.outbox if m.to == [page.person.email] and "/pages/" in m.body]
    url = next(word for word in message.body.split() if "/pages/" in word)
    return urlsplit(url).path


def paged(story: Story, capture: Capture) -> tuple[Case, Page]:
    mail.outbox.clear()
    case = incident(story, capture)
    return case, Page.objects.select_related("person").get(case=case)


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_with_csrf(client: Client, path: str) -> Any:
    form = client.get(path)
    token = (
        form.cookies["csrftoken"].value if "csrftoken" in form.cookies else client.cookies["csrftoken"].value
    )
    return client.post(path, {"csrfmiddlewaretoken": token})


def test_opening_the_link_shows_the_incident_and_never_acknowledges(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, page = paged(story, django_capture_on_commit_callbacks)
    response = Client().get(link_of(page))
    body = response.content.decode()
    assert response.status_code == 200
    for shown in (
        case.number,
        case.subject,
        "Globex",
        "P1",
        page.person.display_name,
        "Waiting for acknowledgement",
    ):
        assert shown in body, shown
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert 'data-testid="page-acknowledge"' in body
    page.refresh_from_db()
    assert page.status == PageStatus.PENDING
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.PAGE_ACKNOWLEDGED).exists()


def test_the_button_acknowledges_and_the_history_shows_it(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, page = paged(story, django_capture_on_commit_callbacks)
    client = csrf_client()
    assert client.post(link_of(page)).status_code == 403  # no CSRF token, no acknowledgement
    with django_capture_on_commit_callbacks(execute=True):
        response = post_with_csrf(client, link_of(page))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Acknowledged — " in body and f"/agent/cases/{case.number}/" in body
    page.refresh_from_db()
    assert (page.status, page.acknowledged_by) == (PageStatus.ACKNOWLEDGED, page.person)
    event = CaseEvent.objects.get(case=case, kind=EventKind.PAGE_ACKNOWLEDGED)
    assert event.actor == page.person and event.public
    dana = Client()
    dana.force_login(story.dana)
    history = dana.get(f"/agent/cases/{case.number}/").content.decode()
    assert "acknowledged" in history.lower() and page.person.display_name in history


def test_a_bad_link_is_not_found(story: Story, on_call: OnCall) -> None:
    response = Client().get("/pages/not-a-real-token/")
    assert response.status_code == 404
    assert Client().post("/pages/not-a-real-token/").status_code in (403, 404)


def test_a_page_acknowledged_by_someone_else_says_so_with_a_409(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, first = paged(story, django_capture_on_commit_callbacks)
    first_link = link_of(first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page_sweep(now=first.deadline)  # nobody answered: passed on to the next person
    second = Page.objects.select_related("person").get(case=case, step=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_with_csrf(csrf_client(), link_of(second)).status_code == 200
    client = csrf_client()
    shown = client.get(first_link)
    assert shown.status_code == 200
    assert f"{second.person.display_name} acknowledged this incident already." in shown.content.decode()
    assert 'data-testid="page-acknowledge"' not in shown.content.decode()
    token = client.cookies["csrftoken"].value
    clash = client.post(first_link, {"csrfmiddlewaretoken": token})
    assert clash.status_code == 409
    assert f"{second.person.display_name} acknowledged this incident already." in clash.content.decode()
    first.refresh_from_db()
    assert first.status == PageStatus.PASSED_ON


def test_the_case_page_shows_the_paging_box_and_acknowledges(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, page = paged(story, django_capture_on_commit_callbacks)
    lead = Client()
    lead.force_login(on_call.lena)  # the team's lead may acknowledge for the person paged
    body = lead.get(f"/agent/cases/{case.number}/").content.decode()
    assert 'data-testid="case-paging"' in body and page.person.display_name in body
    assert "Waiting for acknowledgement" in body and 'data-testid="case-page-acknowledge"' in body
    url = f"/agent/cases/{case.number}/pages/{page.pk}/acknowledge/"
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#paging")
    after = lead.get(response["Location"]).content.decode()
    assert "Acknowledged by Lena Lead" in after and 'data-testid="case-page-acknowledge"' not in after
    page.refresh_from_db()
    assert (page.status, page.acknowledged_by) == (PageStatus.ACKNOWLEDGED, on_call.lena)


def test_an_agent_who_may_not_acknowledge_is_told_why(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, page = paged(story, django_capture_on_commit_callbacks)
    other = on_call.gus if page.person == on_call.dana else on_call.dana
    client = Client()
    client.force_login(other)
    response = client.post(f"/agent/cases/{case.number}/pages/{page.pk}/acknowledge/")
    assert response.status_code == 403
    assert "You may not acknowledge this page." in response.content.decode()
    page.refresh_from_db()
    assert page.status == PageStatus.PENDING
    elsewhere = client.post(f"/agent/cases/{story_case_number(story)}/pages/{page.pk}/acknowledge/")
    assert elsewhere.status_code == 404  # a page is acknowledged on its own case only


def story_case_number(story: Story) -> str:
    from supportal.cases import services

    return services.case_create(
        actor=story.alice, organisation=story.acme, subject="Something else", channel="portal"
    ).number


def test_customers_cannot_use_the_case_page_button(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    case, page = paged(story, django_capture_on_commit_callbacks)
    charlie = Client()
    charlie.force_login(story.charlie)
    assert charlie.post(f"/agent/cases/{case.number}/pages/{page.pk}/acknowledge/").status_code == 404
    page.refresh_from_db()
    assert page.status == PageStatus.PENDING
