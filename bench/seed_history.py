"""One generated case's history: the events, comments and files the services would have written.

The case walks the lifecycle (lifecycle.MOVES) step by step with random delays; steps that would come
after now are not taken, so the case's state is where it has got to. Events carry the same `data` as the
services write them, so the case page, the API and `lifecycle.replay` read them like real ones.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import shape, words
from bench.seed_people import Person

Row = tuple[Any, ...]
Timestamp = Callable[[float], Any]  # epoch seconds -> the value the database driver takes


@dataclass
class Ids:
    """The next primary key of each table the cases fill (rows are written with their ids)."""

    case: int
    event: int
    comment: int
    attachment: int
    watcher: int


@dataclass
class Rows:
    cases: list[Row] = field(default_factory=list)
    search: list[Row] = field(default_factory=list)
    comments: list[Row] = field(default_factory=list)
    attachments: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    watchers: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class SharedFile:
    """The one small file every generated attachment points at."""

    storage_path: str
    size: int
    sha256: str


@dataclass
class CaseStart:
    id: int
    number: str
    created: float
    requester: Person
    agent: Person
    channel: str  # the case's channel; customers answer through it (email) or the portal
    fill: dict[str, str]  # {item} and {person} for the texts


@dataclass
class History:
    """Builds one case's events; `state` and the other fields follow the moves made."""

    start: CaseStart
    rows: Rows
    ids: Ids
    ts: Timestamp
    file: SharedFile
    rng: random.Random
    closer: Person  # the auto-close job's system user
    state: str = "new"
    at: float = 0.0  # the time the story has got to
    last: float = 0.0  # the time of the last event written: the case's updated_at
    assignee: int | None = None
    resolved_at: float | None = None
    closed_at: float | None = None
    close_reason: str = ""
    reject_count: int = 0
    public_texts: list[str] = field(default_factory=list)
    internal_texts: list[str] = field(default_factory=list)

    def event(
        self, kind: str, actor: Person | None, data: dict[str, Any], *, public: bool = True,
        channel: str = "portal", on_behalf_of: int | None = None,
    ) -> None:  # fmt: skip
        self.rows.events.append(
            (
                self.ids.event, self.start.id, kind, actor.id if actor else None,
                actor.label if actor else "Supportal", on_behalf_of, channel, public, json.dumps(data),
                self.ts(self.at),
            )
        )  # fmt: skip
        self.ids.event += 1
        self.last = self.at

    def move(
        self, action: str, new: str, actor: Person | None, *, channel: str = "portal", reason: str = ""
    ) -> None:
        data = {"old": self.state, "new": new, "action": action, "reason": reason}
        self.event("state_changed", actor, data, channel=channel)
        self.state = new

    def take(self, team_id: int) -> None:
        self.move("take", "open", self.start.agent)
        self.assignee = self.start.agent.id
        self.event(
            "assigned",
            self.start.agent,
            {"old": None, "new": self.assignee, "old_team": team_id, "team": team_id},
        )

    def comment(self, author_kind: str) -> None:
        customer = author_kind == "customer"
        author = self.start.requester if customer else self.start.agent
        public = author_kind != "internal"
        templates = (
            words.CUSTOMER_REPLIES if customer else words.AGENT_REPLIES if public else words.INTERNAL_NOTES
        )
        body = self.rng.choice(templates).format(number=self.start.id, **self.start.fill)
        channel = self.start.channel if customer and self.start.channel == "email" else "portal"
        comment_id = self.ids.comment
        self.ids.comment += 1
        self.rows.comments.append(
            (
                comment_id,
                self.start.id,
                author.id,
                author.label,
                None,
                body,
                public,
                channel,
                self.ts(self.at),
            )
        )
        files = []
        if self.rng.random() < shape.COMMENT_ATTACHMENT_SHARE:
            files.append(self.attachment(author, public, channel, comment_id)[0])
        data = {"comment": comment_id, "excerpt": body[:200], "attachments": files, "opening": False}
        self.event("commented", author, data, public=public, channel=channel)
        (self.public_texts if public else self.internal_texts).append(body)

    def attachment(
        self, uploader: Person, public: bool, channel: str, comment_id: int | None
    ) -> tuple[int, str]:
        attachment_id = self.ids.attachment
        self.ids.attachment += 1
        filename = f"{self.rng.choice(words.ATTACHMENT_NAMES)}-{attachment_id}.txt"
        self.rows.attachments.append(
            (
                attachment_id, self.start.id, comment_id, self.file.storage_path, filename, "text/plain",
                self.file.size, self.file.sha256, public, uploader.id, channel, self.ts(self.at),
            )
        )  # fmt: skip
        return attachment_id, filename

    def attach_to_case(self) -> None:
        attachment_id, filename = self.attachment(self.start.requester, True, self.start.channel, None)
        data = {
            "attachment": attachment_id,
            "filename": filename,
            "size": self.file.size,
            "content_type": "text/plain",
        }
        self.event("attachment_added", self.start.requester, data, channel=self.start.channel)


def walk(history: History, team_id: int, now: float, *, urgent: bool, detail: bool = False) -> None:
    """Take the case through its lifecycle until now (or to the end of its story); urgent cases (P1)
    are taken and worked faster."""
    rng, start = history.rng, history.start
    history.at = start.created + rng.uniform(30, 300)
    if not detail and rng.random() < shape.CASE_ATTACHMENT_SHARE and history.at < now:
        history.attach_to_case()
    history.at += rng.expovariate(1 / (shape.TAKE_DELAY_P1 if urgent else shape.TAKE_DELAY))
    if history.at > now:
        return
    history.take(team_id)
    steps = _detail_steps() if detail else _steps(rng)
    work = rng.lognormvariate(0, 1) * shape.WORK_MEDIAN / (4 if urgent else 1)
    gap = (now - history.at) / (len(steps) + 4) if detail else work / len(steps)
    for step in steps:
        history.at += gap * (1 if detail else rng.uniform(0.3, 1.7))
        if history.at > now or not _step(history, step, now, gap if detail else None):
            return


def _steps(rng: random.Random) -> list[str]:
    count = shape.choose(rng, shape.COMMENTS)
    steps = [shape.choose(rng, shape.AUTHORS) for _ in range(count)]
    for optional, share in (("ask", shape.ASK_INFO_SHARE), ("hold", shape.HOLD_SHARE)):
        if rng.random() < share:
            steps.insert(rng.randint(0, len(steps)), optional)
    close = shape.choose(rng, shape.CLOSE_WAYS)
    if close == "withdraw":
        return [*steps, "withdraw"]
    resolve = ["resolve", "reject", "resolve"] if rng.random() < shape.REJECT_SHARE else ["resolve"]
    return [*steps, *resolve, close]


def _detail_steps() -> list[str]:
    comments = ["agent", "customer", "internal"] * (shape.DETAIL_COMMENTS // 3)
    return [*comments[:10], "ask", *comments[10:25], "hold", *comments[25:]]


def _step(history: History, step: str, now: float, wait: float | None) -> bool:
    """One step of the story; False when the rest lies in the future."""
    rng, start = history.rng, history.start
    customer_channel = start.channel if start.channel == "email" else "portal"
    if step in ("agent", "customer", "internal"):
        history.comment(step)
    elif step == "ask":
        history.move("ask-info", "awaiting_info", start.agent)
        history.at += wait or rng.expovariate(1 / shape.CUSTOMER_WAIT)
        if history.at > now:
            return False
        history.comment("customer")  # the customer's answer reopens the case (comment_add's reply move)
        history.move("reply", "open", start.requester, channel=customer_channel)
    elif step == "hold":
        history.move("hold", "on_hold", start.agent)
        history.at += wait or rng.expovariate(1 / shape.HOLD_TIME)
        if history.at > now:
            return False
        history.move("resume", "open", start.agent)
    elif step == "resolve":
        history.move("resolve", "resolved", start.agent)
        history.resolved_at = history.at
    elif step == "reject":
        history.move("reject", "open", start.requester, channel=customer_channel, reason="Still not working.")
        history.reject_count += 1
        history.resolved_at = None
    else:
        return _close(history, step, now)
    return True


def _close(history: History, step: str, now: float) -> bool:
    start, resolved = history.start, history.resolved_at or history.at
    if step == "accept":
        history.at = resolved + history.rng.expovariate(1 / shape.ACCEPT_DELAY)
    elif step == "auto":
        history.at = resolved + shape.AUTO_CLOSE_DAYS * shape.DAY + history.rng.uniform(0, shape.HOUR)
    if history.at > now:
        return False
    if step == "auto":
        reason = f"No answer within {shape.AUTO_CLOSE_DAYS} days of the solution."
        history.move("auto-close", "closed", history.closer, channel="system", reason=reason)
        history.close_reason = "auto"
    else:
        action, history.close_reason = ("accept", "accepted") if step == "accept" else ("close", "withdrawn")
        history.move(
            action, "closed", start.requester, channel=start.channel if start.channel == "email" else "portal"
        )
    history.closed_at = history.at
    return True
