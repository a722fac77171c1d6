"""`supportal bench chat` end to end, small: the real command in a child process starts the real ASGI
server, 10 customers and 5 agents (2 chats each) chat over real sockets, 5 messages each way per chat.
No timing is asserted: only that every message arrived once and in order, and every figure is there."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from bench.chat_report import table
from django.db import connection

from supportal.channels.chat.models import ChatMessage
from tests.bench.test_run import database_url, supportal
from tests.core.subprocesses import supportal_env

CUSTOMERS, AGENTS, MESSAGES = 10, 5, 5
DIRECTIONS = ("customer → agent", "agent → customer")


def stored_lines(tmp_path: Path) -> list[tuple[int, str]]:
    """(conversation id, body) of every stored chat line, in id order, from the database the run used."""
    if connection.vendor == "postgresql":
        return list(ChatMessage.objects.order_by("id").values_list("conversation_id", "body"))
    with sqlite3.connect(tmp_path / "bench.sqlite3") as db:
        return list(db.execute("SELECT conversation_id, body FROM chat_chatmessage ORDER BY id"))


@pytest.mark.django_db(transaction=True)
def test_every_message_arrives_once_in_order_and_the_figures_are_printed(tmp_path: Path) -> None:
    env = supportal_env(tmp_path / "data", DATABASE_URL=database_url(tmp_path))
    out = supportal(
        ["bench", "chat", "--json", "--connections", str(CUSTOMERS), "--messages", str(MESSAGES),
         "--interval", "1", "--chats-per-agent", "2", "--grace", "60"],
        env, tmp_path,
    )  # fmt: skip
    result = json.loads(out)

    context = result["context"]
    assert context["database"] == connection.vendor
    assert (context["customer_sockets"], context["agent_sockets"]) == (CUSTOMERS, AGENTS)
    for way in DIRECTIONS:  # what each receiving socket saw: all, once, in order
        assert result["delivery"][way] == {
            "expected": CUSTOMERS * MESSAGES, "received": CUSTOMERS * MESSAGES,
            "missing": 0, "duplicates": 0, "out_of_order": 0,
        }  # fmt: skip
    assert result["errors"]["total"] == 0, result["error_sample"]
    assert result["sent"] == result["stored"]["messages"] == 2 * CUSTOMERS * MESSAGES
    for way in (*DIRECTIONS, "both"):
        figures = result["latency"][way]
        assert figures["messages"] == (2 if way == "both" else 1) * CUSTOMERS * MESSAGES
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"] <= figures["max_ms"]
        assert figures["per_second"] > 0
    memory = result["memory"]
    assert memory["before_mb"] > 0 and memory["joined_mb"] > 0 and memory["per_socket_kb"] is not None

    # The stored conversation: the customer's greeting, the agent joining, then each side's lines in order.
    lines: dict[int, list[str]] = defaultdict(list)
    for conversation, body in stored_lines(tmp_path):
        lines[conversation].append(body)
    bench = {c: found for c, found in lines.items() if any(b.startswith("bench ") for b in found)}
    assert len(bench) == CUSTOMERS
    for conversation, found in bench.items():
        for side in ("customer", "agent"):
            mine = [b for b in found if b.startswith(f"bench {conversation} {side} ")]
            assert mine == [f"bench {conversation} {side} {n}" for n in range(MESSAGES)]

    text = table(result)
    for label in (*DIRECTIONS, "both", "p50 ms", "p99 ms", "msg/s", "KB per socket", "Errors: 0", "stored"):
        assert label in text
