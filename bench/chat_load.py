"""`supportal bench chat`: the live chat under load, on loopback.

Seeds N customers (in organisations on a plan with chat) with a started conversation each and one agent
per `chats_per_agent` conversations (chat_seed.py); starts the ASGI server (chat_server.py); the agents
accept every conversation over HTTP; then one socket per customer and one per agent (joined to all of
its conversations) connect at once, and both sides send their messages at a steady rate
(chat_clients.py). The figures: latency from a send to the other side's socket receiving it, messages
per second, errors, and the server's memory per socket (chat_report.py).
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import requests
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Max, Min

from bench.chat_clients import LoadSpec, Socket, Tally, drive
from bench.chat_report import summarise
from bench.chat_seed import ChatFixtures, seed_chats
from bench.chat_server import AsgiServer
from bench.seed import prepare_database
from bench.server import ServerError
from supportal.channels.chat.consumers import FRAMES_PER_WINDOW, WINDOW_SECONDS
from supportal.channels.chat.models import ChatMessage

ACCEPTING_AT_ONCE = 8
HTTP_TIMEOUT = 60.0
FILES_PER_SOCKET = 2  # the client's socket and, on loopback, the server's


class ChatBenchError(Exception):
    pass


@dataclass
class ChatOptions:
    connections: int = 100  # customers, each with one conversation and one socket
    messages: int = 20  # each side sends this many per conversation
    interval: float = 10.0  # seconds between one side's messages in a conversation
    chats_per_agent: int = 4  # conversations per agent (and per agent socket)
    grace: float = 120.0
    seed: int = 1


def check(options: ChatOptions) -> None:
    limits = (
        ("--connections", options.connections, 1, 5000),
        ("--messages", options.messages, 1, 1000),
        ("--interval", options.interval, 0.05, 600),
        ("--chats-per-agent", options.chats_per_agent, 1, 20),
        ("--grace", options.grace, 1, 3600),
    )
    for name, value, low, high in limits:
        if not low <= value <= high:
            raise ChatBenchError(f"{name} must be between {low} and {high}.")
    # An agent's socket sends a join per conversation and a message per conversation and interval; the
    # server allows FRAMES_PER_WINDOW frames per WINDOW_SECONDS per socket (consumers.py).
    frames = options.chats_per_agent * (1 + WINDOW_SECONDS / options.interval)
    if frames > 0.9 * FRAMES_PER_WINDOW:
        raise ChatBenchError(
            f"An agent socket would send {frames:.0f} frames per {WINDOW_SECONDS:g} s, over the server's "
            f"limit of {FRAMES_PER_WINDOW}: raise --interval or lower --chats-per-agent."
        )


def run(options: ChatOptions, say: Callable[[str], None] = print) -> dict[str, Any]:
    check(options)
    context: dict[str, Any] = {
        "database": connection.vendor,
        "database_name": str(connection.settings_dict["NAME"]),
        "cpus": os.cpu_count(),
        "load_average_start": list(os.getloadavg()),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    context["open_files_limit"] = raise_open_files_limit(options)
    began = time.perf_counter()
    say("Preparing the database (migrate) ...")
    prepare_database()
    say(f"Seeding {options.connections} customers with a conversation each ...")
    fixtures = seed_chats(options.connections, options.chats_per_agent)
    seconds = {"seed": time.perf_counter() - began}
    try:
        connections.close_all()  # nothing of ours is held open while the server works
        with AsgiServer() as server:
            say(f"Server at {server.base_url}; agents accept {len(fixtures.conversations)} chats ...")
            began = time.perf_counter()
            try:
                accept_all(server.base_url, fixtures)
            except ChatBenchError as error:
                raise ChatBenchError(f"{error}\nThe server's last lines:\n" + "\n".join(server.log)) from None
            seconds["accept"] = time.perf_counter() - began
            memory: dict[str, Any] = {"before": server.memory()}
            spec = load_spec(server, fixtures, options)
            say(f"Opening {len(spec.sockets)} sockets; {options.messages} messages each way per chat ...")
            tally = asyncio.run(drive(spec, lambda: memory.update(joined=server.memory())))
            memory["end"] = server.memory()
    except ServerError as error:
        raise ChatBenchError(str(error)) from None
    finally:
        fixtures.close()
    context["load_average_end"] = list(os.getloadavg())
    return result(options, context, seconds, memory, spec, tally) | {"stored": stored(fixtures)}


def stored(fixtures: ChatFixtures) -> dict[str, Any]:
    """The load's messages the server stored, and how fast: what it did, delivered to a socket or not."""
    found = ChatMessage.objects.filter(
        conversation_id__in=fixtures.conversations, body__startswith="bench "
    ).aggregate(messages=Count("id"), first=Min("created_at"), last=Max("created_at"))
    span = (found["last"] - found["first"]).total_seconds() if found["messages"] > 1 else 0.0
    rate = round(found["messages"] / span, 1) if span > 0 else None
    return {"messages": found["messages"], "seconds": round(span, 2), "per_second": rate}


def raise_open_files_limit(options: ChatOptions) -> dict[str, int]:
    """Lift this process's soft limit on open files (the server inherits it) to what the sockets need."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    sockets = options.connections + -(-options.connections // options.chats_per_agent)
    needed = FILES_PER_SOCKET * sockets + 256
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise ChatBenchError(f"{sockets} sockets need {needed} open files; the hard limit is {hard}.")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        return {"before": soft, "now": needed}
    return {"before": soft, "now": soft}


def accept_all(base_url: str, fixtures: ChatFixtures) -> None:
    """Each agent accepts its conversations: POST /chat/<id>/accept/, as the inbox page does."""
    token = secrets.token_hex(16)  # a CSRF secret of our own: the cookie and the header must agree
    agents = []
    for session_key in fixtures.agent_sessions:
        session = requests.Session()
        session.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain="127.0.0.1")
        session.cookies.set(settings.CSRF_COOKIE_NAME, token, domain="127.0.0.1")
        session.headers.update({"X-CSRFToken": token, "Referer": base_url + "/"})
        agents.append(session)

    def accept(index: int) -> None:
        conversation = fixtures.conversations[index]
        answer = agents[fixtures.agent_of[index]].post(
            f"{base_url}/chat/{conversation}/accept/", timeout=HTTP_TIMEOUT
        )
        if answer.status_code != 200:
            raise ChatBenchError(f"Accepting chat {conversation}: {answer.status_code} {answer.text[:300]}")

    with ThreadPoolExecutor(ACCEPTING_AT_ONCE) as pool:
        list(pool.map(accept, range(len(fixtures.conversations))))
    for session in agents:
        session.close()


def load_spec(server: AsgiServer, fixtures: ChatFixtures, options: ChatOptions) -> LoadSpec:
    sockets = [
        Socket("customer", key, (conversation,))
        for key, conversation in zip(fixtures.customer_sessions, fixtures.conversations, strict=True)
    ]
    for agent, key in enumerate(fixtures.agent_sessions):
        mine = tuple(c for c, a in zip(fixtures.conversations, fixtures.agent_of, strict=True) if a == agent)
        sockets.append(Socket("agent", key, mine))
    return LoadSpec(
        ws_url=server.ws_url,
        origin=server.base_url,
        cookie_name=settings.SESSION_COOKIE_NAME,
        sockets=sockets,
        messages=options.messages,
        interval=options.interval,
        grace=options.grace,
        seed=options.seed,
    )


def result(
    options: ChatOptions,
    context: dict[str, Any],
    seconds: dict[str, float],
    memory: dict[str, Any],
    spec: LoadSpec,
    tally: Tally,
) -> dict[str, Any]:
    agents = sum(1 for s in spec.sockets if s.side == "agent")
    context |= {"sockets": len(spec.sockets), "customer_sockets": len(spec.sockets) - agents}
    context["agent_sockets"] = agents
    seconds["connect_and_join"] = tally.connect_seconds
    return {
        "context": context,
        "options": asdict(options),
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        **summarise(tally, memory, len(spec.sockets)),
    }
