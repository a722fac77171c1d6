"""Dana's chat inbox in a real browser on the ASGI server: chats arrive, she accepts two, talks live,
transfers one to Frank and opens a case from the other. The customers act over HTTP (their own
browser journey is the portal's test)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from supportal.cases.models import Case
from supportal.cases.services import case_create
from tests.browser import sign_in_as, watch_console
from tests.chat.asgi_server import AsgiServer
from tests.chat.conftest import http_for, receive_until, send, socket_for
from tests.conftest import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start_chat(server: AsgiServer, session: Any, body: str) -> int:
    answer = session.post(f"{server.url}/chat/start/", data={"body": body}, timeout=5)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["conversation"]["id"])


def test_dana_works_two_chats_live(chat_story: Story, asgi_server: AsgiServer, page: Any) -> None:
    s, server = chat_story, asgi_server
    alice_case = case_create(actor=s.alice, organisation=s.acme, subject="Printer offline", channel="portal")
    sign_in_as(page, server, s.dana)
    problems = watch_console(page, ignore_failed_loads=True)  # the refused link answers 422
    page.goto(f"{server.url}/agent/chat/")
    expect(page.get_by_test_id("chat-socket-status")).to_have_text("Live")
    expect(page.get_by_test_id("chat-waiting-empty")).to_be_visible()

    charlie = http_for(server, s.charlie)
    charlie_chat = start_chat(server, charlie, "Our VPN is down")
    waiting = page.get_by_test_id("chat-waiting")
    row = waiting.locator(f'[data-testid="chat-waiting-row"][data-conversation-id="{charlie_chat}"]')
    expect(row).to_contain_text("Charlie Globex")  # arrived without a reload
    expect(row).to_contain_text("Our VPN is down")
    row.get_by_test_id("chat-accept").click()
    charlie_panel = page.locator(f'[data-testid="chat-conversation"][data-conversation-id="{charlie_chat}"]')
    expect(charlie_panel).to_be_visible()
    expect(row).to_have_count(0)

    messages = charlie_panel.get_by_test_id("chat-messages")
    sent = charlie.post(f"{server.url}/chat/{charlie_chat}/messages/", data={"body": "Still down in Berlin"})
    assert sent.status_code == 201, sent.text
    expect(messages.locator(".chat-message").last).to_contain_text("Still down in Berlin")
    with socket_for(server, s.charlie) as charlie_socket:
        send(charlie_socket, type="join", conversation=charlie_chat)
        receive_until(charlie_socket, "joined")
        send(charlie_socket, type="typing", conversation=charlie_chat, typing=True)
        expect(charlie_panel.get_by_test_id("chat-typing")).to_have_text("Charlie Globex is typing…")
        charlie_panel.get_by_test_id("chat-input").press_sequentially("Wh")
        assert receive_until(charlie_socket, "typing")["who"] == "Dana Agent"
    reply = charlie_panel.get_by_test_id("chat-input")
    reply.fill("Which office, <b>exactly</b>?")
    reply.press("Enter")
    expect(messages.locator(".chat-message").last).to_contain_text("Which office, <b>exactly</b>?")
    expect(reply).to_have_value("")
    read = charlie.get(f"{server.url}/chat/{charlie_chat}/messages/", timeout=5).json()
    assert [m["body"] for m in read["messages"]][-1] == "Which office, <b>exactly</b>?"

    alice_chat = start_chat(server, http_for(server, s.alice), "Printer jammed")
    alice_row = waiting.locator(f'[data-testid="chat-waiting-row"][data-conversation-id="{alice_chat}"]')
    expect(alice_row).to_contain_text("Alice Acme")
    expect(alice_row.get_by_test_id("chat-open-cases")).to_have_text("1 open case")
    charlie_panel.get_by_test_id("chat-input").fill("Half-typed answer")
    alice_row.get_by_test_id("chat-accept").click()
    expect(page.get_by_test_id("chat-conversation")).to_have_count(2)
    expect(charlie_panel.get_by_test_id("chat-input")).to_have_value("Half-typed answer")

    alice_panel = page.locator(f'[data-testid="chat-conversation"][data-conversation-id="{alice_chat}"]')
    alice_panel.get_by_test_id("chat-transfer-to").select_option(label="Frank CSM")
    alice_panel.get_by_test_id("chat-transfer").click()
    expect(alice_panel).to_have_count(0)
    expect(page.get_by_test_id("chat-notice")).to_contain_text("Frank CSM")
    moved = http_for(server, s.frank).get(f"{server.url}/chat/{alice_chat}/messages/", timeout=5).json()
    assert moved["state"]["agent_id"] == s.frank.pk and moved["state"]["status"] == "active"
    back = http_for(server, s.frank).post(
        f"{server.url}/chat/{alice_chat}/transfer/", data={"agent": s.dana.pk}
    )
    assert back.status_code == 200, back.text
    expect(alice_panel).to_be_visible()  # the `assigned` frame brought it back
    expect(alice_panel.get_by_test_id("chat-messages")).to_contain_text("Printer jammed")

    charlie_panel.get_by_test_id("chat-create-case").click()
    subject = charlie_panel.get_by_test_id("chat-case-subject")
    expect(subject).to_have_value("Our VPN is down")
    subject.fill("VPN down in Berlin")
    charlie_panel.get_by_test_id("chat-case-type").select_option(label="Incident")
    charlie_panel.get_by_test_id("chat-case-priority").select_option("P2")
    charlie_panel.get_by_test_id("chat-case-submit").click()
    case_link = charlie_panel.get_by_test_id("chat-case")
    expect(case_link).to_contain_text("Case ")
    expect(messages.locator(".chat-event").last).to_contain_text("opened: VPN down in Berlin")
    number = (case_link.text_content() or "").removeprefix("Case ").strip()
    case = Case.objects.select_related("case_type").get(number=number)
    assert (case.channel, case.requester_id, case.priority) == ("chat", s.charlie.pk, "P2")
    assert case.case_type.name == "Incident"

    alice_panel.get_by_test_id("chat-link-number").fill(number)  # Charlie's case: another organisation
    alice_panel.get_by_test_id("chat-link-submit").click()
    refused = "That case belongs to another organisation."
    expect(alice_panel.get_by_test_id("chat-error")).to_have_text(refused)
    alice_panel.get_by_test_id("chat-link-number").fill(alice_case.number)
    alice_panel.get_by_test_id("chat-link-submit").click()
    expect(alice_panel.get_by_test_id("chat-case")).to_have_text(f"Case {alice_case.number}")
    expect(alice_panel.get_by_test_id("chat-error")).to_be_hidden()
    alice_panel.get_by_test_id("chat-end").click()
    expect(alice_panel.get_by_test_id("chat-status")).to_have_text("Ended")

    left = charlie.post(f"{server.url}/chat/{charlie_chat}/close/", timeout=5)
    assert left.status_code == 200, left.text
    expect(charlie_panel.get_by_test_id("chat-status")).to_have_text("Ended")
    expect(charlie_panel.get_by_test_id("chat-input")).to_be_hidden()

    case_link.click()
    expect(page).to_have_url(f"{server.url}/agent/cases/{number}/")
    expect(page.locator("main")).to_contain_text("VPN down in Berlin")
    assert problems == []
