"""Invitations: the organisation's user management page, the email, and the one-time link."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils.http import int_to_base36

from supportal.accounts import services
from supportal.accounts.invitation_tokens import InvitationTokenGenerator, invitation_tokens
from supportal.accounts.models import User
from supportal.core.errors import Conflict, Forbidden
from supportal.orgs.models import PermissionGroup
from tests.accounts.helpers import audits, html_of, links_in, only_mail_to, path_of
from tests.conftest import PASSWORD

USERS = "/organisation/users/"
NEW_PASSWORD = "a-brand-new-long-passphrase"


def invite_carol(client: Client, story, committed) -> User:
    client.force_login(story.alice)
    reporter = PermissionGroup.objects.get(code="case-reporter")
    with committed():
        response = client.post(
            f"{USERS}invite/", {"email": "Carol@Acme.example", "name": "Carol Acme", "groups": [reporter.pk]}
        )
    assert response.status_code == 302 and response["Location"] == USERS
    return User.objects.get(email="carol@acme.example")


def test_user_manager_sees_the_organisations_users(client: Client, story, django_assert_num_queries) -> None:
    client.force_login(story.alice)
    client.get(USERS)
    with django_assert_num_queries(9):
        response = client.get(USERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@acme.example" in html and "bob@acme.example" in html
    assert "charlie@globex.example" not in html and "virtual.invalid" not in html
    assert "Case reporter" in html or "case-reporter" in html.lower()
    assert 'href="/organisation/users/"' in html  # the nav item


def test_invitation_email_and_one_time_link(client: Client, story, committed) -> None:
    carol = invite_carol(client, story, committed)
    assert carol.membership.organisation == story.acme
    assert [g.code for g in carol.membership.groups.all()] == ["case-reporter"]
    message = only_mail_to("carol@acme.example")
    assert message.subject == "You're invited to Supportal support"
    [link] = [u for u in links_in(message) if "/accounts/invitation/" in u]
    assert link.startswith("http://127.0.0.1:8000/accounts/invitation/")
    assert link in html_of(message) and "Alice Acme" in message.body
    [invited] = audits("user.invited")
    assert invited.actor_id == story.alice.pk and invited.object_id == str(carol.pk)

    stranger = Client()
    page = stranger.get(path_of(link))
    assert page.status_code == 200 and "carol@acme.example" in page.content.decode()
    mismatch = stranger.post(path_of(link), {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 200 and "invalid-feedback" in mismatch.content.decode()
    too_short = stranger.post(path_of(link), {"new_password1": "short", "new_password2": "short"})
    assert "too short" in too_short.content.decode()

    done = stranger.post(path_of(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/"
    assert stranger.get("/").context["user"] == carol
    address = EmailAddress.objects.get(user=carol)
    assert address.verified and address.primary and address.email == "carol@acme.example"
    assert audits("user.invitation_accepted") and audits("auth.signed_in")[-1].actor_id == carol.pk

    used = Client().get(path_of(link))
    assert used.status_code == 410
    assert "This link has been used or has expired" in used.content.decode()
    assert (
        Client().post(path_of(link), {"new_password1": "x" * 12, "new_password2": "x" * 12}).status_code
        == 410
    )
    assert (
        Client()
        .post("/accounts/login/", {"login": "carol@acme.example", "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_invitation_link_expires(client: Client, story, committed) -> None:
    carol = invite_carol(client, story, committed)
    generator = InvitationTokenGenerator()
    old = generator._num_seconds(generator._now()) - generator.valid_seconds - 60
    stale = generator._make_token_with_timestamp(carol, old, generator.secret)
    response = Client().get(f"/accounts/invitation/{int_to_base36(carol.pk)}/{stale}/")
    assert response.status_code == 410


@pytest.mark.parametrize("uid,key", [("zz", "abc-def"), ("1", "nonsense"), ("!!", "x-y"), ("0", "")])
def test_garbage_links_are_refused_politely(client: Client, story, uid: str, key: str) -> None:
    url = f"/accounts/invitation/{uid}/{key}/" if key else f"/accounts/invitation/{uid}/-/"
    assert client.get(url).status_code == 410


def test_password_reset_link_is_not_an_invitation(client: Client, story, committed) -> None:
    carol = invite_carol(client, story, committed)
    from allauth.account.forms import default_token_generator

    token = default_token_generator.make_token(carol)
    assert client.get(f"/accounts/invitation/{int_to_base36(carol.pk)}/{token}/").status_code == 410
    assert invitation_tokens.check_token(carol, token) is False


def test_resend_invitation(client: Client, story, committed) -> None:
    carol = invite_carol(client, story, committed)
    mail.outbox.clear()
    with committed():
        response = client.post(f"{USERS}{carol.pk}/invite/")
    assert response.status_code == 302
    assert only_mail_to("carol@acme.example").subject == "You're invited to Supportal support"
    assert len(audits("user.invited")) == 2


def test_resend_to_someone_with_a_password_is_refused_with_a_message(client: Client, story) -> None:
    client.force_login(story.alice)
    response = client.post(f"{USERS}{story.bob.pk}/invite/", follow=True)
    assert "has set a password already" in response.content.decode()
    assert not mail.outbox
    with pytest.raises(Conflict):
        services.invitation_send(actor=story.alice, channel="web", user=story.bob)


def test_invite_an_existing_address_gets_a_clear_error(client: Client, story) -> None:
    client.force_login(story.alice)
    response = client.post(f"{USERS}invite/", {"email": "bob@acme.example", "name": "Bob again"})
    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    bad = client.post(f"{USERS}invite/", {"email": "not-an-email", "name": ""})
    assert bad.status_code == 200 and "Enter a valid email address." in bad.content.decode()


def test_change_groups(client: Client, story) -> None:
    client.force_login(story.alice)
    approver = PermissionGroup.objects.get(code="change-approver")
    reporter = PermissionGroup.objects.get(code="case-reporter")
    response = client.post(
        f"{USERS}{story.bob.pk}/groups/", {f"u{story.bob.pk}-groups": [approver.pk, reporter.pk]}
    )
    assert response.status_code == 302
    assert sorted(g.code for g in story.bob.membership.groups.all()) == ["case-reporter", "change-approver"]
    [changed] = audits("user.permissions_changed")
    assert changed.old == {"groups": ["case-reporter"]} and changed.actor_id == story.alice.pk
    bad = client.post(f"{USERS}{story.bob.pk}/groups/", {f"u{story.bob.pk}-groups": ["999999"]}, follow=True)
    assert "Choose permission groups from the list." in bad.content.decode()


def test_bob_may_not_manage_users(client: Client, story) -> None:
    client.force_login(story.bob)
    assert client.get(USERS).status_code == 403
    assert client.post(f"{USERS}invite/", {"email": "x@acme.example", "name": "X"}).status_code == 403
    assert client.post(f"{USERS}{story.alice.pk}/groups/", {}).status_code == 403
    assert 'href="/organisation/users/"' not in client.get("/").content.decode()
    with pytest.raises(Forbidden):
        services.invitation_send(actor=story.bob, channel="web", user=story.alice)


def test_charlie_cannot_see_or_touch_acme_users(client: Client, story) -> None:
    client.force_login(story.charlie)
    html = client.get(USERS).content.decode()
    assert "charlie@globex.example" in html and "acme.example" not in html
    assert client.get(f"{USERS}?organisation={story.acme.pk}").status_code == 404
    assert client.post(f"{USERS}{story.bob.pk}/invite/").status_code == 404
    assert client.post(f"{USERS}{story.bob.pk}/groups/", {}).status_code == 404
    assert (
        client.post(f"{USERS}invite/?organisation={story.acme.pk}", {"email": "x@acme.example"}).status_code
        == 404
    )
    assert not mail.outbox


def test_anonymous_is_sent_to_sign_in(client: Client, story) -> None:
    for url in (USERS, f"{USERS}invite/", f"{USERS}{story.bob.pk}/invite/"):
        response = client.get(url) if url == USERS else client.post(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_csm_and_admin_manage_users_with_the_organisation_named(client: Client, story, committed) -> None:
    client.force_login(story.frank)
    assert client.get(USERS).status_code == 404  # an agent has no organisation of their own
    page = client.get(f"{USERS}?organisation={story.acme.pk}")
    assert page.status_code == 200 and "bob@acme.example" in page.content.decode()
    assert client.get(f"{USERS}?organisation={story.globex.pk}").status_code == 403  # not Frank's
    with committed():
        response = client.post(
            f"{USERS}invite/?organisation={story.acme.pk}", {"email": "dave@acme.example", "name": "Dave"}
        )
    assert response.status_code == 302 and response["Location"] == f"{USERS}?organisation={story.acme.pk}"
    assert only_mail_to("dave@acme.example")
    client.force_login(story.erin)
    assert client.get(f"{USERS}?organisation={story.globex.pk}").status_code == 200
    client.force_login(story.dana)
    assert client.get(f"{USERS}?organisation={story.acme.pk}").status_code == 403


def test_the_old_password_of_an_existing_user_is_unaffected(client: Client, story) -> None:
    assert (
        client.post("/accounts/login/", {"login": "bob@acme.example", "password": PASSWORD}).status_code
        == 302
    )
