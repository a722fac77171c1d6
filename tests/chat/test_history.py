"""A chat's transcript on its case's history, as the customer (portal) and the agent (workspace) read it:
"HH:MM Author: text" in the reader's time zone, file names, and nobody's HTML run."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.channels.chat.services import (
    case_from_conversation,
    conversation_accept,
    conversation_start,
    file_share,
    message_post,
)
from supportal.channels.chat.services.transcript import transcript_record
from supportal.core.files import check_upload
from tests.conftest import Story

pytestmark = pytest.mark.django_db
NINE_O_FIVE_UTC = datetime.fromisoformat("2026-12-02T09:05:00+00:00")


def page_for(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def transcript_of(html: str) -> str:
    found = re.search(r'<ol class="[^"]*" data-testid="chat-transcript">(.*?)</ol>', html, re.S)
    assert found, "no transcript on the page"
    return found[1]


def text_of(fragment: str) -> list[str]:
    """Each line of the transcript as a reader sees it (tags dropped, spaces collapsed)."""
    lines = re.findall(r'<li[^>]*data-testid="chat-line">(.*?)</li>', fragment, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in lines]


@pytest.fixture
def chatted_case(chat_story: Story) -> Case:
    s = chat_story
    User.objects.filter(pk=s.charlie.pk).update(time_zone="Europe/Berlin")
    with time_machine.travel(NINE_O_FIVE_UTC, tick=False):
        conversation = conversation_start(actor=s.charlie, body="<script>alert('x')</script> is on my screen")
        conversation_accept(actor=s.dana, conversation=conversation)
        message_post(actor=s.dana, conversation=conversation, body="Send me a <b>screenshot</b> & the log")
        upload = check_upload(name="screen<1>.txt", stream=b"what the screen says\n")
        file_share(actor=s.charlie, conversation=conversation, file=upload, body="Here")
        return case_from_conversation(actor=s.dana, conversation=conversation, subject="Odd script")


def test_the_customer_reads_the_transcript_on_the_portal_case_page(
    chat_story: Story, chatted_case: Case
) -> None:
    html = page_for(chat_story.charlie, reverse("web:case_detail", args=[chatted_case.number]))
    assert "attached the chat transcript (4 messages)" in html
    assert text_of(transcript_of(html)) == [
        "10:05 Charlie Globex: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; is on my screen",
        "10:05 Dana Agent: Dana Agent joined the chat.",
        "10:05 Dana Agent: Send me a &lt;b&gt;screenshot&lt;/b&gt; &amp; the log",
        "10:05 Charlie Globex: Here (file: screen&lt;1&gt;.txt)",
    ]
    assert "<script>alert" not in html and "<b>screenshot</b>" not in html
    assert "(truncated)" not in html


def test_the_agent_reads_it_in_the_workspace_in_their_own_time_zone(
    chat_story: Story, chatted_case: Case
) -> None:
    html = page_for(chat_story.dana, reverse("agent:case", args=[chatted_case.number]))
    lines = text_of(transcript_of(html))
    assert lines[2] == "09:05 Dana Agent: Send me a &lt;b&gt;screenshot&lt;/b&gt; &amp; the log"  # UTC
    assert "attached the chat transcript (4 messages)" in html


def test_a_cut_transcript_says_so(
    chat_story: Story, chatted_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportal.channels.chat.models import Conversation
    from supportal.channels.chat.services import transcript

    s = chat_story
    conversation = Conversation.objects.get(case=chatted_case)
    for number in range(3):
        message_post(actor=s.dana, conversation=conversation, body=f"Step {number}")
    monkeypatch.setattr(transcript, "LINES_MAX", 2)  # a chat longer than the case keeps
    transcript_record(conversation, actor=s.dana)
    last = CaseEvent.objects.filter(case=chatted_case, kind=EventKind.CHAT).latest("id")
    assert last.data["truncated"] is True
    html = page_for(s.charlie, reverse("web:case_detail", args=[chatted_case.number]))
    assert "attached the chat transcript (2 messages)" in html and "(truncated)" in html


def test_the_demo_has_a_chat_that_became_a_case_a_closed_one_and_one_waiting(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from supportal.channels.chat.demo import load_demo_chats
    from supportal.channels.chat.models import ChatMessage, Conversation
    from supportal.core.demo_data import load_demo_data

    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data()
    chats = list(Conversation.objects.filter(organisation__name="Globex Bank").order_by("id"))
    assert [(c.customer.email, c.status, c.case is not None) for c in chats] == [
        ("charlie@globex.example", "closed", True),
        ("priya@globex.example", "closed", False),
        ("priya@globex.example", "waiting", False),
    ]
    case = chats[0].case
    assert case is not None and case.requester == chats[0].customer and case.attachments.exists()
    now = timezone.now()
    times = list(ChatMessage.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times) and now - times[0] > timedelta(minutes=60) and times[-1] <= now
    html = page_for(chats[0].customer, reverse("web:case_detail", args=[case.number]))
    assert "attached the chat transcript" in html and "treasury-export.log" in html
    assert load_demo_chats() == 0 and Conversation.objects.count() == 3
