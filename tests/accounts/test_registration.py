"""'Register now': the request, the CSM's decision, and the set-password email that follows approval."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from supportal.accounts import services
from supportal.accounts.models import RegistrationRequest, RegistrationStatus, User
from supportal.core.errors import Conflict, Forbidden
from supportal.orgs.models import PermissionGroup
from tests.accounts.helpers import audits, html_of, links_in, only_mail_to, path_of

REGISTER = "/accounts/register/"
NEW_PASSWORD = "a-brand-new-long-passphrase"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Gina@Acme.example",
        "name": "Gina Acme",
        "phone": "+41 44 000 00 00",
        "preferred_contact": "phone",
        "company": "Acme",
        "message": "I run the night shift.",
    }
    data.update(overrides)
    return data


def submit(client: Client, committed, **overrides: str):
    with committed():
        return client.post(REGISTER, form(**overrides))


def test_register_now_is_public_and_linked_from_sign_in(client: Client, story) -> None:
    page = client.get(REGISTER)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("email", "name", "phone", "preferred_contact", "company", "message"):
        assert f'name="{name}"' in html


def test_request_is_stored_matched_and_sent_to_the_csm(client: Client, story, committed) -> None:
    response = submit(client, committed)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/received/"
    assert "we have your request" in client.get(response["Location"]).content.decode()
    request = RegistrationRequest.objects.get()
    assert (request.email, request.organisation, request.status) == (
        "gina@acme.example",
        story.acme,
        "pending",
    )
    assert request.preferred_contact == "phone" and request.phone == "+41 44 000 00 00"
    message = only_mail_to("frank@provider.example")
    assert message.to == ["frank@provider.example"]
    assert message.subject == "Registration request from Gina Acme (Acme Corp)"
    assert f"http://127.0.0.1:8000/agent/registrations/{request.pk}/" in links_in(message)
    assert "I run the night shift." in message.body and "Gina Acme" in html_of(message)
    [requested] = audits("registration.requested")
    assert requested.organisation_id == story.acme.pk and requested.ip == "127.0.0.1"


def test_unmatched_request_goes_to_every_csm_and_admin(client: Client, story, committed) -> None:
    submit(client, committed, email="hank@initech.example", name="Hank")
    [message] = mail.outbox
    assert sorted(message.to) == ["erin@provider.example", "frank@provider.example"]
    assert RegistrationRequest.objects.get().organisation is None


@pytest.mark.parametrize(
    "overrides,field_error",
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"name": "   "}, "This field is required."),
        ({"preferred_contact": "pigeon"}, "Select a valid choice."),
        ({"preferred_contact": "phone", "phone": ""}, "Give a phone number if you prefer to be called."),
        ({"message": "x" * 5000}, "Ensure this value has at most 4000 characters"),
    ],
)
def test_bad_input_gets_clear_messages(client: Client, story, committed, overrides, field_error) -> None:
    response = submit(client, committed, **overrides)
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not RegistrationRequest.objects.exists() and not mail.outbox


def test_existing_user_or_pending_request_looks_the_same_and_leaks_nothing(
    client: Client, story, committed
) -> None:
    existing = submit(client, committed, email="bob@acme.example", name="Bob")
    assert existing.status_code == 302 and existing["Location"] == "/accounts/register/received/"
    assert not RegistrationRequest.objects.exists()
    reminder = only_mail_to("bob@acme.example")  # Bob himself is reminded, nobody else learns anything
    assert reminder.subject == "You already have a Supportal support account"
    mail.outbox.clear()

    first = submit(client, committed)
    second = submit(client, committed)
    assert first["Location"] == second["Location"] == "/accounts/register/received/"
    assert RegistrationRequest.objects.count() == 1
    assert len(mail.outbox) == 1  # the CSM hears once


def test_register_now_is_throttled(client: Client, story, committed) -> None:
    for n in range(5):
        assert submit(client, committed, email=f"p{n}@initech.example").status_code == 302
    response = submit(client, committed, email="p6@initech.example")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert RegistrationRequest.objects.count() == 5


def approve_page(request: RegistrationRequest) -> str:
    return f"/agent/registrations/{request.pk}/"


def test_frank_approves_and_gina_sets_her_password(client: Client, story, committed) -> None:
    submit(Client(), committed)
    mail.outbox.clear()
    request = RegistrationRequest.objects.get()
    client.force_login(story.frank)
    listing = client.get("/agent/registrations/").content.decode()
    assert "gina@acme.example" in listing and approve_page(request) in listing
    assert "1 pending" in client.get("/agent/").content.decode()
    assert client.get(approve_page(request)).status_code == 200

    reporter = PermissionGroup.objects.get(code="case-reporter")
    with committed():
        response = client.post(approve_page(request), {"action": "approve", "groups": [reporter.pk]})
    assert response.status_code == 302
    gina = User.objects.get(email="gina@acme.example")
    assert gina.membership.organisation == story.acme and gina.preferred_contact == "phone"
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.user) == ("approved", story.frank, gina)
    [approved] = audits("registration.approved")
    assert (
        approved.actor_id == story.frank.pk
        and approved.new is not None
        and (approved.new or {})["groups"] == ["case-reporter"]
    )

    message = only_mail_to("gina@acme.example")
    assert message.subject == "Your Supportal support account is ready"
    [link] = [u for u in links_in(message) if "/accounts/invitation/" in u]
    gina_client = Client()
    done = gina_client.post(path_of(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and gina_client.get("/").context["user"] == gina
    assert Client().get(path_of(link)).status_code == 410

    again = client.post(approve_page(request), {"action": "approve"}, follow=True)
    assert "decided already" in again.content.decode()


def test_unmatched_request_needs_an_organisation(client: Client, story, committed) -> None:
    submit(Client(), committed, email="hank@initech.example", name="Hank")
    request = RegistrationRequest.objects.get()
    client.force_login(story.frank)
    response = client.post(approve_page(request), {"action": "approve"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    with committed():
        response = client.post(approve_page(request), {"action": "approve", "organisation": story.acme.pk})
    assert response.status_code == 302
    assert User.objects.get(email="hank@initech.example").membership.organisation == story.acme
    # Frank is not Globex's CSM: he may not place people there
    submit(Client(), committed, email="ivy@initech.example", name="Ivy")
    other = RegistrationRequest.objects.get(email="ivy@initech.example")
    response = client.post(approve_page(other), {"action": "approve", "organisation": story.globex.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_decline_with_a_reason(client: Client, story, committed) -> None:
    submit(Client(), committed)
    mail.outbox.clear()
    request = RegistrationRequest.objects.get()
    client.force_login(story.frank)
    empty = client.post(approve_page(request), {"action": "decline", "reason": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    with committed():
        response = client.post(
            approve_page(request),
            {"action": "decline", "reason": "Acme asked us to add people only via Alice."},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RegistrationStatus.DECLINED and request.decision_note.startswith("Acme asked")
    message = only_mail_to("gina@acme.example")
    assert message.subject == "Your request for a Supportal support account"
    assert "Acme asked us to add people only via Alice." in message.body and "sorry" in message.body
    [declined] = audits("registration.declined")
    assert declined.actor_id == story.frank.pk
    assert not User.objects.filter(email="gina@acme.example").exists()


def test_who_may_decide(client: Client, story, committed) -> None:
    submit(Client(), committed)
    request = RegistrationRequest.objects.get()
    page = approve_page(request)
    assert client.get(page)["Location"].startswith("/accounts/login/")
    assert client.get("/agent/")["Location"].startswith("/accounts/login/")
    for outsider in (story.alice, story.charlie):
        client.force_login(outsider)
        assert client.get("/agent/registrations/").status_code == 404
        assert client.post(page, {"action": "decline", "reason": "no"}).status_code == 404
    client.force_login(story.dana)  # an agent, but not Acme's CSM
    assert "gina@acme.example" not in client.get("/agent/registrations/").content.decode()
    assert client.get(page).status_code == 404
    with pytest.raises(Forbidden):
        services.registration_decline(actor=story.dana, channel="web", request=request, reason="no")
    client.force_login(story.erin)  # admins decide anything
    assert client.get(page).status_code == 200
    services.registration_decline(actor=story.erin, channel="web", request=request, reason="duplicate")
    with pytest.raises(Conflict):
        services.registration_approve(actor=story.erin, channel="web", request=request, groups=[])
    assert RegistrationRequest.objects.get().status == "declined"
    assert client.get("/agent/registrations/999999/").status_code == 404
    assert client.post(page, {"action": "explode"}).status_code == 404
