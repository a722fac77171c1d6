"""The chat load's clients: every socket in one asyncio loop (the `websockets` client). No Django here.

Each socket connects with its person's session cookie, joins its conversations and waits for `joined`;
when all have joined, every socket sends its messages for each of its conversations at a steady rate
(`interval` seconds apart, each conversation at a random offset within the first interval). A message's
body names it (`bench <conversation> <side> <n>`), so the other side's socket knows when it was sent
(one clock: the same process) and checks that each arrives once and in order.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.typing import Origin

CONNECT_TIMEOUT = 60.0
JOIN_TIMEOUT = 60.0
CONNECTING_AT_ONCE = 50  # handshakes in flight together
START_DELAY = 0.5  # seconds between the last join and the first message
SIDES = ("customer", "agent")


@dataclass(frozen=True)
class Socket:
    side: str  # "customer" or "agent"
    cookie: str  # the session cookie's value
    conversations: tuple[int, ...]


@dataclass
class LoadSpec:
    ws_url: str
    origin: str
    cookie_name: str
    sockets: list[Socket]
    messages: int  # per side and conversation
    interval: float  # seconds between one side's messages in one conversation
    grace: float = 60.0  # seconds to wait for stragglers after the last send is due
    seed: int = 1


@dataclass
class Tally:
    """What the clients saw. Directions are "customer → agent" and "agent → customer"."""

    expected: int = 0
    latencies_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    duplicates: Counter[str] = field(default_factory=Counter)
    out_of_order: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    send_failures: int = 0
    error_frames: int = 0
    failed_sockets: int = 0
    closed_early: int = 0
    error_sample: str = ""
    first_send: float | None = None
    last_receive: float | None = None
    connect_seconds: float = 0.0
    sent_at: dict[tuple[int, str, int], float] = field(default_factory=dict)
    seen: dict[tuple[int, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    finishing: bool = False
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def received(self) -> int:
        return sum(len(values) for values in self.latencies_ms.values())

    def note_error(self, text: str) -> None:
        self.error_sample = self.error_sample or text[:300]


def direction(sender: str) -> str:
    return f"{sender} → {'agent' if sender == 'customer' else 'customer'}"


async def drive(spec: LoadSpec, all_joined: Callable[[], None]) -> Tally:
    """Connect and join every socket, call `all_joined()`, send every message, wait for them all."""
    tally = Tally(expected=sum(len(s.conversations) for s in spec.sockets) * spec.messages)
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    began = time.perf_counter()
    opened = await asyncio.gather(*(_open(spec, socket, tally, gate) for socket in spec.sockets))
    tally.connect_seconds = time.perf_counter() - began
    live: list[tuple[Socket, ClientConnection, asyncio.Task[None]]] = []
    for socket, (conn, reader) in zip(spec.sockets, opened, strict=True):
        if conn is not None and reader is not None:
            live.append((socket, conn, reader))
    all_joined()
    loop = asyncio.get_running_loop()
    start = loop.time() + START_DELAY
    rng = random.Random(spec.seed)
    senders = [
        asyncio.create_task(_send_all(conn, socket, c, start + rng.random() * spec.interval, spec, tally))
        for socket, conn, _ in live
        for c in socket.conversations
    ]
    if tally.received >= tally.expected:
        tally.done.set()
    try:
        await asyncio.wait_for(tally.done.wait(), START_DELAY + spec.messages * spec.interval + spec.grace)
    except TimeoutError:
        tally.note_error(f"timed out: {tally.received} of {tally.expected} messages arrived")
    tally.finishing = True
    for task in senders:
        task.cancel()
    await asyncio.gather(*(conn.close() for _, conn, _ in live), return_exceptions=True)
    await asyncio.gather(*(task for _, _, task in live), *senders, return_exceptions=True)
    return tally


async def _open(
    spec: LoadSpec, socket: Socket, tally: Tally, gate: asyncio.Semaphore
) -> tuple[ClientConnection | None, asyncio.Task[None] | None]:
    async with gate:
        try:
            conn = await connect(
                spec.ws_url,
                additional_headers={"Cookie": f"{spec.cookie_name}={socket.cookie}"},
                origin=Origin(spec.origin),
                open_timeout=CONNECT_TIMEOUT,
                ping_interval=None,  # the server pings; a busy client loop must not close sockets itself
                close_timeout=5,
                max_queue=None,
            )
        except (OSError, TimeoutError, WebSocketException) as error:
            tally.failed_sockets += 1
            tally.note_error(f"connect ({socket.side}): {error!r}")
            return None, None
        pending = set(socket.conversations)
        joined = asyncio.Event()
        reader = asyncio.create_task(_read(conn, socket, tally, pending, joined))
        try:
            for conversation in socket.conversations:
                await conn.send(json.dumps({"type": "join", "conversation": conversation, "after": 0}))
            await asyncio.wait_for(joined.wait(), JOIN_TIMEOUT)
        except (TimeoutError, ConnectionClosed) as error:
            tally.failed_sockets += 1
            tally.note_error(f"join ({socket.side}, {sorted(pending)} not joined): {error!r}")
            await conn.close()
            await asyncio.gather(reader, return_exceptions=True)
            return None, None
        return conn, reader


async def _read(
    conn: ClientConnection, socket: Socket, tally: Tally, pending: set[int], joined: asyncio.Event
) -> None:
    last_id: dict[int, int] = {}
    try:
        async for raw in conn:
            now = time.perf_counter()
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "joined":
                pending.discard(frame.get("conversation"))
                if not pending:
                    joined.set()
            elif kind == "message":
                _received(frame, socket, tally, last_id, now)
            elif kind == "error":
                tally.error_frames += 1
                tally.note_error(f"error frame to {socket.side}: {frame}")
    except ConnectionClosed as closed:
        if not tally.finishing:
            tally.closed_early += 1
            tally.note_error(f"socket closed ({socket.side}): {closed!r}")


def _received(
    frame: dict[str, object], socket: Socket, tally: Tally, last_id: dict[int, int], now: float
) -> None:
    message = frame.get("message")
    if not isinstance(message, dict):
        return
    conversation, number = int(str(frame.get("conversation"))), int(message["id"])
    way = direction(SIDES[1] if socket.side == SIDES[0] else SIDES[0])
    if number <= last_id.get(conversation, 0):
        tally.out_of_order[way] += 1  # the ids a socket sees in one conversation only ever rise
    last_id[conversation] = max(number, last_id.get(conversation, 0))
    parts = str(message.get("body", "")).split()
    if len(parts) != 4 or parts[0] != "bench" or parts[2] == socket.side:
        return  # the socket's own messages coming back, or another line
    sender, seq = parts[2], int(parts[3])
    seen = tally.seen[(conversation, sender)]
    if seq in seen:
        tally.duplicates[way] += 1
        return
    if seen and seq < max(seen):
        tally.out_of_order[way] += 1
    seen.add(seq)
    sent = tally.sent_at.get((conversation, sender, seq))
    tally.latencies_ms[way].append((now - sent) * 1000 if sent is not None else float("nan"))
    tally.last_receive = now
    if tally.received >= tally.expected:
        tally.done.set()


async def _send_all(
    conn: ClientConnection, socket: Socket, conversation: int, first: float, spec: LoadSpec, tally: Tally
) -> None:
    loop = asyncio.get_running_loop()
    for n in range(spec.messages):
        await asyncio.sleep(max(0.0, first + n * spec.interval - loop.time()))
        body = f"bench {conversation} {socket.side} {n}"
        now = time.perf_counter()
        tally.sent_at[(conversation, socket.side, n)] = now
        tally.first_send = tally.first_send or now
        try:
            await conn.send(json.dumps({"type": "message", "conversation": conversation, "body": body}))
        except ConnectionClosed:
            tally.send_failures += 1
            return
        tally.sent += 1
