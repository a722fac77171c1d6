"""The chat socket, `/ws/chat/`: one per browser tab, for customers and agents alike.

Every frame is authenticated again (the session is read afresh: signing out, a password change or a
deactivation ends the socket) and every conversation it names is loaded through `access`, so a
customer can never join, read or write another organisation's conversation; the check and the work
are one call on the chat's database threads (`db.py`). Writes go through the services, which push to
the conversation's group after commit. Pushes reach a socket whose session was checked in the last
RECHECK_SECONDS; older, it is checked again first. Signing out, a deactivation or a password change
also tells the person's sockets at once (`receivers.py`).

Client → server: `{"type": "join", "conversation": 12, "after": 0}` (answers `joined` with the state
and the messages after `after`), `leave`, `message` (`body`), `typing` (`typing`: true/false), `ping`.
Server → client: `joined`, `message`, `typing`, `conversation` (its state changed), `inbox` (agents:
the queue changed), `assigned` (a chat was transferred to you), `error` (`code` as HTTP, `detail`),
`pong`.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from supportal.channels.chat import push
from supportal.channels.chat.db import chat_db
from supportal.channels.chat.frames import (
    Unauthenticated,
    frame_work,
    may_receive,
    still_signed_in,
    user_for_session,
)
from supportal.core.errors import DomainError
from supportal.orgs.policies import is_agent

UNAUTHENTICATED = 4401
FRAMES_PER_WINDOW = 40  # per socket, every kind of frame
WINDOW_SECONDS = 10.0
RECHECK_SECONDS = 15.0
KINDS = frozenset({"join", "leave", "message", "typing", "ping"})


class ChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    user_id: int
    agent: bool

    async def connect(self) -> None:
        self.joined: set[int] = set()
        self.frames: deque[float] = deque()
        user = await chat_db(user_for_session)(self._session_key())
        if user is None:
            await self.close(code=UNAUTHENTICATED)
            return
        self.user_id, self.agent = user.pk, is_agent(user)
        self.verified_at = time.monotonic()
        await self.accept()
        await self.channel_layer.group_add(push.user_group(user.pk), self.channel_name)
        if self.agent:
            await self.channel_layer.group_add(push.AGENTS, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "user_id"):
            return
        for conversation_id in list(self.joined):
            await self.channel_layer.group_discard(
                push.conversation_group(conversation_id), self.channel_name
            )
        await self.channel_layer.group_discard(push.user_group(self.user_id), self.channel_name)
        if self.agent:
            await self.channel_layer.group_discard(push.AGENTS, self.channel_name)

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """Frames are JSON text; anything else (broken JSON, binary) is answered 400 and the socket stays."""
        try:
            content = await self.decode_json(text_data) if text_data else None
        except ValueError:
            content = None
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self._error(None, 400, "Send a JSON object.")
            return
        conversation = content.get("conversation")
        if self._too_fast():
            await self._error(conversation, 429, "Too many messages at once; slow down.")
            return
        kind = str(content.get("type"))
        if kind not in KINDS:
            await self._error(conversation, 400, f"Unknown frame type {content.get('type')!r}.")
            return
        try:
            result = await chat_db(frame_work)(self._session_key(), self.user_id, kind, content)
        except Unauthenticated:
            await self._signed_out()
            return
        except DomainError as error:
            await self._error(conversation, error.status, str(error))
            return
        self.verified_at = time.monotonic()
        await self._answer(kind, content, result)

    async def _answer(self, kind: str, content: dict[str, Any], result: dict[str, Any] | None) -> None:
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "join" and result is not None:
            await self.channel_layer.group_add(
                push.conversation_group(result["conversation"]), self.channel_name
            )
            self.joined.add(result["conversation"])
            await self.send_json(result)
        elif kind == "leave" and result is not None:
            self.joined.discard(result["conversation"])
            group = push.conversation_group(result["conversation"])
            await self.channel_layer.group_discard(group, self.channel_name)
        elif kind == "typing" and result is not None:
            await self.channel_layer.group_send(
                push.conversation_group(result["conversation"]), {"type": "chat.event", "payload": result}
            )

    def _too_fast(self) -> bool:
        now = time.monotonic()
        while self.frames and now - self.frames[0] > WINDOW_SECONDS:
            self.frames.popleft()
        self.frames.append(now)
        return len(self.frames) > FRAMES_PER_WINDOW

    async def _error(self, conversation: Any, code: int, detail: str) -> None:
        await self.send_json({"type": "error", "conversation": conversation, "code": code, "detail": detail})

    async def _signed_out(self) -> None:
        await self.send_json({"type": "error", "code": 401, "detail": "Please sign in again."})
        await self.close(code=UNAUTHENTICATED)

    async def chat_event(self, event: dict[str, Any]) -> None:
        """A push from the services (or another socket's typing) to this socket's groups."""
        payload = event["payload"]
        if payload.get("type") == "typing" and payload.get("user_id") == self.user_id:
            return
        conversation = payload.get("conversation")
        if time.monotonic() - self.verified_at > RECHECK_SECONDS:
            allowed = await chat_db(may_receive)(self._session_key(), self.user_id, conversation)
            if allowed is None:  # signed out (or deactivated) since the last check: nothing more is sent
                await self._signed_out()
                return
            if not allowed:  # no longer the customer's conversation to read
                self.joined.discard(conversation)
                await self.channel_layer.group_discard(
                    push.conversation_group(conversation), self.channel_name
                )
                return
            self.verified_at = time.monotonic()
        await self.send_json(payload)

    async def chat_revoke(self, event: dict[str, Any]) -> None:
        """This person signed out of a session (`session`), or of all of them (None)."""
        if event.get("session") in (None, self._session_key()):
            await self._signed_out()

    async def chat_recheck(self, event: dict[str, Any]) -> None:
        """This person's account changed (deactivated, new password): check the session now."""
        if not await chat_db(still_signed_in)(self._session_key(), self.user_id):
            await self._signed_out()
        else:
            self.verified_at = time.monotonic()
