"""The chat's services, the only writers: starting, accepting, writing, transferring, closing, and turning a
chat into a case (or putting it on one). Called directly, as the views and the socket call them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Attachment, Case, CaseEvent, CaseType, Channel, EventKind
from supportal.cases.services import case_create, case_transition
from supportal.channels.chat import selectors
from supportal.channels.chat.models import ChatMessage, Conversation, MessageKind, Status
from supportal.channels.chat.services import (
    case_from_conversation,
    conversation_accept,
    conversation_close,
    conversation_link_case,
    conversation_start,
    conversation_transfer,
    file_share,
    message_post,
)
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.files import check_upload
from supportal.sla.models import SlaClock
from tests.conftest import Story

pytestmark = pytest.mark.django_db
Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def bodies(conversation: Conversation, kind: str = MessageKind.MESSAGE) -> list[str]:
    rows = ChatMessage.objects.filter(conversation=conversation, kind=kind).order_by("id")
    return list(rows.values_list("body", flat=True))


def audited(action: str, conversation: Conversation) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action, object_id=str(conversation.pk)))


def accepted_by(story: Story, body: str = "Our VPN is down") -> Conversation:
    conversation = conversation_start(actor=story.charlie, body=body)
    return conversation_accept(actor=story.dana, conversation=conversation)


# --- Starting


def test_a_customer_without_chat_in_their_plan_is_refused(chat_story: Story) -> None:
    chat_story.acme.plan = chat_story.standard
    chat_story.acme.save(update_fields=["plan"])
    with pytest.raises(Forbidden):
        conversation_start(actor=chat_story.alice, body="Hello?")
    with pytest.raises(Forbidden):
        conversation_start(actor=chat_story.dana, body="Agents do not start chats")
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 4001])
def test_an_empty_or_too_long_first_message_is_refused(chat_story: Story, body: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        conversation_start(actor=chat_story.charlie, body=body)
    assert refused.value.status == 422
    assert not Conversation.objects.exists()


def test_starting_again_adds_to_the_open_chat_and_after_closing_a_new_one_starts(chat_story: Story) -> None:
    s = chat_story
    first = conversation_start(actor=s.charlie, body="Our VPN is down")
    again = conversation_start(actor=s.charlie, body="Still down")
    assert again.pk == first.pk and bodies(first) == ["Our VPN is down", "Still down"]
    assert first.topic == "Our VPN is down" and first.status == Status.WAITING
    assert len(audited("chat.started", first)) == 1
    conversation_close(actor=s.charlie, conversation=first)
    second = conversation_start(actor=s.charlie, body="Now the printer")
    assert second.pk != first.pk and bodies(second) == ["Now the printer"]
    assert Conversation.objects.get(pk=first.pk).status == Status.CLOSED


# --- Accepting and writing


def test_only_agents_accept_and_a_second_agent_is_told_who_has_it(chat_story: Story) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="Our VPN is down")
    with pytest.raises(Forbidden):
        conversation_accept(actor=s.charlie, conversation=conversation)
    accepted = conversation_accept(actor=s.dana, conversation=conversation)
    assert accepted.status == Status.ACTIVE and accepted.agent == s.dana and accepted.accepted_at
    assert bodies(conversation, MessageKind.EVENT) == ["Dana Agent joined the chat."]
    with pytest.raises(Conflict, match="Dana Agent already accepted"):
        conversation_accept(actor=s.frank, conversation=conversation)
    assert conversation_accept(actor=s.dana, conversation=conversation).agent == s.dana  # again: no change
    assert len(audited("chat.accepted", conversation)) == 1


def test_the_agent_writes_only_after_accepting(chat_story: Story) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="Our VPN is down")
    with pytest.raises(Forbidden, match="Accept the chat"):
        message_post(actor=s.dana, conversation=conversation, body="Hello")
    conversation_accept(actor=s.dana, conversation=conversation)
    with pytest.raises(Forbidden):
        message_post(actor=s.frank, conversation=conversation, body="Not mine")
    reply = message_post(actor=s.dana, conversation=conversation, body="Looking now")
    assert reply.from_agent and reply.author_name == "Dana Agent"
    assert bodies(conversation) == ["Our VPN is down", "Looking now"]


def test_only_the_conversations_customer_writes_in_it(chat_story: Story) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.alice, body="Acme needs help")
    for outsider in (s.bob, s.charlie):  # the same organisation, and another one
        with pytest.raises((Forbidden, Conflict)):
            message_post(actor=outsider, conversation=conversation, body="Let me in")
    assert bodies(conversation) == ["Acme needs help"]


def test_nobody_writes_in_a_closed_chat(chat_story: Story) -> None:
    s = chat_story
    conversation = accepted_by(s)
    conversation_close(actor=s.dana, conversation=conversation)
    for person in (s.charlie, s.dana):
        with pytest.raises(Conflict) as refused:
            message_post(actor=person, conversation=conversation, body="Hello?")
        assert refused.value.status == 409


# --- Transferring


def test_a_transfer_to_an_agent_makes_it_theirs(chat_story: Story) -> None:
    s = chat_story
    conversation = accepted_by(s)
    moved = conversation_transfer(
        actor=s.dana, conversation=conversation, to_agent=s.frank, note="VPN expert"
    )
    assert moved.status == Status.ACTIVE and moved.agent == s.frank
    message_post(actor=s.frank, conversation=conversation, body="Frank here")
    with pytest.raises(Forbidden):
        message_post(actor=s.dana, conversation=conversation, body="Still me?")
    record = audited("chat.transferred", conversation)[0]
    assert record.new is not None and record.new["agent"] == s.frank.pk and record.new["note"] == "VPN expert"
    with pytest.raises(Forbidden):
        conversation_transfer(actor=s.charlie, conversation=conversation, to_agent=s.dana)


def test_a_transfer_to_a_team_puts_it_back_in_the_queue_in_waiting_order(chat_story: Story) -> None:
    s = chat_story
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        mine = accepted_by(s)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        alices = conversation_start(actor=s.alice, body="Acme asks")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        moved = conversation_transfer(actor=s.dana, conversation=mine, to_team=s.service_desk)
    assert moved.status == Status.WAITING and moved.agent is None and moved.team == s.service_desk
    assert list(selectors.waiting_queue()) == [alices, mine]  # waiting since the transfer: second
    assert bodies(mine, MessageKind.EVENT)[-1] == "Dana Agent transferred the chat to the Service Desk team."
    with pytest.raises(InvalidInput):
        conversation_transfer(actor=s.dana, conversation=alices)


# --- Closing


def test_closing_keeps_every_message_and_puts_the_rest_on_the_linked_case(chat_story: Story) -> None:
    s = chat_story
    conversation = accepted_by(s)
    message_post(actor=s.dana, conversation=conversation, body="Which office?")
    case = case_from_conversation(actor=s.dana, conversation=conversation, subject="VPN down")
    message_post(actor=s.charlie, conversation=conversation, body="London")
    conversation_close(actor=s.dana, conversation=conversation)

    assert bodies(conversation) == ["Our VPN is down", "Which office?", "London"]
    chats = list(CaseEvent.objects.filter(case=case, kind=EventKind.CHAT).order_by("id"))
    assert len(chats) == 2
    first = [line["body"] for line in chats[0].data["lines"]]
    second = [line["body"] for line in chats[1].data["lines"]]
    assert first[:2] == ["Our VPN is down", "Dana Agent joined the chat."] and "London" not in first
    assert second == [f"Case {case.number} opened: VPN down", "London", "Dana Agent ended the chat."]
    assert len(audited("chat.closed", conversation)) == 1
    assert conversation_close(actor=s.dana, conversation=conversation).status == Status.CLOSED  # no-op


# --- Cases from chats


@pytest.fixture
def through_the_outbox(settings: Any) -> None:
    settings.EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"


def test_a_case_from_a_chat_is_the_customers_with_the_transcript_files_and_email(
    chat_story: Story, through_the_outbox: None, django_capture_on_commit_callbacks: Capture
) -> None:
    s = chat_story
    conversation = accepted_by(s)
    message_post(actor=s.dana, conversation=conversation, body="Send me the error, please")
    file_share(
        actor=s.charlie, conversation=conversation, body="Here",
        file=check_upload(name="vpn-error.txt", stream=b"TLS handshake failed\n"),
    )  # fmt: skip
    incident = CaseType.objects.get(code="incident")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_from_conversation(
            actor=s.dana, conversation=conversation, subject="VPN down in London",
            case_type=incident, priority="P2",
        )  # fmt: skip

    case = Case.objects.get(pk=case.pk)
    assert case.requester == s.charlie and case.organisation == s.globex
    assert (case.channel, case.case_type, case.priority) == (Channel.CHAT, incident, "P2")
    kinds = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", "public"))
    assert kinds[:2] == [(EventKind.CREATED, True), (EventKind.CHAT, True)]
    transcript = CaseEvent.objects.get(case=case, kind=EventKind.CHAT)
    lines = [(line["author"], line["body"], line["file"]) for line in transcript.data["lines"]]
    assert lines == [
        ("Charlie Globex", "Our VPN is down", ""),
        ("Dana Agent", "Dana Agent joined the chat.", ""),
        ("Dana Agent", "Send me the error, please", ""),
        ("Charlie Globex", "Here", "vpn-error.txt"),
    ]
    assert transcript.data["agent_replied"] is True and transcript.data["truncated"] is False
    attachment = Attachment.objects.get(case=case)
    assert attachment.filename == "vpn-error.txt" and attachment.public
    assert [m.to for m in mail.outbox] == [[s.charlie.email]]
    assert f"[#{case.number}] VPN down in London" in mail.outbox[0].message().as_string()
    response = SlaClock.objects.get(case=case, metric="response")
    assert response.stopped_at == transcript.at and response.stopped_by == "reply"  # answered in the chat
    refreshed = Conversation.objects.get(pk=conversation.pk)
    assert refreshed.case == case and refreshed.status == Status.ACTIVE
    assert bodies(conversation, MessageKind.EVENT)[-1] == f"Case {case.number} opened: VPN down in London"
    assert audited("chat.case_created", conversation)[0].new == {"case": case.number}


def test_a_case_needs_an_accepted_chat_and_only_one_case(chat_story: Story) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="Our VPN is down")
    with pytest.raises(Conflict, match="Accept the chat first"):
        case_from_conversation(actor=s.dana, conversation=conversation, subject="VPN")
    conversation_accept(actor=s.dana, conversation=conversation)
    with pytest.raises(Forbidden):
        case_from_conversation(actor=s.charlie, conversation=conversation, subject="VPN")
    case = case_from_conversation(actor=s.dana, conversation=conversation, subject="VPN")
    with pytest.raises(Conflict, match=f"already on case {case.number}"):
        case_from_conversation(actor=s.dana, conversation=conversation, subject="VPN again")
    assert Case.objects.filter(channel=Channel.CHAT).count() == 1


def test_linking_puts_the_transcript_on_a_case_of_the_same_organisation_that_is_not_closed(
    chat_story: Story,
) -> None:
    s = chat_story
    conversation = accepted_by(s)
    acme_case = case_create(actor=s.alice, organisation=s.acme, subject="Acme's", channel="portal")
    with pytest.raises(InvalidInput) as refused:
        conversation_link_case(actor=s.dana, conversation=conversation, case=acme_case)
    assert refused.value.status == 422
    closed = closed_case(s, s.charlie)
    with pytest.raises(Conflict):
        conversation_link_case(actor=s.dana, conversation=conversation, case=closed)
    open_case = case_create(actor=s.charlie, organisation=s.globex, subject="VPN again", channel="portal")
    linked = conversation_link_case(actor=s.dana, conversation=conversation, case=open_case)
    assert linked.case == open_case
    transcript = CaseEvent.objects.get(case=open_case, kind=EventKind.CHAT)
    assert transcript.data["lines"][0]["body"] == "Our VPN is down"
    with pytest.raises(Conflict):
        conversation_link_case(actor=s.dana, conversation=conversation, case=open_case)
    assert not CaseEvent.objects.filter(case__in=[acme_case, closed], kind=EventKind.CHAT).exists()
    assert len(audited("chat.case_linked", conversation)) == 1


def closed_case(s: Story, requester: User) -> Case:
    case = case_create(actor=requester, organisation=s.globex, subject="Old one", channel="portal")
    case = case_transition(actor=requester, case=case, action=Action.CLOSE, channel="portal")
    assert case.state == State.CLOSED
    return case


def test_a_chat_that_quotes_html_still_becomes_a_case_its_words_shown_as_typed(chat_story: Story) -> None:
    s = chat_story
    conversation = accepted_by(s, body="My screen shows <script>alert(1)</script> and `code`")
    case = case_from_conversation(actor=s.dana, conversation=conversation, subject="Odd screen")
    assert case.description == (
        "Opened from a chat with ` Charlie Globex `: "
        "`` My screen shows <script>alert(1)</script> and `code` ``"
    )
    alices = conversation_accept(actor=s.dana, conversation=conversation_start(actor=s.alice, body="Hi"))
    with pytest.raises(InvalidInput):  # what the agent writes is checked like any case description
        case_from_conversation(
            actor=s.dana, conversation=alices, subject="x", description="<script>x</script>"
        )
    assert Conversation.objects.get(pk=alices.pk).case is None
