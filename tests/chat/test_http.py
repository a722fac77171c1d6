"""The chat's JSON endpoints over HTTP: what each answers when it must refuse (401, 403, 404, 409, 413,
422, always as `{"error", "detail", "fields"}`), file downloads, and the bubble's bootstrap."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from supportal.accounts.models import User
from supportal.cases.services import case_create
from supportal.channels.chat.models import ChatFile, ChatMessage, Conversation
from supportal.channels.chat.services import conversation_accept, conversation_close, conversation_start
from supportal.sla.models import SlaCalendar
from tests.conftest import Story

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "detail", "fields"} and body["detail"], body
    return body


@pytest.fixture
def charlies(chat_story: Story) -> Conversation:
    return conversation_start(actor=chat_story.charlie, body="globex-private-chat-text")


def endpoints(conversation: Conversation) -> list[tuple[str, str]]:
    base = f"/chat/{conversation.pk}"
    return [
        ("get", "/chat/state/"),
        ("post", "/chat/start/"),
        ("get", f"{base}/messages/"),
        ("post", f"{base}/messages/"),
        ("post", f"{base}/files/"),
        ("post", f"{base}/close/"),
        ("post", f"{base}/accept/"),
        ("post", f"{base}/transfer/"),
        ("post", f"{base}/case/"),
        ("post", f"{base}/link/"),
    ]


def test_anonymous_callers_get_401_json_not_a_redirect(charlies: Conversation) -> None:
    client = client_for(None)
    for method, url in endpoints(charlies):
        body = refused(getattr(client, method)(url, {"body": "hi"}), 401)
        assert body["error"] == "unauthorized", url
    assert ChatMessage.objects.count() == 1


def test_another_organisation_gets_404_everywhere(chat_story: Story, charlies: Conversation) -> None:
    client = client_for(chat_story.alice)
    for method, url in endpoints(charlies)[2:]:
        response = getattr(client, method)(url, {"body": "acme was here", "case": "1", "agent": "1"})
        assert "globex-private-chat-text" not in response.content.decode()
        refused(response, 404)
    bob = client_for(chat_story.bob)  # and a colleague's chat is as unknown as another organisation's
    alices = conversation_start(actor=chat_story.alice, body="Alice asks")
    refused(bob.get(f"/chat/{alices.pk}/messages/"), 404)
    assert ChatMessage.objects.filter(conversation=charlies).count() == 1
    assert Conversation.objects.get(pk=charlies.pk).status == "waiting"


def test_customers_may_not_do_the_agents_moves(chat_story: Story, charlies: Conversation) -> None:
    s = chat_story
    client = client_for(s.charlie)
    base = f"/chat/{charlies.pk}"
    refused(client.post(f"{base}/accept/"), 403)
    refused(client.post(f"{base}/transfer/", {"agent": s.dana.pk}), 403)
    refused(client.post(f"{base}/case/", {"subject": "Mine"}), 403)
    case = case_create(actor=s.charlie, organisation=s.globex, subject="Mine", channel="portal")
    refused(client.post(f"{base}/link/", {"case": case.number}), 403)
    assert Conversation.objects.get(pk=charlies.pk).agent is None


def test_conflicts_answer_409(chat_story: Story, charlies: Conversation) -> None:
    s = chat_story
    base = f"/chat/{charlies.pk}"
    assert client_for(s.dana).post(f"{base}/accept/").status_code == 200
    assert "Dana Agent" in refused(client_for(s.frank).post(f"{base}/accept/"), 409)["detail"]
    created = client_for(s.dana).post(f"{base}/case/", {"subject": "VPN", "priority": "P2"})
    assert created.status_code == 201 and created.json()["url"].endswith(f"/{created.json()['case']}/")
    refused(client_for(s.dana).post(f"{base}/case/", {"subject": "VPN again"}), 409)
    assert client_for(s.charlie).post(f"{base}/close/").json()["state"]["status"] == "closed"
    refused(client_for(s.charlie).post(f"{base}/messages/", {"body": "Hello?"}), 409)


def test_bad_input_answers_422_with_the_field(chat_story: Story, charlies: Conversation) -> None:
    s = chat_story
    customer, agent = client_for(s.charlie), client_for(s.dana)
    base = f"/chat/{charlies.pk}"
    assert "body" in refused(customer.post("/chat/start/", {"body": "  "}), 422)["fields"]
    assert "body" in refused(customer.post(f"{base}/messages/", {"body": "x" * 4001}), 422)["fields"]
    assert "after" in refused(customer.get(f"{base}/messages/?after=abc"), 422)["fields"]
    assert "file" in refused(customer.post(f"{base}/files/"), 422)["fields"]
    conversation_accept(actor=s.dana, conversation=charlies)
    refused(agent.post(f"{base}/transfer/"), 422)
    refused(agent.post(f"{base}/transfer/", {"agent": s.charlie.pk}), 422)  # not an agent
    assert "case" in refused(agent.post(f"{base}/link/", {"case": ""}), 422)["fields"]
    acme_case = case_create(actor=s.alice, organisation=s.acme, subject="Acme's", channel="portal")
    refused(agent.post(f"{base}/link/", {"case": acme_case.number}), 422)


def test_a_file_over_the_size_limit_is_refused_with_413(
    chat_story: Story, charlies: Conversation, settings: Any
) -> None:
    settings.SUPPORTAL_MAX_ATTACHMENT_BYTES = 100
    client = client_for(chat_story.charlie)
    big = SimpleUploadedFile("big.txt", b"x" * 101, content_type="text/plain")
    refused(client.post(f"/chat/{charlies.pk}/files/", {"file": big}), 413)
    small = SimpleUploadedFile("small.txt", b"x" * 100, content_type="text/plain")
    shared = client.post(f"/chat/{charlies.pk}/files/", {"file": small, "body": "the log"})
    assert shared.status_code == 201
    assert shared.json()["message"]["file"]["name"] == "small.txt"
    assert list(ChatFile.objects.values_list("filename", flat=True)) == ["small.txt"]


def test_a_shared_file_is_downloaded_only_by_its_customer_and_agents(
    chat_story: Story, charlies: Conversation
) -> None:
    s = chat_story
    upload = SimpleUploadedFile("vpn.log", b"globex-private-log-line\n", content_type="text/plain")
    shared = client_for(s.charlie).post(f"/chat/{charlies.pk}/files/", {"file": upload})
    url = shared.json()["message"]["file"]["url"]
    for person in (s.charlie, s.dana):
        response = client_for(person).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"globex-private-log-line\n"  # type: ignore[attr-defined]
    for outsider in (s.alice, s.bob):
        response = client_for(outsider).get(url)
        assert response.status_code == 404 and b"globex-private" not in response.content
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    conversation_close(actor=s.charlie, conversation=charlies)
    assert client_for(s.charlie).get(url).status_code == 200  # still theirs after the chat ended


def test_the_bubble_is_not_offered_without_chat_in_the_plan_nor_to_agents(chat_story: Story) -> None:
    chat_story.acme.plan = chat_story.standard
    chat_story.acme.save(update_fields=["plan"])
    for person in (chat_story.alice, chat_story.dana):
        response = client_for(person).get("/chat/state/")
        assert response.status_code == 200 and response.json() == {"offered": False}
    state = client_for(chat_story.charlie).get("/chat/state/").json()
    assert state["offered"] is True and state["staffed"] is True and state["conversation"] is None


def test_outside_staffed_hours_the_bubble_says_when_it_opens(chat_story: Story, settings: Any) -> None:
    SlaCalendar.objects.create(name="Chat desk", time_zone="UTC", mon="09:00-17:00")
    settings.SUPPORTAL_CHAT_CALENDAR = "Chat desk"
    client = client_for(chat_story.charlie)
    with time_machine.travel(datetime.fromisoformat("2026-12-06T12:00:00+00:00"), tick=False):  # a Sunday
        state = client.get("/chat/state/").json()
    assert state["offered"] is True and state["staffed"] is False
    assert datetime.fromisoformat(state["opens_at"]) == datetime.fromisoformat("2026-12-07T09:00:00+00:00")
    with time_machine.travel(datetime.fromisoformat("2026-12-07T10:00:00+00:00"), tick=False):  # Monday
        assert client.get("/chat/state/").json()["staffed"] is True


def test_admins_read_chats_in_the_admin_but_cannot_change_them(
    chat_story: Story, charlies: Conversation
) -> None:
    erin = client_for(chat_story.erin)
    message = ChatMessage.objects.get(conversation=charlies)
    for name, pk in (("conversation", charlies.pk), ("chatmessage", message.pk)):
        listed = erin.get(f"/admin/chat/{name}/")
        assert listed.status_code == 200 and "Charlie Globex" in listed.content.decode()
        page = erin.get(f"/admin/chat/{name}/{pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert erin.post(f"/admin/chat/{name}/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert client_for(chat_story.dana).get("/admin/chat/conversation/").status_code in (302, 403)
    assert ChatMessage.objects.filter(pk=message.pk).exists()
