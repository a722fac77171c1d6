"""The workspace's email pages (/agent/email/): the tabs by status, keyset pages, a fixed number of
queries, a message's page (its text shown as text, never as the sender's HTML), the raw download, the
actions it posts, the customer picker, the sidebar link, the admin's read-only list, and customers
kept out of all of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from supportal.agent import inbound_users, inbound_views
from supportal.audit.models import AuditRecord
from supportal.cases.models import Case, Comment
from supportal.channels.email.models import InboundMessage, Status
from supportal.orgs import services as org_services
from tests import paging
from tests.agent.test_queues import client_for
from tests.channels.email.test_held import STRANGER, bobs_case, deliver, eml, stranger_mail
from tests.conftest import Story

ROW = re.compile(r'data-message-id="(\d+)"')
LIST = "/agent/email/"


def listed(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return ROW.findall(response.content.decode())


def page_of(message: InboundMessage) -> str:
    return f"/agent/email/{message.pk}/"


@pytest.fixture
def mailbag(story: Story) -> dict[str, InboundMessage]:
    """One message of each kind: held (a stranger's), ignored (an auto-reply), done (Bob's new case)."""
    return {
        "held": stranger_mail(),
        "ignored": deliver(eml(message_id="<ooo@unknown.example>", subject="Out of office",
                               headers={"Auto-Submitted": "auto-replied"})),
        "done": deliver(eml(sender="Bob Acme <bob@acme.example>", message_id="<bob-new@acme.example>")),
    }  # fmt: skip


def test_the_tabs_list_each_status_newest_first(story: Story, mailbag: dict[str, InboundMessage]) -> None:
    dana = client_for(story.dana)
    assert mailbag["ignored"].status == Status.IGNORED and mailbag["done"].status == Status.DONE
    response = dana.get(LIST)
    assert listed(response) == [str(mailbag["held"].pk)]
    body = response.content.decode()
    assert STRANGER in body and "Printer on fire" in body and "has no account" in body
    assert 'data-testid="inbound-count-held">1<' in body and 'data-testid="inbound-count-ignored">1<' in body
    assert listed(dana.get(f"{LIST}?status=ignored")) == [str(mailbag["ignored"].pk)]
    assert listed(dana.get(f"{LIST}?status=failed")) == []
    assert listed(dana.get(f"{LIST}?status=discarded")) == []
    everything = [
        str(m.pk) for m in sorted(mailbag.values(), key=lambda m: (m.received_at, m.pk), reverse=True)
    ]
    assert listed(dana.get(f"{LIST}?status=all")) == everything
    assert dana.get(f"{LIST}?status=nonsense").status_code == 404


def test_a_case_the_message_aimed_at_is_linked(story: Story) -> None:
    from tests.channels.email.test_held import bob_on_alices_case

    message = bob_on_alices_case(story)
    body = client_for(story.dana).get(LIST).content.decode()
    assert f'href="/agent/cases/{message.case.number}/"' in body  # type: ignore[union-attr]


def test_pages_follow_each_other_without_gaps(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbound_views, "PAGE_SIZE", 2)
    made = [stranger_mail(n) for n in range(5)]
    pages = paging.walk(client_for(story.dana), LIST, listed)
    assert [len(page) for page in pages] == [2, 2, 1]
    expected = sorted(made, key=lambda m: (m.received_at, m.pk), reverse=True)
    assert [pk for page in pages for pk in page] == [str(m.pk) for m in expected]
    response = client_for(story.dana).get(f"{LIST}?cursor=not-a-cursor")
    assert (
        listed(response) == [str(m.pk) for m in expected[:2]]
        and "no longer valid" in response.content.decode()
    )


def test_the_list_costs_a_fixed_number_of_queries(
    story: Story, django_assert_max_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbound_views, "PAGE_SIZE", 10)
    case = bobs_case(story)
    for n in range(3):
        stranger_mail(n, subject=f"[#{case.number}] about Bob's case")
    dana = client_for(story.dana)
    with django_assert_max_num_queries(4) as few:  # the session, the user, the counts, the page
        assert len(listed(dana.get(LIST))) == 3
    for n in range(3, 15):
        stranger_mail(n, subject=f"[#{case.number}] about Bob's case")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(listed(dana.get(LIST))) == 10
    assert not any("raw" in query["sql"].split("FROM")[0] for query in few.captured_queries)


def test_the_page_shows_the_text_as_text(story: Story) -> None:
    plain = stranger_mail(text="Look at this: <script>alert('pwned')</script> <b>hot</b>")
    body = client_for(story.dana).get(page_of(plain)).content.decode()
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in body
    assert "<script>alert" not in body and "<b>hot</b>" not in body
    html_only = deliver(
        b"From: stranger@unknown.example\r\nTo: support@example.com\r\nSubject: Styled\r\n"
        b"Message-ID: <styled@unknown.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b'<p>Fire on <b>floor 3</b></p><img src="https://tracker.example/pixel.gif"><script>steal()</script>'
    )
    body = client_for(story.dana).get(page_of(html_only)).content.decode()
    assert "floor 3" in body and "written in HTML" in body
    assert "<b>floor 3</b>" not in body and "tracker.example" not in body and "steal()" not in body


def test_the_page_lists_headers_reason_and_attachments(story: Story) -> None:
    message = stranger_mail(files={"smoke report.log": b"x" * 2048})
    response = client_for(story.dana).get(page_of(message))
    body = response.content.decode()
    assert response.status_code == 200
    for shown in (
        *("Stranger &lt;stranger@unknown.example&gt;", "&lt;printer-1@unknown.example&gt;", "has no account"),
        *("smoke report.log", "2 KB", 'data-testid="attach-form"', 'data-testid="discard-form"'),
    ):
        assert shown in body, shown
    assert 'data-testid="retry-form"' not in body  # retry is for failed mail


def test_the_raw_download(story: Story) -> None:
    raw = eml(subject="Byte for byte: caf\u00e9")
    message = deliver(raw)
    response = client_for(story.dana).get(f"/agent/email/{message.pk}/raw/")
    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert (
        response["Content-Disposition"]
        == f"attachment; filename=\"{message.pk}.eml\"; filename*=UTF-8''{message.pk}.eml"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == raw


def test_creating_a_case_from_the_page(story: Story) -> None:
    message = stranger_mail()
    dana = client_for(story.dana)
    refused = dana.post(f"{page_of(message)}create-case/", {"subject": "Fire"})
    assert refused.status_code == 422 and "Choose the customer" in refused.content.decode()
    response = dana.post(f"{page_of(message)}create-case/", {"requester": story.bob.pk, "subject": "Fire"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agent/cases/{case.number}/"
    assert case.requester == story.bob and case.subject == "Fire"
    assert "opened for Bob Acme" in dana.get(response["Location"]).content.decode()
    again = dana.post(f"{page_of(message)}create-case/", {"requester": story.bob.pk})
    assert again.status_code == 409 and Case.objects.count() == 1
    assert 'data-testid="inbound-settled"' in again.content.decode()


def test_attaching_from_the_page(story: Story) -> None:
    message = stranger_mail()
    case = bobs_case(story)
    dana = client_for(story.dana)
    for number, problem in (("12", "10 digits"), ("9999999999", "No case has this number")):
        refused = dana.post(f"{page_of(message)}attach/", {"case": number})
        assert refused.status_code == 422 and problem in refused.content.decode()
    response = dana.post(f"{page_of(message)}attach/", {"case": f"#{case.number}"})
    assert response.status_code == 302 and response["Location"] == f"/agent/cases/{case.number}/"
    assert Comment.objects.get(case=case).public is False


def test_discarding_from_the_page(story: Story) -> None:
    message = stranger_mail()
    dana = client_for(story.dana)
    assert dana.post(f"{page_of(message)}discard/", {"reason": ""}).status_code == 422
    response = dana.post(f"{page_of(message)}discard/", {"reason": "Printer spam"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert listed(dana.get(LIST)) == []
    body = dana.get(f"{LIST}?status=discarded").content.decode()
    assert "Discarded by Dana Agent: Printer spam" in body
    assert AuditRecord.objects.filter(action="inbound_email.discarded").count() == 1


def test_the_customer_picker(story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    dana = client_for(story.dana)
    found = dana.get("/agent/email/users/?q=ACME").content.decode()
    assert "alice@acme.example" in found and "bob@acme.example" in found
    assert "charlie@globex.example" not in found and "dana@provider.example" not in found
    assert "erin@provider.example" not in dana.get("/agent/email/users/?q=provider").content.decode()
    monkeypatch.setattr(inbound_users, "MAX_MATCHES", 1)
    chosen = dana.get(f"/agent/email/users/?q=&requester={story.charlie.pk}").content.decode()
    assert chosen.count('data-testid="requester-option"') == 2  # the chosen one, and one match
    assert f'value="{story.charlie.pk}" checked' in chosen and "More customers match" in chosen
    org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=story.globex, email="zoe@globex.example", name="Zoe"
    )
    monkeypatch.setattr(inbound_users, "MAX_MATCHES", 20)
    message = stranger_mail()
    page = dana.get(f"{page_of(message)}?requester_q=zoe").content.decode()  # without JavaScript
    assert "zoe@globex.example" in page and "alice@acme.example" not in page


def test_the_sidebar_counts_held_mail(story: Story) -> None:
    stranger_mail(1)
    stranger_mail(2)
    body = client_for(story.dana).get("/agent/").content.decode()
    assert f'href="{LIST}" data-testid="email-link"' in body
    assert 'data-testid="held-email">2 held<' in body


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_customers_are_kept_out(story: Story, who: str) -> None:
    message = stranger_mail()
    client = client_for(getattr(story, who))
    for url in (LIST, page_of(message), f"{page_of(message)}raw/", "/agent/email/users/?q=a"):
        assert client.get(url).status_code == 404, url
    for action in ("attach", "create-case", "discard", "retry"):
        assert client.post(f"{page_of(message)}{action}/", {"reason": "x", "case": "1"}).status_code == 404
    response = Client().get(f"{page_of(message)}raw/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    message.refresh_from_db()
    assert message.status == Status.HELD


def test_the_admin_lists_every_message_read_only(story: Story) -> None:
    message = stranger_mail()
    erin = client_for(story.erin)
    changelist = erin.get(f"{reverse('admin:mail_inboundmessage_changelist')}?status__exact=held")
    assert changelist.status_code == 200 and STRANGER in changelist.content.decode()
    change = erin.get(reverse("admin:mail_inboundmessage_change", args=[message.pk])).content.decode()
    assert f'href="/agent/email/{message.pk}/raw/"' in change and "has no account" in change
    assert erin.get(reverse("admin:mail_inboundmessage_add")).status_code == 403
    delete = reverse("admin:mail_inboundmessage_delete", args=[message.pk])
    assert erin.post(delete, {"post": "yes"}).status_code == 403
    assert InboundMessage.objects.filter(pk=message.pk).exists()
    changelist_url = reverse("admin:mail_inboundmessage_changelist")
    assert client_for(story.dana).get(changelist_url).status_code in (302, 403)  # agents: not the admin
