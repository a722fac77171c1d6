"""What a socket frame does, as one synchronous call (run on the chat's database threads): read the
session afresh, then join, post or check a typing frame through `access` and the services."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils.crypto import constant_time_compare

from supportal.accounts.models import User
from supportal.channels.chat import access, policies, push, selectors
from supportal.channels.chat.services import message_post
from supportal.core.errors import DomainError, Forbidden
from supportal.orgs.policies import is_agent


class Unauthenticated(Exception):
    """The socket's session no longer holds its user."""


def user_for_session(session_key: str | None) -> User | None:
    """The active user the session belongs to now, or None (signed out, expired, password changed)."""
    if not session_key:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user_id, backend_path = session.get(SESSION_KEY), session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    if user is None or not user.is_active:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    return user  # type: ignore[return-value]


def still_signed_in(session_key: str | None, user_id: int) -> bool:
    user = user_for_session(session_key)
    return user is not None and user.pk == user_id


def frame_work(
    session_key: str | None, user_id: int, kind: str, content: dict[str, Any]
) -> dict[str, Any] | None:
    """Authenticate, then do the frame's work; what the socket sends or subscribes to, if anything."""
    user = user_for_session(session_key)
    if user is None or user.pk != user_id:
        raise Unauthenticated
    conversation_id = content.get("conversation")
    if kind == "join":
        return _joined(user, conversation_id, content.get("after"))
    if kind == "leave":
        return _leave(conversation_id)
    if kind == "message":
        conversation = access.conversation_for(user, conversation_id)
        message_post(actor=user, conversation=conversation, body=str(content.get("body") or ""))
    elif kind == "typing":
        conversation = access.conversation_for(user, conversation_id)
        if not policies.can_write(user, conversation):
            raise Forbidden("You may not write in this chat.")
        return {
            "type": "typing",
            "conversation": conversation.pk,
            "user_id": user.pk,
            "who": user.display_name,
            "from_agent": is_agent(user),
            "typing": bool(content.get("typing", True)),
        }
    return None


def _joined(user: User, conversation_id: Any, after: Any) -> dict[str, Any]:
    try:
        since = max(0, int(after or 0))
    except (TypeError, ValueError):
        since = 0
    conversation = access.conversation_for(user, conversation_id)
    messages = selectors.messages_of(conversation, after=since)
    return {
        "type": "joined",
        "conversation": conversation.pk,
        "state": push.conversation_json(conversation),
        "messages": [push.message_json(message) for message in messages],
    }


def _leave(conversation_id: Any) -> dict[str, Any] | None:
    try:
        return {"conversation": int(conversation_id)}
    except (TypeError, ValueError):
        return None


def may_receive(session_key: str | None, user_id: int, conversation_id: Any) -> bool | None:
    """Whether a push may go to this socket: None when its session no longer holds this user, False
    when a customer may no longer read the conversation it is about."""
    user = user_for_session(session_key)
    if user is None or user.pk != user_id:
        return None
    if conversation_id is None or is_agent(user):
        return True
    try:
        access.conversation_for(user, conversation_id)
    except DomainError:
        return False
    return True
