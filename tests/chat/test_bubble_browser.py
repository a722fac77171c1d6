"""The customer's chat bubble in a real Chromium against the real ASGI server: Charlie chats with Dana
live (status, event lines, typing, files, the case, ending), the panel survives a reload, a plan without
chat and agents see no bubble, outside staffed hours it offers a case, and without WebSocket it polls."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supportal.channels.chat.models import Conversation, Status
from supportal.sla.models import SlaCalendar
from tests.browser import screenshot, sign_in_as, watch_console
from tests.chat.asgi_server import AsgiServer
from tests.chat.conftest import http_for, receive_until, send, socket_for
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 10_000
# Init scripts run outside the page's CSP (Playwright adds them through the DevTools protocol).
NO_WEBSOCKET = "window.WebSocket = undefined;"
# A WebSocket that never opens: every attempt closes at once, as when a proxy refuses the upgrade.
REFUSED_WEBSOCKET = """
window.WebSocket = class extends EventTarget {
  static OPEN = 1;
  constructor() {
    super();
    this.readyState = 3;
    setTimeout(() => this.dispatchEvent(new CloseEvent("close", { code: 1006 })), 10);
  }
  send() {}
  close() {}
};
"""


def open_bubble(page: Any, server: AsgiServer, user: Any) -> None:
    sign_in_as(page, server, user)
    page.goto(f"{server.url}/")
    page.get_by_test_id("chat-bubble-button").click()
    expect(page.get_by_test_id("chat-panel")).to_be_visible()


def say(page: Any, text: str) -> None:
    page.get_by_test_id("chat-input").fill(text)
    page.get_by_test_id("chat-send").click()


def line(page: Any, css: str, text: str) -> Any:
    return page.get_by_test_id("chat-messages").locator(css, has_text=text)


def test_charlie_chats_with_dana_live(
    page: Any, chat_story: Story, asgi_server: AsgiServer, tmp_path: Path
) -> None:
    s, url = chat_story, asgi_server.url
    problems = watch_console(page, ignore_failed_loads=True)  # the refused empty file is a 422
    open_bubble(page, asgi_server, s.charlie)
    say(page, "Our VPN is down")
    expect(line(page, ".chat-message", "Our VPN is down")).to_have_count(1)
    expect(page.get_by_test_id("chat-status")).to_have_text("Waiting for an agent…")
    expect(page.get_by_test_id("chat-panel")).to_have_attribute("data-transport", "socket")
    conversation = Conversation.objects.get(customer=s.charlie)

    # A reload keeps the panel open, and the socket's "joined" brings the message back.
    page.reload()
    expect(page.get_by_test_id("chat-panel")).to_be_visible(timeout=WAIT_MS)
    expect(line(page, ".chat-message", "Our VPN is down")).to_have_count(1)

    dana = http_for(asgi_server, s.dana)
    assert dana.post(f"{url}/chat/{conversation.pk}/accept/").status_code == 200
    expect(page.get_by_test_id("chat-status")).to_have_text("Chatting with Dana Agent")
    expect(line(page, ".chat-event", "Dana Agent joined the chat.")).to_have_count(1)
    assert dana.post(f"{url}/chat/{conversation.pk}/messages/", data={"body": "Hi <b>Charlie</b>"}).ok
    expect(line(page, ".chat-message", "Hi <b>Charlie</b>")).to_have_count(1)  # text, not markup
    screenshot(page, "chat-bubble-active.png")

    with socket_for(asgi_server, s.dana) as agent_socket:
        send(agent_socket, type="join", conversation=conversation.pk)
        receive_until(agent_socket, "joined")
        send(agent_socket, type="typing", conversation=conversation.pk, typing=True)
        expect(page.get_by_test_id("chat-typing")).to_have_text("Dana Agent is typing…")
        page.get_by_test_id("chat-input").press_sequentially("Thanks")
        typing = receive_until(agent_socket, "typing")
        assert typing["who"] == "Charlie Globex" and typing["typing"] is True
        page.get_by_test_id("chat-input").press("Enter")
        assert receive_until(agent_socket, "message")["message"]["body"] == "Thanks"
        send(agent_socket, type="typing", conversation=conversation.pk, typing=False)
        expect(page.get_by_test_id("chat-typing")).to_be_hidden()

    log = tmp_path / "vpn.log"
    log.write_text("tunnel dropped at 10:00\n")
    page.get_by_test_id("chat-file").set_input_files(str(log))
    link = page.get_by_test_id("chat-messages").locator("a.chat-file", has_text="vpn.log")
    expect(link).to_have_attribute("href", re.compile(rf"^/chat/{conversation.pk}/files/\d+/$"))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    page.get_by_test_id("chat-file").set_input_files(str(empty))
    expect(page.get_by_test_id("chat-error")).to_contain_text("“empty.txt” is empty.")

    filed = dana.post(f"{url}/chat/{conversation.pk}/case/", data={"subject": "VPN down", "priority": "P2"})
    number = filed.json()["case"]
    expect(page.get_by_test_id("chat-case")).to_have_text(f"Case {number} was opened for you.")
    expect(page.get_by_test_id("chat-case").get_by_role("link")).to_have_attribute(
        "href", f"/cases/{number}/"
    )

    page.get_by_test_id("chat-end").click()
    expect(page.get_by_test_id("chat-status")).to_have_text("Chat ended")
    expect(line(page, ".chat-event", "Charlie Globex ended the chat.")).to_have_count(1)
    say(page, "One more thing: the printer")
    expect(page.get_by_test_id("chat-status")).to_have_text("Waiting for an agent…")
    expect(page.get_by_test_id("chat-messages").locator(".chat-message")).to_have_count(1)
    assert Conversation.objects.filter(customer=s.charlie, status=Status.WAITING).count() == 1
    assert problems == []


def test_no_bubble_without_chat_in_the_plan_nor_for_agents(
    page: Any, chat_story: Story, asgi_server: AsgiServer
) -> None:
    s = chat_story
    problems = watch_console(page)
    s.acme.plan = s.standard
    s.acme.save(update_fields=["plan"])
    sign_in_as(page, asgi_server, s.bob)
    page.goto(f"{asgi_server.url}/")
    expect(page.locator("[data-chat-bubble]")).to_have_attribute("data-chat-state", "unavailable")
    expect(page.get_by_test_id("chat-bubble-button")).to_be_hidden()

    sign_in_as(page, asgi_server, s.dana)
    page.goto(f"{asgi_server.url}/agent/")
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Dana Agent")
    expect(page.locator("[data-chat-bubble]")).to_have_count(0)
    assert problems == []


def test_outside_staffed_hours_the_bubble_offers_a_case(
    page: Any, chat_story: Story, asgi_server: AsgiServer, settings: Any
) -> None:
    problems = watch_console(page)
    hours = "09:00-17:00"
    SlaCalendar.objects.create(
        name="Office hours",
        time_zone="UTC",
        **{day: hours for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        closed_dates=timezone.now().date().isoformat(),
    )
    settings.SUPPORTAL_CHAT_CALENDAR = "Office hours"
    open_bubble(page, asgi_server, chat_story.charlie)
    offline = page.get_by_test_id("chat-offline")
    expect(offline).to_contain_text("Our support team is away right now.")
    expect(offline.locator("time")).to_have_attribute("datetime", re.compile(r"T09:00:00"))
    expect(offline.get_by_role("link", name="Create a case")).to_have_attribute("href", "/cases/new/")
    expect(page.get_by_test_id("chat-input")).to_be_hidden()
    screenshot(page, "chat-bubble-offline.png")
    assert problems == []


@pytest.mark.parametrize("browser_socket", [NO_WEBSOCKET, REFUSED_WEBSOCKET], ids=["missing", "refused"])
def test_without_a_socket_the_bubble_polls(
    page: Any, chat_story: Story, asgi_server: AsgiServer, browser_socket: str
) -> None:
    """No WebSocket at all, or three attempts that never open (1 s and 2 s apart): the bubble polls."""
    s, url = chat_story, asgi_server.url
    problems = watch_console(page)
    page.add_init_script(browser_socket)
    open_bubble(page, asgi_server, s.charlie)
    say(page, "Our VPN is down")
    expect(page.get_by_test_id("chat-panel")).to_have_attribute("data-transport", "polling", timeout=WAIT_MS)
    expect(line(page, ".chat-message", "Our VPN is down")).to_have_count(1)
    conversation = Conversation.objects.get(customer=s.charlie)

    dana = http_for(asgi_server, s.dana)
    assert dana.post(f"{url}/chat/{conversation.pk}/accept/").status_code == 200
    assert dana.post(f"{url}/chat/{conversation.pk}/messages/", data={"body": "Hi Charlie"}).ok
    expect(page.get_by_test_id("chat-status")).to_have_text("Chatting with Dana Agent", timeout=WAIT_MS)
    expect(line(page, ".chat-message", "Hi Charlie")).to_have_count(1, timeout=WAIT_MS)

    say(page, "Thanks, it is the Brussels office")
    expect(line(page, ".chat-message", "Brussels office")).to_have_count(1)
    answer = dana.get(f"{url}/chat/{conversation.pk}/messages/").json()
    assert answer["messages"][-1]["body"] == "Thanks, it is the Brussels office"
    assert problems == []


def test_a_dropped_socket_reconnects_and_catches_up(
    page: Any, chat_story: Story, asgi_server: AsgiServer
) -> None:
    """The socket goes through a Playwright route that the test can cut; the bubble reconnects after
    a second and joins again `after` the last message it showed, so nothing sent meanwhile is lost."""
    s, url = chat_story, asgi_server.url
    problems = watch_console(page)
    routes: list[tuple[Any, Any]] = []
    joins: list[dict[str, Any]] = []

    def through(page_side: Any) -> None:
        server_side = page_side.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "join":
                joins.append(frame)
            server_side.send(message)

        page_side.on_message(from_page)
        routes.append((page_side, server_side))

    page.route_web_socket(re.compile(r"/ws/chat/$"), through)
    open_bubble(page, asgi_server, s.charlie)
    say(page, "Our VPN is down")
    expect(page.get_by_test_id("chat-panel")).to_have_attribute("data-transport", "socket")
    conversation = Conversation.objects.get(customer=s.charlie)
    dana = http_for(asgi_server, s.dana)
    assert dana.post(f"{url}/chat/{conversation.pk}/accept/").status_code == 200
    joined_line = line(page, ".chat-event", "Dana Agent joined the chat.")
    expect(joined_line).to_have_count(1)
    last_seen = int(joined_line.get_attribute("data-message-id"))

    page_side, server_side = routes[-1]
    server_side.close()
    page_side.close()
    assert dana.post(f"{url}/chat/{conversation.pk}/messages/", data={"body": "Sent while you were away"}).ok
    expect(line(page, ".chat-message", "Sent while you were away")).to_have_count(1, timeout=WAIT_MS)
    assert len(routes) == 2
    assert joins[-1] == {"type": "join", "conversation": conversation.pk, "after": last_seen}
    assert problems == []


def test_a_shared_login_gives_its_name_with_the_first_message(
    page: Any, chat_story: Story, asgi_server: AsgiServer
) -> None:
    s = chat_story
    problems = watch_console(page)
    s.globex.shared_login = True
    s.globex.save(update_fields=["shared_login"])
    open_bubble(page, asgi_server, s.charlie)
    page.get_by_test_id("chat-name").fill("Pat at the front desk")
    say(page, "The till printer is jammed")
    expect(page.get_by_test_id("chat-status")).to_have_text("Waiting for an agent…")
    expect(page.get_by_test_id("chat-name")).to_be_hidden()
    assert Conversation.objects.get(customer=s.charlie).customer_name == "Pat at the front desk"
    assert problems == []
