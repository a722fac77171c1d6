"""/api/v1/chats: the chat records through the API (agents with a bearer token, customers with their
session): agents list, filter and search
every conversation; a customer sees only their own, and another organisation's is 404."""

from __future__ import annotations

import pytest
from django.test import Client

from supportal.accounts.models import User
from supportal.channels.chat.models import Conversation
from supportal.channels.chat.services import (
    conversation_accept,
    conversation_close,
    conversation_start,
    message_post,
)
from tests.api.conftest import Api, secret_for
from tests.conftest import Story

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Api:
    """Customers hold no tokens: the API with their portal session."""
    client = Client()
    client.force_login(user)
    return Api(client=client)


@pytest.fixture
def chats(chat_story: Story) -> dict[str, Conversation]:
    story = chat_story
    vpn = conversation_start(actor=story.charlie, body="Our VPN is down")
    conversation_accept(actor=story.dana, conversation=vpn)
    message_post(actor=story.dana, conversation=vpn, body="Restarting the Brussels concentrator")
    conversation_close(actor=story.dana, conversation=vpn)
    printer = conversation_start(actor=story.charlie, body="The printer jams")
    licence = conversation_start(actor=story.alice, body="We need two more licences")
    return {"vpn": vpn, "printer": printer, "licence": licence}


def test_agents_list_every_chat_newest_first_and_page_through_them(
    chat_story: Story, chats: dict[str, Conversation]
) -> None:
    api = Api(secret_for(chat_story.dana))
    first = api.get("chats", limit=2).json()
    assert [c["topic"] for c in first["items"]] == ["We need two more licences", "The printer jams"]
    rest = api.get("chats", limit=2, cursor=first["next_cursor"]).json()
    assert [c["topic"] for c in rest["items"]] == ["Our VPN is down"]
    assert rest["next_cursor"] is None
    closed = api.get("chats", status="closed").json()["items"]
    assert [(c["id"], c["agent_name"]) for c in closed] == [(chats["vpn"].pk, "Dana Agent")]


def test_agents_search_the_messages_text(chat_story: Story, chats: dict[str, Conversation]) -> None:
    api = Api(secret_for(chat_story.dana))
    found = api.get("chats", q="brussels concentrator").json()["items"]
    assert [c["id"] for c in found] == [chats["vpn"].pk]
    assert api.get("chats", q="nothing like this").json()["items"] == []


def test_a_chat_with_its_messages_and_only_the_later_ones_after_an_id(
    chat_story: Story, chats: dict[str, Conversation]
) -> None:
    api = signed_in(chat_story.charlie)
    chat = api.get(f"chats/{chats['vpn'].pk}").json()
    bodies = [m["body"] for m in chat["messages"]]
    assert bodies[0] == "Our VPN is down" and "Restarting the Brussels concentrator" in bodies
    assert chat["status"] == "closed" and chat["customer_name"] == "Charlie Globex"
    later = api.get(f"chats/{chats['vpn'].pk}", after=chat["messages"][1]["id"]).json()["messages"]
    assert [m["id"] for m in later] == [m["id"] for m in chat["messages"][2:]]


def test_customers_see_only_their_own_chats(chat_story: Story, chats: dict[str, Conversation]) -> None:
    charlie = signed_in(chat_story.charlie)
    assert {c["id"] for c in charlie.get("chats").json()["items"]} == {chats["vpn"].pk, chats["printer"].pk}
    assert charlie.get(f"chats/{chats['licence'].pk}").status_code == 404
    assert charlie.get("chats", q="licences").json()["items"] == []
    bob = signed_in(chat_story.bob)  # Acme, like Alice, but not his chat
    assert bob.get("chats").json()["items"] == []
    assert bob.get(f"chats/{chats['licence'].pk}").status_code == 404
    assert Api().get("chats").status_code == 401
