"""Domain events: what happened, published after the transaction that did it commits.

    publish(DomainEvent("case.commented", case_id=..., event_id=..., actor_id=...))

    @subscribe("case.created", "case.commented")
    def tell_people(event: DomainEvent) -> None: ...

Subscribers (notifications, webhooks, SLA) run after commit, so a rolled-back change tells nobody; a
subscriber that fails is logged and does not stop the others. Subscribers that do slow work enqueue a job.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[["DomainEvent"], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


@dataclass(frozen=True)
class DomainEvent:
    name: str
    case_id: int | None = None
    event_id: int | None = None
    actor_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def subscribe(*names: str) -> Callable[[Subscriber], Subscriber]:
    def register(handler: Subscriber) -> Subscriber:
        for name in names:
            if handler not in _subscribers[name]:
                _subscribers[name].append(handler)
        return handler

    return register


def publish(event: DomainEvent) -> None:
    """Deliver `event` to its subscribers once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: deliver(event))


def deliver(event: DomainEvent) -> None:
    for handler in list(_subscribers.get(event.name, ())) + list(_subscribers.get("*", ())):
        try:
            handler(event)
        except Exception:
            logger.exception("Subscriber %s failed on %s", getattr(handler, "__name__", handler), event.name)
