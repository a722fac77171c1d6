"""Issue 10's story in two browsers against the ASGI server (HTTP and WebSockets on loopback): Charlie
opens the chat bubble and describes his problem; Dana, in the workspace's chat inbox, sees it arrive and
accepts; they write to each other in real time (typing shown); Dana creates a case from the chat with its
type and priority; Charlie sees the case number in the chat, the confirmation email reaches an SMTP server
on loopback, and the case is under his cases with the transcript in its history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from supportal.cases.models import Case, CaseType, Channel
from supportal.channels.chat.models import Conversation, Status
from tests import smtp_server as smtp_fixtures
from tests.browser import screenshot, sign_in_as, watch_console
from tests.chat.asgi_server import AsgiServer
from tests.conftest import Story
from tests.smtp_server import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
smtp_server = smtp_fixtures.smtp_server


def test_a_chat_becomes_a_case_in_two_browsers(
    chat_story: Story,
    asgi_server: AsgiServer,
    page: Any,
    second_page: Any,
    smtp_server: SmtpServer,
    settings: Any,
) -> None:
    smtp_server.deliver_here(settings)
    story = chat_story
    customer, agent = page, second_page
    customer_problems, agent_problems = watch_console(customer), watch_console(agent)

    sign_in_as(agent, asgi_server, story.dana)
    agent.goto(f"{asgi_server.url}/agent/chat/")
    expect(agent.get_by_test_id("chat-waiting")).to_be_visible()

    # 1. Charlie opens the bubble and writes; the chat waits for an agent.
    sign_in_as(customer, asgi_server, story.charlie)
    customer.goto(f"{asgi_server.url}/")
    customer.get_by_test_id("chat-bubble-button").click()
    panel = customer.get_by_test_id("chat-panel")
    expect(panel).to_be_visible()
    panel.get_by_test_id("chat-input").fill("Our VPN has been down since 9:00")
    panel.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-status")).to_contain_text("Waiting")
    expect(panel).to_have_attribute("data-transport", "socket")

    # 2. It arrives in Dana's inbox without a reload; she accepts.
    row = agent.get_by_test_id("chat-waiting-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Charlie Globex")
    expect(row).to_contain_text("Globex")
    expect(row).to_contain_text("Premium")
    row.get_by_test_id("chat-accept").click()
    conversation = agent.get_by_test_id("chat-conversation")
    expect(conversation).to_have_count(1)
    expect(conversation.get_by_test_id("chat-messages")).to_contain_text("Our VPN has been down since 9:00")

    # 3. Charlie sees Dana join; they write to each other in real time.
    expect(panel.get_by_test_id("chat-messages")).to_contain_text("Dana Agent joined the chat")
    expect(panel.get_by_test_id("chat-status")).to_contain_text("Dana Agent")
    conversation.get_by_test_id("chat-input").fill("Hello Charlie, I am looking at it now.")
    conversation.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-messages")).to_contain_text("I am looking at it now.")
    panel.get_by_test_id("chat-input").press_sequentially("Thank", delay=30)
    expect(conversation.get_by_test_id("chat-typing")).to_contain_text("Charlie Globex")
    panel.get_by_test_id("chat-input").fill("Thanks! Site Brussels cannot connect.")
    panel.get_by_test_id("chat-send").click()
    expect(conversation.get_by_test_id("chat-messages")).to_contain_text("Site Brussels cannot connect.")

    # 4. Dana creates a case from the chat, as an Incident at P2.
    incident = CaseType.objects.get(code="incident")
    conversation.get_by_test_id("chat-create-case").click()
    conversation.get_by_test_id("chat-case-subject").fill("VPN down at the Brussels site")
    conversation.get_by_test_id("chat-case-type").select_option(str(incident.pk))
    conversation.get_by_test_id("chat-case-priority").select_option("P2")
    conversation.get_by_test_id("chat-case-submit").click()
    expect(conversation.get_by_test_id("chat-case")).to_be_visible()
    case = Case.objects.get(subject="VPN down at the Brussels site")
    assert (case.requester_id, case.channel, case.case_type_id, case.priority) == (
        story.charlie.pk,
        Channel.CHAT,
        incident.pk,
        "P2",
    )
    expect(conversation.get_by_test_id("chat-case")).to_contain_text(case.number)

    # 5. Charlie sees the number in the chat; the confirmation reaches the SMTP server.
    expect(panel.get_by_test_id("chat-case")).to_contain_text(case.number)
    for _ in range(100):
        found = [m for m in smtp_server.parsed() if case.number in str(m["Subject"])]
        if found:
            break
        smtp_server.wait_for(len(smtp_server.messages) + 1, 0.1)
    assert found, [str(m["Subject"]) for m in smtp_server.parsed()]
    assert "charlie@globex.example" in str(found[0]["To"])
    screenshot(customer, "chat-customer-case.png")
    screenshot(agent, "chat-agent-case.png")

    # 6. The case is under My cases, and its history holds the transcript.
    customer.goto(f"{asgi_server.url}/cases/")
    expect(customer.locator("main")).to_contain_text(case.number)
    customer.goto(f"{asgi_server.url}/cases/{case.number}/")
    history = customer.locator("main")
    expect(history).to_contain_text("chat transcript")
    expect(history).to_contain_text("Site Brussels cannot connect.")
    assert re.search(r"I am looking at it now\.", history.inner_text())

    # The bubble is still there after navigating, with the conversation.
    expect(customer.get_by_test_id("chat-panel")).to_be_visible()
    expect(customer.get_by_test_id("chat-case")).to_contain_text(case.number)
    conversation_row = Conversation.objects.get(customer=story.charlie)
    assert conversation_row.status == Status.ACTIVE and conversation_row.case_id == case.pk
    assert customer_problems == [] and agent_problems == [], (customer_problems, agent_problems)
