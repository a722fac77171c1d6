"""Database work for the chat's sockets, off the event loop, on a pool of its own.

Channels' `database_sync_to_async` is thread-sensitive: every socket's queries would queue for one
thread, and it closes the connection after each call (SQLite's every call then opens and configures a
new one). The chat instead runs its calls on `SUPPORTAL_CHAT_DB_THREADS` threads that keep their
connections. A connection idle for IDLE_CHECK_SECONDS, or one that raised an error, is checked before
the next call (a broken one is closed and reopened). It is still asgiref's SyncToAsync, so a service's
after-commit push goes back to the server's event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import ParamSpec, TypeVar

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import connections

P = ParamSpec("P")
T = TypeVar("T")
IDLE_CHECK_SECONDS = 10.0
_local = threading.local()


@cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=int(getattr(settings, "SUPPORTAL_CHAT_DB_THREADS", 4)), thread_name_prefix="chat-db"
    )


def stop_pool() -> None:
    """End the pool's threads (their connections go with them); the next call starts a new pool."""
    if _executor.cache_info().currsize:
        _executor().shutdown(wait=True)
        _executor.cache_clear()


def _usable_connections() -> None:
    now = time.monotonic()
    idle = now - getattr(_local, "last_used", 0.0) > IDLE_CHECK_SECONDS
    _local.last_used = now
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not (idle or connection.errors_occurred):
            continue
        if not connection.is_usable():  # the server went away, or ended this session
            connection.close()
        connection.errors_occurred = False


def _run(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    _usable_connections()
    return function(*args, **kwargs)


def chat_db(function: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """`await chat_db(f)(*args)`: run `f` on the chat's database threads."""

    def call(*args: P.args, **kwargs: P.kwargs) -> T:
        return _run(function, *args, **kwargs)

    return SyncToAsync(call, thread_sensitive=False, executor=_executor())  # type: ignore[return-value]
