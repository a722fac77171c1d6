"""Sending the create-a-case form: the case opens through the services with its files, or every problem
comes back next to its field with everything typed kept and nothing created."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import override_settings

from supportal.cases.models import Attachment, Case, CaseEvent, Channel, EventKind, Watcher
from supportal.orgs.models import Team
from tests.cases.test_attachments import png
from tests.conftest import Story
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import (
    URL,
    Catalogue,
    client_for,
    valid_post,
)

catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind


def _body(response: Any) -> str:
    return str(response.content.decode())


def test_alice_opens_a_case(
    story: Story, catalogue: Catalogue, django_capture_on_commit_callbacks: Any
) -> None:
    data = valid_post(
        catalogue,
        config_item=catalogue.web01.pk,
        **{
            "extra.hardware": ["Phone", "Laptop"],
            "extra.manager": story.bob.pk,
            "extra.server": catalogue.db01.pk,
            "extra.vcpus": "4",
            "extra.app_version": "2.4.1",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(story.alice).post(URL, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/?created=1"
    assert case.requester == story.alice
    assert case.organisation == story.acme
    assert case.channel == Channel.PORTAL
    assert case.request_type == catalogue.incident
    assert (case.urgency, case.impact, case.priority) == ("high", "medium", "P2")
    assert case.subject == "The VPN drops every ten minutes"
    assert case.description == "Since **Monday**; we restarted the tunnel."
    assert case.reference == "ACME-4711"
    assert case.visibility == "private"
    assert case.config_item == catalogue.web01
    assert case.extra == {
        "service": "DNS",
        "started_on": "2026-01-05",
        "hardware": ["Laptop", "Phone"],
        "manager": story.bob.pk,
        "server": catalogue.db01.pk,
        "vcpus": 4,
        "app_version": "2.4.1",
    }


def test_a_missing_required_field_is_named_next_to_it(story: Story, catalogue: Catalogue) -> None:
    data = valid_post(catalogue, **{"extra.service": None, "extra.summary_line": "Half the users"})
    response = client_for(story.alice).post(URL, data)
    assert response.status_code == 422
    body = _body(response)
    assert 'data-testid="error-extra-service">Service is required.<' in body
    assert 'id="extra-service" name="extra.service" required aria-describedby="extra-service-error"' in body
    assert 'value="The VPN drops every ten minutes"' in body
    assert ">Since **Monday**; we restarted the tunnel.</textarea>" in body
    assert 'value="ACME-4711"' in body
    assert 'name="extra.summary_line" value="Half the users"' in body
    assert 'name="extra.started_on" value="2026-01-05"' in body
    assert 'id="urgency-high" value="high" checked' in body
    assert 'data-testid="form-errors"' in body
    assert "Files are not kept: choose them again." in body
    assert not Case.objects.exists()


def test_every_problem_shows_at_once_and_nothing_is_created(story: Story, catalogue: Catalogue) -> None:
    empty = SimpleUploadedFile("empty.log", b"")
    data = valid_post(catalogue, subject="  ", files=[empty], config_item=catalogue.globex_web.pk)
    body = _body(client_for(story.alice).post(URL, data))
    assert 'data-testid="error-subject">A case needs a subject.<' in body
    assert "“empty.log” is empty." in body
    assert 'data-testid="error-ci-config_item">No such configuration item in your organisation.<' in body
    assert not Case.objects.exists()


def test_a_shared_login_must_give_the_persons_name(story: Story, catalogue: Catalogue) -> None:
    story.acme.shared_login = True
    story.acme.save()
    alice = client_for(story.alice)
    assert 'name="requester_name"' in _body(alice.get(URL))
    refused = alice.post(URL, valid_post(catalogue))
    assert refused.status_code == 422
    assert 'data-testid="error-requester_name">This is a shared login: say who you are.<' in _body(refused)
    assert not Case.objects.exists()
    assert alice.post(URL, valid_post(catalogue, requester_name=" Jane Doe ")).status_code == 302
    assert Case.objects.get().requester_name == "Jane Doe"


def test_watchers_are_colleagues_and_email_addresses(story: Story, catalogue: Catalogue) -> None:
    alice = client_for(story.alice)
    data = valid_post(
        catalogue, watchers=[story.bob.pk], watcher_emails="ops@partner.example; noc@acme.example,"
    )
    assert alice.post(URL, data).status_code == 302
    watchers = Watcher.objects.filter(case=Case.objects.get())
    assert {(w.email, w.user_id) for w in watchers} == {
        ("bob@acme.example", story.bob.pk),
        ("ops@partner.example", None),
        ("noc@acme.example", None),
    }


def test_bad_watchers_are_named_and_kept(story: Story, catalogue: Catalogue) -> None:
    data = valid_post(catalogue, watchers=[story.bob.pk, story.charlie.pk], watcher_emails="not-an-address")
    response = client_for(story.alice).post(URL, data)
    assert response.status_code == 422
    body = _body(response)
    assert "Choose colleagues from the list." in body
    assert "&#x27;not-an-address&#x27; is not an email address." in body
    assert 'value="not-an-address"' in body
    assert f'id="watcher-{story.bob.pk}" value="{story.bob.pk}" checked' in body
    assert not Case.objects.exists()


def test_a_png_is_attached_with_its_sniffed_type(
    story: Story, catalogue: Catalogue, django_capture_on_commit_callbacks: Any
) -> None:
    image = png()
    upload = SimpleUploadedFile("screen shot.dat", image, content_type="application/octet-stream")
    log = SimpleUploadedFile("vpn.log", b"tunnel down at 10:02\n", content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(story.alice).post(URL, valid_post(catalogue, files=[upload, log]))
    assert response.status_code == 302
    case = Case.objects.get()
    attachments = {a.filename: a for a in Attachment.objects.filter(case=case)}
    assert set(attachments) == {"screen shot.dat", "vpn.log"}
    picture = attachments["screen shot.dat"]
    assert (picture.content_type, picture.size, picture.public) == ("image/png", len(image), True)
    assert picture.uploaded_by == story.alice
    assert attachments["vpn.log"].content_type == "text/plain"  # not what the browser claimed
    with default_storage.open(picture.storage_path, "rb") as stored:
        assert stored.read() == image
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count(EventKind.ATTACHMENT_ADDED) == 2


@override_settings(SUPPORTAL_MAX_ATTACHMENT_BYTES=100)
def test_an_oversized_file_is_refused_and_nothing_is_created(story: Story, catalogue: Catalogue) -> None:
    alice = client_for(story.alice)
    assert "up to 100 bytes per file" in _body(alice.get(URL))
    big = SimpleUploadedFile("capture.pcap", b"x" * 500)
    response = alice.post(URL, valid_post(catalogue, files=[big]))
    assert response.status_code == 422
    body = _body(response)
    assert 'data-testid="error-file">“capture.pcap” is 500 bytes; the limit is 100 bytes.<' in body
    assert 'value="The VPN drops every ten minutes"' in body
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


def test_a_script_in_the_description_is_refused_next_to_it(story: Story, catalogue: Catalogue) -> None:
    text = "It breaks here: <script>alert(1)</script>"
    response = client_for(story.alice).post(URL, valid_post(catalogue, description=text))
    assert response.status_code == 422
    body = _body(response)
    assert 'data-testid="error-description">Remove the HTML &lt;script&gt; element' in body
    assert ">It breaks here: &lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in body
    assert "<script>alert(1)" not in body
    assert not Case.objects.exists()


def test_without_javascript_choosing_a_type_redraws_the_form(story: Story, catalogue: Catalogue) -> None:
    data = valid_post(catalogue, request_type="question", _refresh="type", **{"config_item__q": "db"})
    response = client_for(story.alice).post(URL, data)
    assert response.status_code == 200
    body = _body(response)
    assert 'data-request-type="question"' in body
    assert 'name="extra.service"' not in body
    assert 'value="The VPN drops every ten minutes"' in body
    assert f'value="{catalogue.db01.pk}"' in body and f'value="{catalogue.web01.pk}"' not in body
    assert 'data-testid="form-errors"' not in body
    assert not Case.objects.exists()


def test_a_request_type_must_be_chosen(story: Story, catalogue: Catalogue) -> None:
    for slug in ("", "no-such-type"):
        response = client_for(story.alice).post(URL, valid_post(catalogue, request_type=slug))
        assert response.status_code == 422
        assert 'data-testid="error-request_type">Choose a request type from the list.<' in _body(response)
    assert not Case.objects.exists()


def test_bob_shares_a_case_with_the_organisation(story: Story, catalogue: Catalogue) -> None:
    data = valid_post(catalogue, request_type="question", visibility="organization")
    assert client_for(story.bob).post(URL, data).status_code == 302
    case = Case.objects.get()
    assert (case.requester, case.visibility, case.request_type) == (
        story.bob,
        "organization",
        catalogue.question,
    )


def test_the_next_steps_banner(story: Story, catalogue: Catalogue) -> None:
    client_for(story.alice).post(URL, valid_post(catalogue))
    case = Case.objects.get()
    text = " ".join(render_to_string("web/cases/create_next_steps.html", {"case": case}).split())
    assert f"Case {case.number} is open." in text
    assert (
        "Our Service Desk team will take it within an hour (the first-response target for P2 High)." in text
    )
    assert "You'll get an email confirming it; reply to that email" in text
    case.team = Team.objects.create(name="Cloud Operations", slug="cloud-ops")
    case.priority = "P4"
    text = " ".join(render_to_string("web/cases/create_next_steps.html", {"case": case}).split())
    assert "Our Cloud Operations team will take it within 24 hours" in text
