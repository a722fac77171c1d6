"""The chat socket over real WebSockets on the ASGI server: who may connect, who may join, read, type and
write, signing out and deactivation ending the socket, the rate limit and bad frames."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
import requests
from django.conf import settings
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from supportal.accounts.models import User
from supportal.channels.chat.consumers import FRAMES_PER_WINDOW, UNAUTHENTICATED
from supportal.channels.chat.models import ChatMessage, Conversation
from supportal.channels.chat.services import conversation_accept, conversation_start, message_post
from tests.chat.asgi_server import AsgiServer
from tests.chat.conftest import WAIT, http_for, receive_until, send, session_cookie, socket_for
from tests.conftest import Story

pytestmark = pytest.mark.django_db(transaction=True)


def next_frame(socket: ClientConnection, timeout: float = WAIT) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(socket.recv(timeout=timeout))
    return frame


def frames_until_pong(socket: ClientConnection) -> list[dict[str, Any]]:
    """Everything the socket was sent before the answer to a ping (the server answers in order)."""
    send(socket, type="ping")
    frames: list[dict[str, Any]] = []
    for _ in range(100):
        frame = next_frame(socket)
        if frame["type"] == "pong":
            return frames
        frames.append(frame)
    raise AssertionError("no pong")


def signed_in_pair(server: AsgiServer, user: User) -> tuple[ClientConnection, requests.Session]:
    """A socket and an HTTP session sharing one signed-in session."""
    cookie = session_cookie(user)
    socket = connect(
        server.ws_url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        origin=Origin(server.url),
        open_timeout=WAIT,
    )
    http = requests.Session()
    http.cookies.set(settings.SESSION_COOKIE_NAME, cookie, domain="127.0.0.1")
    http.get(f"{server.url}/", timeout=WAIT)
    token = http.cookies.get(settings.CSRF_COOKIE_NAME, domain="127.0.0.1") or ""
    http.headers.update({"X-CSRFToken": token, "Referer": server.url + "/"})
    return socket, http


def assert_closed_unauthenticated(socket: ClientConnection) -> None:
    """The next frame is answered 401 and the socket closes with 4401 (or it was told so already: a
    sign-out and a deactivation reach the open sockets at once)."""
    with contextlib.suppress(ConnectionClosed):
        send(socket, type="ping")
    error = next_frame(socket)
    assert (error["type"], error["code"]) == ("error", 401)
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == UNAUTHENTICATED


def test_without_a_session_the_handshake_is_refused(chat_story: Story, asgi_server: AsgiServer) -> None:
    # The consumer closes (4401) before accepting, which the server turns into a refused handshake.
    with pytest.raises(InvalidStatus) as refused:
        socket_for(asgi_server, None)
    assert refused.value.response.status_code == 403


def test_a_foreign_origin_is_refused(chat_story: Story, asgi_server: AsgiServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        socket_for(asgi_server, chat_story.charlie, origin="https://evil.example")
    assert refused.value.response.status_code == 403


def test_acme_can_never_join_read_type_or_write_in_charlies_chat(
    chat_story: Story, asgi_server: AsgiServer
) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="globex-private-chat-text")
    with socket_for(asgi_server, s.charlie) as charlie:
        send(charlie, type="join", conversation=conversation.pk)
        assert receive_until(charlie, "joined")["messages"][0]["body"] == "globex-private-chat-text"
        for outsider in (s.alice, s.bob):
            with socket_for(asgi_server, outsider) as socket:
                for frame in (
                    {"type": "join", "conversation": conversation.pk, "after": 0},
                    {"type": "typing", "conversation": conversation.pk, "typing": True},
                    {"type": "message", "conversation": conversation.pk, "body": "acme-was-here"},
                ):
                    send(socket, **frame)
                    error = next_frame(socket)
                    assert (error["type"], error["code"], error["conversation"]) == (
                        "error", 404, conversation.pk,
                    ), error  # fmt: skip
                    assert "globex-private-chat-text" not in json.dumps(error)
                assert frames_until_pong(socket) == []  # joined nothing: hears nothing
        assert frames_until_pong(charlie) == []  # no typing, no message reached Charlie
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["globex-private-chat-text"]


def test_a_customer_cannot_join_a_colleagues_chat(chat_story: Story, asgi_server: AsgiServer) -> None:
    s = chat_story
    alices = conversation_start(actor=s.alice, body="Alice's own question")
    with socket_for(asgi_server, s.bob) as bob:
        send(bob, type="join", conversation=alices.pk)
        assert receive_until(bob, "error")["code"] == 404
        send(bob, type="message", conversation=alices.pk, body="Bob too")
        assert receive_until(bob, "error")["code"] == 404
    with socket_for(asgi_server, s.alice) as alice:
        send(alice, type="join", conversation=alices.pk)
        assert [m["body"] for m in receive_until(alice, "joined")["messages"]] == ["Alice's own question"]


def test_agents_hear_of_new_chats_in_their_inbox(chat_story: Story, asgi_server: AsgiServer) -> None:
    s = chat_story
    with socket_for(asgi_server, s.dana) as dana, socket_for(asgi_server, s.bob) as bob:
        frames_until_pong(dana)  # connected and in the agents' group
        charlie = http_for(asgi_server, s.charlie)
        started = charlie.post(f"{asgi_server.url}/chat/start/", data={"body": "Help"})
        assert started.status_code == 201, started.text
        inbox = receive_until(dana, "inbox")
        assert inbox["conversation"] == started.json()["conversation"]["id"]
        assert frames_until_pong(bob) == []  # customers are not told of other people's chats


def test_signing_out_ends_the_socket(chat_story: Story, asgi_server: AsgiServer) -> None:
    socket, http = signed_in_pair(asgi_server, chat_story.charlie)
    with socket:
        assert frames_until_pong(socket) == []
        signed_out = http.post(f"{asgi_server.url}/accounts/logout/", allow_redirects=False, timeout=WAIT)
        assert signed_out.status_code == 302
        assert_closed_unauthenticated(socket)


def test_a_deactivated_person_is_cut_off(chat_story: Story, asgi_server: AsgiServer) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="Hello")
    with socket_for(asgi_server, s.charlie) as socket:
        send(socket, type="join", conversation=conversation.pk)
        receive_until(socket, "joined")
        User.objects.filter(pk=s.charlie.pk).update(is_active=False)
        assert_closed_unauthenticated(socket)


def test_a_signed_out_socket_is_sent_nothing_more(chat_story: Story, asgi_server: AsgiServer) -> None:
    """Even without sending a frame: the next push finds the session gone and closes the socket."""
    s = chat_story
    conversation = conversation_accept(
        actor=s.dana, conversation=conversation_start(actor=s.charlie, body="Hi")
    )
    dana = http_for(asgi_server, s.dana)
    socket, http = signed_in_pair(asgi_server, s.charlie)
    with socket:
        send(socket, type="join", conversation=conversation.pk)
        receive_until(socket, "joined")
        assert http.post(f"{asgi_server.url}/accounts/logout/", allow_redirects=False).status_code == 302
        url = f"{asgi_server.url}/chat/{conversation.pk}/messages/"
        assert dana.post(url, data={"body": "globex-after-sign-out"}).status_code == 201
        error = next_frame(socket)
        assert (error["type"], error["code"]) == ("error", 401), error
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=WAIT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == UNAUTHENTICATED


def test_too_many_frames_are_refused_with_429(chat_story: Story, asgi_server: AsgiServer) -> None:
    with socket_for(asgi_server, chat_story.charlie) as socket:
        for _ in range(FRAMES_PER_WINDOW + 5):
            send(socket, type="ping")
        answers = [next_frame(socket) for _ in range(FRAMES_PER_WINDOW + 5)]
    assert [a["type"] for a in answers[:FRAMES_PER_WINDOW]] == ["pong"] * FRAMES_PER_WINDOW
    assert {(a["type"], a.get("code")) for a in answers[FRAMES_PER_WINDOW:]} == {("error", 429)}


def test_bad_frames_are_answered_400_and_the_socket_keeps_working(
    chat_story: Story, asgi_server: AsgiServer
) -> None:
    with socket_for(asgi_server, chat_story.charlie) as socket:
        for frame in ("{not json", '["a", "list"]', json.dumps({"type": "dance"})):
            socket.send(frame)
            error = next_frame(socket)
            assert (error["type"], error["code"]) == ("error", 400), (frame, error)
        assert frames_until_pong(socket) == []


def test_joining_after_a_message_id_returns_only_later_messages(
    chat_story: Story, asgi_server: AsgiServer
) -> None:
    s = chat_story
    conversation = conversation_start(actor=s.charlie, body="First")
    conversation_accept(actor=s.dana, conversation=conversation)
    seen = message_post(actor=s.dana, conversation=conversation, body="Second")
    message_post(actor=s.charlie, conversation=conversation, body="Third")
    with socket_for(asgi_server, s.charlie) as socket:
        send(socket, type="join", conversation=conversation.pk, after=seen.pk)
        joined = receive_until(socket, "joined")
    assert [m["body"] for m in joined["messages"]] == ["Third"]
    assert joined["state"]["status"] == "active" and joined["state"]["agent"] == "Dana Agent"
    assert Conversation.objects.get(pk=conversation.pk).status == "active"
