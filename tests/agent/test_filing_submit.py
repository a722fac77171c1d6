"""Filing a case for a customer: a post opens the case for the contact through case_create, recording
who filed it, how the customer asked and why; the requester hears of it in the app; every error comes
back next to its field with everything typed kept, and nothing is created."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from supportal.cases.lifecycle import State
from supportal.cases.models import Attachment, Case, CaseEvent, Channel, EventKind
from supportal.notifications.models import Notification
from supportal.orgs import services as org_services
from tests.agent.test_filing_fixtures import URL, filing_post
from tests.cases.test_attachments import png
from tests.conftest import Story
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import Catalogue, client_for

pytestmark = pytest.mark.django_db
catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_dana_files_a_phone_case_for_bob_who_is_notified(
    story: Story, catalogue: Catalogue, django_capture_on_commit_callbacks: Capture
) -> None:
    dana = client_for(story.dana)
    data = filing_post(
        story.acme.pk, story.bob, config_item=catalogue.db01.pk, watchers=[story.alice.pk], reference="ACME-1"
    )
    data["files"] = SimpleUploadedFile("screen.png", png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = dana.post(URL, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/cases/{case.number}/"
    assert case.requester == story.bob and case.organisation == story.acme
    assert case.filed_by == story.dana
    assert case.filed_reason == "Requested by Bob by phone"
    assert case.channel == Channel.PHONE and case.state == State.NEW
    assert case.priority == "P2" and case.config_item == catalogue.db01 and case.reference == "ACME-1"
    assert case.extra["service"] == "DNS"
    assert list(case.watchers.values_list("user_id", flat=True)) == [story.alice.pk]
    attachment = Attachment.objects.get(case=case)
    assert attachment.filename == "screen.png"
    created = CaseEvent.objects.get(case=case, kind=EventKind.CREATED)
    assert (
        created.actor == story.dana and created.on_behalf_of == story.bob and created.channel == Channel.PHONE
    )
    assert created.data["filed_reason"] == "Requested by Bob by phone"
    # the usual confirmation: Bob's in-app notification (the email comes with the email channel)
    note = Notification.objects.get(user=story.bob, case=case, verb=EventKind.CREATED)
    assert "Dana Agent opened" in note.text and case.number in note.text
    assert not Notification.objects.filter(user=story.dana, case=case).exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Case {case.number} filed for Bob Acme, who was notified."


@pytest.mark.parametrize("channel", ["chat", "walk-in", "email"])
def test_every_channel_a_customer_asks_through_is_recorded(
    story: Story, catalogue: Catalogue, channel: str
) -> None:
    response = client_for(story.dana).post(URL, filing_post(story.acme.pk, story.alice, channel=channel))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == channel and case.requester == story.alice
    if channel == "email":
        assert case.priority == "P3"  # email cases start at P3


def test_errors_come_back_next_to_their_fields_with_everything_kept(
    story: Story, catalogue: Catalogue
) -> None:
    data = filing_post(
        story.acme.pk, story.bob, subject="", filed_reason="  ", channel="fax", description="Typed text",
        **{"extra.service": "", "extra.summary_line": "Kept line"},
    )  # fmt: skip
    response = client_for(story.dana).post(URL, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert not Case.objects.exists()
    for field in ("subject", "filed_reason", "channel", "extra-service"):
        assert f'data-testid="error-{field}"' in html
    assert "Typed text" in html and 'value="Kept line"' in html
    assert f'<option value="{story.bob.pk}" selected>Bob Acme (bob@acme.example)</option>' in html
    assert 'id="urgency-high" value="high" checked' in html


def test_a_contact_of_another_organisation_is_refused(story: Story, catalogue: Catalogue) -> None:
    response = client_for(story.dana).post(URL, filing_post(story.acme.pk, story.charlie))
    assert response.status_code == 422
    assert 'data-testid="error-requester"' in response.content.decode()
    assert not Case.objects.exists()


def test_no_organisation_chosen_says_so_and_keeps_the_rest(story: Story, catalogue: Catalogue) -> None:
    response = client_for(story.dana).post(URL, filing_post("", None, subject="Kept subject"))
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-organisation"' in html and 'value="Kept subject"' in html


def test_a_refused_file_files_nothing(story: Story, catalogue: Catalogue, settings: Any) -> None:
    settings.SUPPORTAL_MAX_ATTACHMENT_BYTES = 10
    data = filing_post(story.acme.pk, story.bob)
    data["files"] = SimpleUploadedFile("big.txt", b"x" * 100, content_type="text/plain")
    response = client_for(story.dana).post(URL, data)
    assert response.status_code == 422
    assert 'data-testid="error-file"' in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_filed_as_the_organisation_itself_the_callers_name_is_required_and_recorded(
    story: Story, catalogue: Catalogue, django_capture_on_commit_callbacks: Capture
) -> None:
    virtual = story.acme.virtual_user
    assert virtual is not None
    dana = client_for(story.dana)
    refused = dana.post(URL, filing_post(story.acme.pk, virtual))
    assert refused.status_code == 422
    assert "filed as Acme Corp itself: write the caller" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = dana.post(URL, filing_post(story.acme.pk, virtual, requester_name="Jane Doe"))
    case = Case.objects.get()
    assert case.requester == virtual and case.requester_name == "Jane Doe" and case.filed_by == story.dana
    assert not Notification.objects.filter(case=case).exclude(user__kind="agent").exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "filed for Acme Corp (filed as the organisation, for Jane Doe)" in message


def test_on_a_shared_login_the_callers_name_is_required(story: Story, catalogue: Catalogue) -> None:
    bakery = org_services.organisation_create(
        actor=story.erin, channel="cli", name="Bakery", plan=story.free, shared_login=True
    )
    counter = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=bakery, email="counter@bakery.example", name="Counter"
    )
    dana = client_for(story.dana)
    page = dana.get(URL, {"organisation": bakery.pk}).content.decode()
    assert "Bakery shares one login" in page
    data = filing_post(bakery.pk, counter, **{"extra.service": "DNS", "config_item": None})
    refused = dana.post(URL, data)
    assert refused.status_code == 422 and "Bakery shares one login" in refused.content.decode()
    response = dana.post(URL, {**data, "requester_name": "Pat at the counter"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.requester == counter and case.requester_name == "Pat at the counter"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == f"Case {case.number} filed for Pat at the counter (Counter), who was notified."


def test_without_javascript_the_refresh_button_shows_the_types_fields(
    story: Story, catalogue: Catalogue
) -> None:
    data = filing_post(story.acme.pk, story.bob, request_type="question", _refresh="type")
    response = client_for(story.dana).post(URL, data)
    assert response.status_code == 200
    assert 'data-request-type="question"' in response.content.decode()
    assert not Case.objects.exists()


def test_customers_cannot_post(story: Story, catalogue: Catalogue) -> None:
    assert client_for(story.alice).post(URL, filing_post(story.acme.pk, story.bob)).status_code == 404
    assert not Case.objects.exists()
