"""Real-time fan-out through the channel layer, after the change committed.

Groups: `chat.conversation.<id>` (every socket that joined the conversation, access checked when it
joined and on every frame), `chat.agents` (the inbox: the waiting queue changed) and `chat.user.<id>`
(one person's sockets: a chat was transferred to them). The stored rows are the truth; a push that
fails is logged, and clients catch up from the last message id they hold when they reconnect or poll.
"""

from __future__ import annotations

from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.urls import reverse

from supportal.channels.chat.models import ChatMessage, Conversation

log = structlog.get_logger(__name__)

AGENTS = "chat.agents"


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"chat.user.{user_id}"


def send_now(group: str, payload: dict[str, Any]) -> None:
    send_message(group, {"type": "chat.event", "payload": payload})


def send_message(group: str, message: dict[str, Any]) -> None:
    """A channel-layer message to every socket of `group` (its `type` names the consumer's handler)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the rows are stored; clients catch up on reconnect or by polling
        log.warning("chat_push_failed", group=group, kind=message.get("type"), exc_info=True)


def push(group: str, payload: dict[str, Any]) -> None:
    """Send `payload` to `group` once the current transaction commits."""
    transaction.on_commit(lambda: send_now(group, payload))


def message_json(message: ChatMessage) -> dict[str, Any]:
    file = None
    if message.file_id is not None and message.file is not None:
        file = {
            "name": message.file.filename,
            "size": message.file.size,
            "url": reverse("chat:file", args=[message.conversation_id, message.file_id]),
        }
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": message.author_name,
        "author_id": message.author_id,
        "from_agent": message.from_agent,
        "body": message.body,
        "file": file,
        "at": message.created_at.isoformat(),
    }


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    agent = conversation.agent
    case = conversation.case
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "status_label": conversation.get_status_display(),
        "topic": conversation.topic,
        "customer": conversation.customer_name,
        "agent": agent.display_name if agent is not None else None,
        "agent_id": conversation.agent_id,
        "team": conversation.team.name if conversation.team_id and conversation.team else None,
        "case": case.number if case is not None else None,
    }


def message_pushed(message: ChatMessage) -> None:
    push(
        conversation_group(message.conversation_id),
        {"type": "message", "conversation": message.conversation_id, "message": message_json(message)},
    )


def conversation_pushed(conversation: Conversation, *, inbox: bool = True) -> None:
    push(
        conversation_group(conversation.pk),
        {"type": "conversation", "conversation": conversation.pk, "state": conversation_json(conversation)},
    )
    if inbox:
        push(AGENTS, {"type": "inbox", "conversation": conversation.pk})
