"""The production channel layer (channels_redis): a message posted over HTTP reaches a socket through Redis.

Needs a Redis on 127.0.0.1:6379 (database SUPPORTAL_TEST_REDIS_DB, 13 unless set); skipped when none
answers, unless SUPPORTAL_REQUIRE_REDIS=1 (CI), where a missing Redis fails the test. The layer is cached
by channels (`channel_layers`): it is emptied before and after, so other tests keep the in-memory one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from channels.layers import channel_layers, get_channel_layer

from supportal.channels.chat.services import conversation_accept, conversation_start
from tests.chat.asgi_server import start_asgi_server
from tests.chat.conftest import WAIT, http_for, receive_until, send, socket_for
from tests.conftest import Story

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('SUPPORTAL_TEST_REDIS_DB', '13')}"


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("SUPPORTAL_REQUIRE_REDIS") == "1":
            pytest.fail(f"SUPPORTAL_REQUIRE_REDIS=1 but Redis at {REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture
def redis_layer(settings: Any) -> Iterator[tuple[redis.Redis, str]]:
    """CHANNEL_LAYERS pointing at Redis, with a prefix of this test's own; the cached layer reset."""
    client = redis_or_skip()
    prefix = f"supportal-test-{uuid.uuid4().hex[:12]}"
    channel_layers.backends.clear()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": prefix, "expiry": 30},
        }
    }
    try:
        yield client, prefix
    finally:
        channel_layers.backends.clear()
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_a_message_posted_over_http_reaches_the_socket_through_redis(
    chat_story: Story, redis_layer: tuple[redis.Redis, str]
) -> None:
    client, prefix = redis_layer
    s = chat_story
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    conversation = conversation_accept(
        actor=s.dana, conversation=conversation_start(actor=s.charlie, body="Hello over Redis")
    )
    server, thread = start_asgi_server()
    try:
        with socket_for(server, s.charlie) as charlie:
            send(charlie, type="join", conversation=conversation.pk)
            assert receive_until(charlie, "joined")["conversation"] == conversation.pk
            group = f"{prefix}:group:chat.conversation.{conversation.pk}".encode()
            assert any(key == group for key in client.scan_iter(f"{prefix}*"))  # the group lives in Redis
            dana = http_for(server, s.dana)
            url = f"{server.url}/chat/{conversation.pk}/messages/"
            posted = dana.post(url, data={"body": "Dana via Redis"}, timeout=WAIT)
            assert posted.status_code == 201, posted.text
            frame = receive_until(charlie, "message")
            assert frame["message"]["body"] == "Dana via Redis" and frame["message"]["from_agent"] is True
    finally:
        server.server.should_exit = True
        thread.join(timeout=10)
