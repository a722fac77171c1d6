"""/api/v1/chats and /api/v1/chats/{chat_id}: the live chat's records, read-only. Agents list and search
every conversation; a customer (or their token) lists their own. Conversations happen in the portal and
the workspace (docs/chat.md); this is for reporting and archiving."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from supportal.api.v1.auth import actor_of
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.channels.chat import access, selectors
from supportal.channels.chat.models import ChatMessage, Conversation, MessageKind, Status

router = Router(tags=["chats"])
ORDERING = ("-created_at", "-id")
MESSAGES_MAX = 500


class ChatFilters(Schema):
    status: Status | None = Field(None, description="waiting, active or closed.")
    q: str | None = Field(
        None, max_length=200, description="Text in the topic, the customer, the organization or any message."
    )


class MessagesParams(Schema):
    after: int = Field(0, ge=0, description="Only the messages after this id (the last one you have).")


class ChatOut(Schema):
    id: int
    status: Status
    topic: str
    organization: int
    customer: int
    customer_name: str
    agent: int | None
    agent_name: str | None
    case: str | None = Field(description="The number of the case the chat became or was put on.")
    created_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
    last_message_at: datetime


class MessageOut(Schema):
    id: int
    kind: MessageKind
    author: str
    author_id: int | None
    from_agent: bool
    body: str
    file: str | None = Field(description="The shared file's name; download it in the portal.")
    created_at: datetime


class ChatDetailOut(ChatOut):
    messages: list[MessageOut] = Field(description=f"The messages after `after`, at most {MESSAGES_MAX}.")


def chat_out(conversation: Conversation) -> ChatOut:
    return ChatOut(**_fields(conversation))


def _fields(conversation: Conversation) -> dict[str, Any]:
    agent = conversation.agent
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "topic": conversation.topic,
        "organization": conversation.organisation_id,
        "customer": conversation.customer_id,
        "customer_name": conversation.customer_name,
        "agent": conversation.agent_id,
        "agent_name": agent.display_name if agent is not None else None,
        "case": conversation.case.number if conversation.case is not None else None,
        "created_at": conversation.created_at,
        "accepted_at": conversation.accepted_at,
        "closed_at": conversation.closed_at,
        "last_message_at": conversation.last_message_at,
    }


def message_out(message: ChatMessage) -> MessageOut:
    return MessageOut(
        id=message.pk,
        kind=MessageKind(message.kind),
        author=message.author_name,
        author_id=message.author_id,
        from_agent=message.from_agent,
        body=message.body,
        file=message.file.filename if message.file is not None else None,
        created_at=message.created_at,
    )


@router.get("/chats", response={200: Page[ChatOut], **errors()}, summary="List chats")
def list_chats(request: HttpRequest, page: Query[PageParams], filters: Query[ChatFilters]) -> Page[ChatOut]:
    """Newest first: every conversation for agents, their own for customers; `q` searches them."""
    actor = actor_of(request)
    if filters.q:
        chats = selectors.search_conversations(actor, filters.q)
    else:
        chats = selectors.conversations_visible_to(actor)
    if filters.status:
        chats = chats.filter(status=filters.status)
    result = paginate(chats.select_related("agent", "case"), page, ordering=ORDERING)
    return Page[ChatOut](items=[chat_out(c) for c in result.items], next_cursor=result.next_cursor)


@router.get("/chats/{chat_id}", response={200: ChatDetailOut, **errors(404)}, summary="Get a chat")
def get_chat(request: HttpRequest, chat_id: int, params: Query[MessagesParams]) -> ChatDetailOut:
    """One conversation with its messages (404 for one the caller may not see)."""
    conversation = access.conversation_for(actor_of(request), chat_id)
    messages = selectors.messages_of(conversation, after=params.after, limit=MESSAGES_MAX)
    return ChatDetailOut(**_fields(conversation), messages=[message_out(m) for m in messages])
