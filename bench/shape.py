"""The shape of the generated data set: how many of everything, and the proportions of cases.

Organisation sizes follow a heavy tail (the largest customer has a few per cent of all cases), and so do
requesters within an organisation; the bench's customer is the busiest requester of the largest
organisation, the worst case for their lists. A case's state is where its generated history has got to
by now, so most cases are Closed and the open backlog is what a few days of work leave open.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

CASES_PER_ORGANISATION = 200
CASES_PER_CUSTOMER_USER = 50
CASES_PER_AGENT = 5000
CASES_PER_CONFIG_ITEM = 100
ORGANISATION_SKEW = 0.9  # organisation j has a share proportional to 1 / (j + 1) ** ORGANISATION_SKEW
REQUESTER_SKEW = 0.6
YEARS = 2
VOLUME_GROWTH = 0.75  # created_at = start + span * u ** VOLUME_GROWTH: more cases lately than early on

HOUR, DAY = 3600.0, 86400.0

URGENCY = (("high", 0.20), ("medium", 0.45), ("low", 0.35))
IMPACT = (("high", 0.15), ("medium", 0.35), ("low", 0.50))
VISIBILITY = (("private", 0.6), ("organization", 0.4))
KIND_ORDER_SHARE = 0.10  # cases opened through an order's request type
REQUEST_TYPE_SHARE = 0.30  # cases opened through a request type rather than a bare case type
CONFIG_ITEM_SHARE = 0.40
WATCHER_SHARE = 0.15
CASE_ATTACHMENT_SHARE = 0.03  # a file attached right after opening
COMMENT_ATTACHMENT_SHARE = 0.08
# Where cases come from, before the organisation's plan narrows it (agents file phone cases for anyone).
CHANNELS = (
    ("portal", 0.45),
    ("email", 0.25),
    ("chat", 0.06),
    ("api", 0.07),
    ("phone", 0.12),
    ("alert", 0.05),
)
PLAN_CHANNEL = {"alert": "api"}  # monitoring alerts come in through the API
ALWAYS_ALLOWED = frozenset({"phone"})  # an agent files it; plans bind customers only

# The history: how long each step takes (means), and how often the optional steps happen.
TAKE_DELAY = 2 * HOUR
TAKE_DELAY_P1 = 0.2 * HOUR
WORK_MEDIAN = 18 * HOUR
COMMENTS = ((0, 0.10), (1, 0.15), (2, 0.20), (3, 0.20), (4, 0.15), (5, 0.10), (6, 0.10))
ASK_INFO_SHARE = 0.15
CUSTOMER_WAIT = DAY
HOLD_SHARE = 0.05
HOLD_TIME = 10 * DAY
REJECT_SHARE = 0.03
ACCEPT_DELAY = 12 * HOUR
AUTO_CLOSE_DAYS = 7
CLOSE_WAYS = (("accept", 0.60), ("auto", 0.30), ("withdraw", 0.10))
AUTHORS = (("agent", 0.45), ("customer", 0.35), ("internal", 0.20))
DETAIL_COMMENTS = 42  # the bench's case detail: with its other events, 50 in all
DETAIL_REFERENCE = "bench-50-events"


def clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def organisation_count(cases: int) -> int:
    return max(2, round(cases / CASES_PER_ORGANISATION))


def agent_count(cases: int) -> int:
    return clamp(cases / CASES_PER_AGENT, 6, 300)


def skewed_weights(count: int, skew: float) -> list[float]:
    return [1.0 / (rank + 1) ** skew for rank in range(count)]


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def pick(rng: random.Random, items: Sequence[T], cum: Sequence[float]) -> T:
    """A weighted choice given cumulative weights (bisect: fast for thousands of items)."""
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def choose(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    """A weighted choice from a short (value, weight) table."""
    x = rng.random() * sum(weight for _, weight in table)
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


def created_at(index: int, total: int, start: float, span: float, rng: random.Random) -> float:
    """Case `index`'s creation time: increasing with the index, denser towards the end."""
    u = (index + rng.random()) / total
    return start + span * float(u**VOLUME_GROWTH)
