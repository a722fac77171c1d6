"""Enqueueing jobs: always after the surrounding transaction commits, so a job never sees uncommitted
rows and a rolled-back change never sends anything."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Schedule a Huey task to be enqueued once the current transaction (if any) commits."""
    transaction.on_commit(lambda: task(*args, **kwargs))


def backoff_seconds(attempt: int, base: int = 30, cap: int = 3600) -> int:
    """Exponential backoff for a failed job: 30 s, 60 s, 120 s ... capped at an hour."""
    return int(min(cap, base * 2 ** max(0, attempt - 1)))
