"""The customer's chat history (/chats/) and transcripts (/chats/<id>/): their own conversations only,
another customer and agents get 404, and the list costs the same number of queries however long it is."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.channels.chat import views_portal
from supportal.channels.chat.models import Conversation
from supportal.channels.chat.services import (
    case_from_conversation,
    conversation_accept,
    conversation_close,
    conversation_start,
    file_share,
    message_post,
)
from supportal.core.files import check_upload
from tests.conftest import Story

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ended_chat(story: Story, customer: User, body: str, *, with_case: bool = False) -> Conversation:
    """A conversation Dana accepted, answered (and filed as a case) and closed."""
    conversation = conversation_start(actor=customer, body=body)
    conversation_accept(actor=story.dana, conversation=conversation)
    message_post(actor=story.dana, conversation=conversation, body=f"Looking into: {body}")
    if with_case:
        case_from_conversation(actor=story.dana, conversation=conversation, subject=body, priority="P3")
    conversation_close(actor=customer, conversation=conversation)
    return conversation


def test_history_lists_the_customers_own_chats_newest_first(chat_story: Story) -> None:
    s = chat_story
    first = ended_chat(s, s.charlie, "Our VPN is down", with_case=True)
    second = ended_chat(s, s.charlie, "The printer is on fire")
    ended_chat(s, s.alice, "Acme's secret question")
    open_one = conversation_start(actor=s.charlie, body="Mail is slow")

    page = client_for(s.charlie).get("/chats/")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Mail is slow") < html.index("The printer is on fire") < html.index("Our VPN is down")
    assert "Acme&#x27;s secret question" not in html and "Acme's secret question" not in html
    first.refresh_from_db()
    assert first.case is not None
    assert f'href="/cases/{first.case.number}/"' in html
    assert f'href="/chats/{second.pk}/"' in html
    assert "Dana Agent" in html and "Waiting for an agent" in html and "Closed" in html
    assert f'data-conversation-id="{open_one.pk}"' in html


def test_history_pages_fifty_at_a_time(chat_story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_portal, "PAGE_SIZE", 2)
    s = chat_story
    made = [ended_chat(s, s.charlie, f"Question {n}") for n in range(5)]
    client = client_for(s.charlie)
    seen: list[int] = []
    url = "/chats/"
    for _ in range(5):
        page = client.get(url)
        seen += [c.pk for c in page.context["conversations"]]
        if page.context["older"] is None:
            break
        url = f"/chats/?before={page.context['older']}"
    assert seen == [c.pk for c in reversed(made)]


def test_transcript_shows_every_message_the_file_and_the_case(chat_story: Story) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="Our VPN is down <b>badly</b>")
    conversation_accept(actor=s.dana, conversation=conversation)
    file_share(
        actor=s.charlie,
        conversation=conversation,
        file=check_upload(name="vpn.log", stream=b"tunnel dropped\n"),
    )
    case = case_from_conversation(actor=s.dana, conversation=conversation, subject="VPN down", priority="P2")

    page = client_for(s.charlie).get(f"/chats/{conversation.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Our VPN is down &lt;b&gt;badly&lt;/b&gt;" in html
    assert "Dana Agent joined the chat." in html
    assert f"Case {case.number} opened: VPN down" in html
    assert f'href="/cases/{case.number}/"' in html
    assert "vpn.log" in html and f"/chat/{conversation.pk}/files/" in html


def test_another_customer_and_agents_get_404(chat_story: Story) -> None:
    s = chat_story
    charlies = ended_chat(s, s.charlie, "Our VPN is down")

    assert client_for(s.alice).get(f"/chats/{charlies.pk}/").status_code == 404
    assert client_for(s.alice).get("/chats/").status_code == 200
    assert "Our VPN is down" not in client_for(s.alice).get("/chats/").content.decode()
    assert client_for(s.dana).get("/chats/").status_code == 404
    assert client_for(s.dana).get(f"/chats/{charlies.pk}/").status_code == 404
    assert client_for(s.charlie).get("/chats/999999/").status_code == 404
    assert Client().get("/chats/").status_code == 302


def queries_for_history(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/chats/").status_code == 200
    return len(captured)


def test_the_history_costs_the_same_queries_with_3_or_30_chats(chat_story: Story) -> None:
    s = chat_story
    client = client_for(s.charlie)
    for n in range(3):
        ended_chat(s, s.charlie, f"Question {n}", with_case=n == 0)
    few = queries_for_history(client)
    for n in range(3, 30):
        ended_chat(s, s.charlie, f"Question {n}", with_case=n % 5 == 0)
    many = queries_for_history(client)
    assert many == few, f"{few} queries for 3 chats, {many} for 30"


def test_the_bubble_is_rendered_for_customers_only_and_reads_nothing(chat_story: Story) -> None:
    s = chat_story
    with CaptureQueriesContext(connection) as captured:
        html = render_to_string("chat/_bubble.html", {"user": s.charlie})
    assert len(captured) == 0
    assert 'data-testid="chat-bubble-button"' in html and 'data-state-url="/chat/state/"' in html
    assert render_to_string("chat/_bubble.html", {"user": s.dana}).strip() == ""
    assert render_to_string("chat/_bubble.html", {"user": AnonymousUser()}).strip() == ""

    home = client_for(s.charlie).get("/").content.decode()
    assert home.count("data-chat-bubble") == 1
    assert 'href="/chats/">Chats</a>' in home
    workspace = client_for(s.dana).get("/agent/")
    assert workspace.status_code == 200
    assert "data-chat-bubble" not in workspace.content.decode()
