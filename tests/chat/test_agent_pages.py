"""The agents' chat pages: the inbox (queue and panels), its partials, one transcript and the search."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.cases.models import Macro
from supportal.cases.services import case_create
from supportal.channels.chat.models import Conversation
from supportal.channels.chat.services import conversation_accept, conversation_start, message_post
from supportal.orgs import services as org_services
from tests.conftest import Story, groups

INBOX = "/agent/chat/"
WAITING = "/agent/chat/waiting/"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def ids_of(testid: str, html: str) -> list[int]:
    return [int(found) for found in re.findall(rf'data-testid="{testid}" data-conversation-id="(\d+)"', html)]


def row_ids(html: str) -> list[int]:
    return ids_of("chat-waiting-row", html)


def customers_of(story: Story, count: int) -> list[User]:
    return [
        org_services.customer_user_create(
            actor=story.erin,
            channel="cli",
            organisation=story.globex,
            email=f"person{number}@globex.example",
            name=f"Person {number} Globex",
            groups=groups("case-reporter"),
        )
        for number in range(count)
    ]


def test_only_agents_open_the_chat_pages(chat_story: Story) -> None:
    conversation = conversation_start(actor=chat_story.charlie, body="Our VPN is down")
    pages = [INBOX, WAITING, "/agent/chat/search/?q=VPN", f"/agent/chat/{conversation.pk}/"]
    for url in pages:
        assert client_for(chat_story.dana).get(url).status_code == 200, url
        assert client_for(chat_story.charlie).get(url).status_code == 404, url
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"], url
    conversation_accept(actor=chat_story.dana, conversation=conversation)
    panel = f"/agent/chat/{conversation.pk}/panel/"
    assert client_for(chat_story.dana).get(panel).status_code == 200
    assert client_for(chat_story.frank).get(panel).status_code == 404  # not Frank's conversation
    assert client_for(chat_story.charlie).get(panel).status_code == 404


def test_the_waiting_list_shows_each_customer_with_their_open_cases(chat_story: Story) -> None:
    s = chat_story
    older = conversation_start(actor=s.charlie, body="Our VPN is down")
    newer = conversation_start(actor=s.alice, body="Printer jammed")
    numbers = [
        case_create(actor=s.charlie, organisation=s.globex, subject=f"Case {n}", channel="portal").number
        for n in range(4)
    ]
    html = client_for(s.dana).get(INBOX).content.decode()
    assert row_ids(html) == [older.pk, newer.pk]
    charlie_row = html.split('data-testid="chat-waiting-row"')[1]
    assert "Charlie Globex" in charlie_row and "Globex" in charlie_row and "Premium" in charlie_row
    assert "Our VPN is down" in charlie_row and "4 open cases" in charlie_row
    shown = re.findall(r'href="/agent/cases/(\d+)/"', charlie_row)
    assert shown == numbers[::-1][:3]  # the 3 newest
    assert "0 open cases" in html.split('data-testid="chat-waiting-row"')[2]
    assert 'data-testid="nav-chat"' in html


def test_the_waiting_list_costs_the_same_queries_for_2_and_20(
    chat_story: Story, django_assert_num_queries: Any
) -> None:
    people = customers_of(chat_story, 20)
    for person in people[:2]:
        conversation_start(actor=person, body="Help")
        case_create(actor=person, organisation=chat_story.globex, subject="Slow", channel="portal")
    dana = client_for(chat_story.dana)
    dana.get(WAITING)
    with CaptureQueriesContext(connection) as two:
        assert len(row_ids(dana.get(WAITING).content.decode())) == 2
    for person in people[2:]:
        conversation_start(actor=person, body="Help")
        case_create(actor=person, organisation=chat_story.globex, subject="Slow", channel="portal")
    with django_assert_num_queries(len(two)):
        assert len(row_ids(dana.get(WAITING).content.decode())) == 20
    with CaptureQueriesContext(connection) as inbox:
        dana.get(INBOX)
    assert len(inbox) < len(two) + 10  # the panels' choices, not a query per waiting row


def test_my_conversations_have_panels_with_canned_replies_filled(chat_story: Story) -> None:
    s = chat_story
    Macro.objects.create(
        name="Greeting",
        body="Hi {{ requester.first_name }} from {{ organisation.name }}, {{ agent.first_name }} here "
        "({{ agent.name }}, for {{ requester.name }}) about {{ case.number }}",
    )
    Macro.objects.create(name="Only a move", body="", set_action="ask-info")
    conversation = conversation_start(actor=s.charlie, body="Our VPN <b>is</b> down")
    conversation_accept(actor=s.dana, conversation=conversation)
    html = client_for(s.dana).get(INBOX).content.decode()
    assert f'data-testid="chat-conversation" data-conversation-id="{conversation.pk}"' in html
    assert "Our VPN &lt;b&gt;is&lt;/b&gt; down" in html and "<b>is</b>" not in html
    assert (
        'data-text="Hi Charlie from Globex, Dana here (Dana Agent, for Charlie Globex) '
        'about {{ case.number }}"' in html
    )
    assert "Only a move" not in html
    assert 'data-testid="chat-transfer-to"' in html and "Frank CSM" in html and "Service Desk" in html
    assert f'value="agent:{s.dana.pk}"' not in html  # not to oneself
    assert 'value="P3" selected' in html
    assert not row_ids(html)


def test_the_transcript_page_shows_every_message(chat_story: Story) -> None:
    conversation = conversation_start(actor=chat_story.charlie, body="Our VPN is down")
    conversation_accept(actor=chat_story.dana, conversation=conversation)
    message_post(actor=chat_story.dana, conversation=conversation, body="Which office?")
    html = client_for(chat_story.frank).get(f"/agent/chat/{conversation.pk}/").content.decode()
    assert "Our VPN is down" in html and "Which office?" in html and "Dana Agent" in html
    assert client_for(chat_story.dana).get("/agent/chat/999999/").status_code == 404


def test_search_finds_a_message_text_and_not_other_text(chat_story: Story) -> None:
    s = chat_story
    vpn = conversation_start(actor=s.charlie, body="Hello")
    conversation_accept(actor=s.dana, conversation=vpn)
    message_post(actor=s.charlie, conversation=vpn, body="The flux capacitor overheats")
    printer = conversation_start(actor=s.alice, body="Printer jammed")
    dana = client_for(s.dana)
    html = dana.get("/agent/chat/search/", {"q": "capacitor"}).content.decode()
    assert ids_of("chat-search-result", html) == [vpn.pk]
    assert "The flux capacitor overheats" in html
    html = dana.get("/agent/chat/search/", {"q": "jammed"}).content.decode()
    assert ids_of("chat-search-result", html) == [printer.pk]
    html = dana.get("/agent/chat/search/", {"q": "no such words"}).content.decode()
    assert 'data-testid="chat-search-empty"' in html
    assert Conversation.objects.count() == 2
