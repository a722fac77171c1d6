"""The case page's activity history: the events, comments and files a person may see, loaded in a fixed
number of queries and turned into entries that read as sentences ("Dana changed the state from Open to
Resolved")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from supportal.cases import selectors
from supportal.cases.models import Case, CaseEvent, Channel, Comment, EventKind, Priority
from supportal.cases.models import Visibility as CaseVisibility
from supportal.core.files import human_size
from supportal.core.markdown import render_markdown
from supportal.orgs.policies import Actor

FIELD_NAMES = {
    "subject": "subject",
    "description": "description",
    "reference": "reference",
    "visibility": "visibility",
    "config_item": "configuration item",
    "case_type": "case type",
    "request_type": "request type",
    "extra": "form fields",
}
TEXT_FIELDS = frozenset({"subject", "reference"})
LEVEL_NAMES = {"high": "High", "medium": "Medium", "low": "Low"}


@dataclass(frozen=True)
class FileLink:
    id: int
    filename: str
    size: str
    url: str
    internal: bool


@dataclass
class Entry:
    """One line of the history; `text` follows the actor's name and ends before `case_number`."""

    anchor: str
    kind: str
    at: datetime
    actor: str
    text: str
    on_behalf_of: str = ""
    channel: str = ""
    internal: bool = False
    reason: str = ""
    body: SafeString | None = None
    files: list[FileLink] = field(default_factory=list)
    case_number: str = ""
    original_url: str = ""  # agents only: the email this came in as


@dataclass
class Activity:
    """What the page shows of a case's activity, and the ids other parts of the page need named."""

    entries: list[Entry]
    files: list[FileLink]


def load_events(actor: Actor, case: Case) -> list[CaseEvent]:
    return list(selectors.events_visible_to(actor, case).select_related("on_behalf_of").order_by("id"))


def user_ids_named(events: Iterable[CaseEvent]) -> set[int]:
    """The users assignment events name (their names are fetched once for the whole page)."""
    ids: set[int] = set()
    for event in events:
        if event.kind == EventKind.ASSIGNED:
            ids.update(v for v in (event.data.get("old"), event.data.get("new")) if isinstance(v, int))
    return ids


def team_ids_named(events: Iterable[CaseEvent]) -> set[int]:
    ids: set[int] = set()
    for event in events:
        if event.kind == EventKind.ASSIGNED:
            ids.update(v for v in (event.data.get("old_team"), event.data.get("team")) if isinstance(v, int))
    return ids


def build_activity(
    *,
    actor: Actor,
    case: Case,
    events: list[CaseEvent],
    state_labels: dict[str, str],
    user_names: dict[int, str],
    team_names: dict[int, str],
) -> Activity:
    """Comments and files in two queries, then one entry per event (and per comment without one)."""
    comments = {
        c.pk: c
        for c in selectors.comments_visible_to(actor, case).select_related("on_behalf_of").order_by("id")
    }
    by_comment: dict[int | None, list[FileLink]] = defaultdict(list)
    all_files: list[FileLink] = []
    for attachment in selectors.attachments_visible_to(actor, case).order_by("id"):
        link = FileLink(
            id=attachment.pk,
            filename=attachment.filename,
            size=human_size(attachment.size),
            url=reverse("web:case-attachment", args=[case.number, attachment.pk]),
            internal=not attachment.public,
        )
        by_comment[attachment.comment_id].append(link)
        all_files.append(link)
    files_by_id = {f.id: f for f in all_files}
    writer = _Writer(state_labels, user_names, team_names)
    entries: list[Entry] = []
    shown: set[int] = set()
    for event in events:
        entry = writer.entry(event)
        if event.kind == EventKind.COMMENTED:
            comment = comments.get(event.data.get("comment", 0))
            if comment is None:
                continue
            shown.add(comment.pk)
            _fill_comment(entry, comment, by_comment[comment.pk])
        elif event.kind == EventKind.ATTACHMENT_ADDED:
            file = files_by_id.get(event.data.get("attachment", 0))
            if file is None:
                continue
            entry.files = [file]
        entries.append(entry)
    for comment in comments.values():  # older data could hold a comment without its event
        if comment.pk not in shown:
            entry = Entry(f"comment-{comment.pk}", "commented", comment.created_at, comment.author_label, "")
            _fill_comment(entry, comment, by_comment[comment.pk])
            entries.append(entry)
    entries.sort(key=lambda e: e.at)
    return Activity(entries=entries, files=all_files)


def _fill_comment(entry: Entry, comment: Comment, files: list[FileLink]) -> None:
    entry.anchor = f"comment-{comment.pk}"
    entry.internal = not comment.public
    entry.text = "added an internal note" if entry.internal else "wrote"
    entry.body = render_markdown(comment.body)
    entry.files = files
    if comment.on_behalf_of is not None:
        entry.on_behalf_of = comment.on_behalf_of.display_name


class _Writer:
    """Turns one event into an entry: its sentence, reason and any case it names."""

    def __init__(
        self, state_labels: dict[str, str], user_names: dict[int, str], team_names: dict[int, str]
    ) -> None:
        self.states = state_labels
        self.users = user_names
        self.teams = team_names

    def entry(self, event: CaseEvent) -> Entry:
        data = event.data or {}
        entry = Entry(
            anchor=f"event-{event.pk}",
            kind=event.kind,
            at=event.at,
            actor=event.actor_label,
            text="",
            on_behalf_of=event.on_behalf_of.display_name if event.on_behalf_of is not None else "",
            channel="" if event.channel == Channel.PORTAL else Channel(event.channel).label,
            internal=not event.public,
            reason=str(data.get("reason") or ""),
        )
        method = getattr(self, f"_{event.kind}", None)
        entry.text = method(data, entry) if method is not None else str(EventKind(event.kind).label).lower()
        return entry

    def _state(self, value: Any) -> str:
        return self.states.get(str(value), str(value))

    def _created(self, data: dict[str, Any], entry: Entry) -> str:
        name = str(data.get("requester_name") or "")
        return f"opened the case (for {name})" if name else "opened the case"

    def _commented(self, data: dict[str, Any], entry: Entry) -> str:
        return "wrote"

    def _state_changed(self, data: dict[str, Any], entry: Entry) -> str:
        moved = f"changed the state from {self._state(data.get('old'))} to {self._state(data.get('new'))}"
        why = CATALOG_MOVES.get(str(data.get("action")))
        return f"{moved}: {why}" if why else moved

    def _priority_changed(self, data: dict[str, Any], entry: Entry) -> str:
        old, new = data.get("old"), data.get("new")
        text = (
            f"changed the priority from {_priority(old)} to {_priority(new)}"
            if old != new
            else f"kept the priority at {_priority(new)}"
        )
        changes = data.get("changes") or {}
        details = [
            f"{name} {LEVEL_NAMES.get(str(pair[1]), pair[1])}"
            for name, pair in sorted(changes.items())
            if name in ("urgency", "impact") and isinstance(pair, list) and len(pair) == 2
        ]
        return f"{text} ({', '.join(details)})" if details else text

    def _field_changed(self, data: dict[str, Any], entry: Entry) -> str:
        name = str(data.get("field", ""))
        label = FIELD_NAMES.get(name, name.replace("_", " "))
        if name in TEXT_FIELDS:
            old, new = data.get("old") or "", data.get("new") or ""
            if not new:
                return f"cleared the {label} (was “{old}”)"
            return f"changed the {label} from “{old}” to “{new}”" if old else f"set the {label} to “{new}”"
        if name == "visibility":
            return f"changed the visibility to {_visibility(data.get('new'))}"
        return f"changed the {label}"

    def _assigned(self, data: dict[str, Any], entry: Entry) -> str:
        new, team = data.get("new"), data.get("team")
        if isinstance(new, int):
            who = self.users.get(new, "an engineer")
            return f"assigned the case to {who}" + (f" ({self.teams[team]})" if team in self.teams else "")
        if isinstance(team, int):
            return f"passed the case to the team {self.teams.get(team, 'another team')}"
        return "unassigned the case"

    def _watcher_added(self, data: dict[str, Any], entry: Entry) -> str:
        return f"added {data.get('email', 'someone')} to the watchlist"

    def _watcher_removed(self, data: dict[str, Any], entry: Entry) -> str:
        return f"removed {data.get('email', 'someone')} from the watchlist"

    def _attachment_added(self, data: dict[str, Any], entry: Entry) -> str:
        return "added a file"

    def _linked(self, data: dict[str, Any], entry: Entry) -> str:
        entry.case_number = str(data.get("case", ""))
        kind = data.get("kind")
        if kind == "followed_up_by":
            return "replied after the case was closed. Follow-up:"
        if kind == "follow_up":
            return "opened this case as a follow-up of"
        return "linked this case to"

    def _merged(self, data: dict[str, Any], entry: Entry) -> str:
        if data.get("into"):
            entry.case_number = str(data["into"])
            return "merged this case into"
        entry.case_number = str(data.get("from", ""))
        return "merged into this case the duplicate"

    def _escalated(self, data: dict[str, Any], entry: Entry) -> str:
        name = f" ({data['level_name']})" if data.get("level_name") else ""
        return f"escalated the case to level {data.get('new')}{name}"

    def _deescalated(self, data: dict[str, Any], entry: Entry) -> str:
        name = f" ({data['level_name']})" if data.get("level_name") else ""
        return f"de-escalated the case to level {data.get('new')}{name}"

    def _alert(self, data: dict[str, Any], entry: Entry) -> str:
        """A monitoring alert fired again or recovered (channels/alerts); counts since the last entry."""
        name = f"“{data['alertname']}”" if data.get("alertname") else "the alert"
        count = f"{data.get('count', 1)} firing notifications"
        flaps = f", {data['flaps']} flaps" if data.get("flaps") else ""
        if data.get("status") == "resolved":
            left_open = "; flapping, so the case stays open" if data.get("flapping") else ""
            return f"reported that {name} recovered ({count}{flaps}){left_open}"
        return f"reported that {name} is firing again ({count}{flaps})"

    def _workaround(self, data: dict[str, Any], entry: Entry) -> str:
        return "gave a workaround"

    def _sla_warning(self, data: dict[str, Any], entry: Entry) -> str:
        return f"warned that the {_sla_target(data)} target is due soon"

    def _sla_breached(self, data: dict[str, Any], entry: Entry) -> str:
        return f"recorded that the {_sla_target(data)} target was missed"

    def _paged(self, data: dict[str, Any], entry: Entry) -> str:
        who = PAGED_ROLES.get(str(data.get("role")), "on-call")
        person, team, step = data.get("person", "someone"), data.get("team", "on call"), data.get("step", 1)
        return f"paged {who}, {person} ({team}, page {step})"

    def _page_acknowledged(self, data: dict[str, Any], entry: Entry) -> str:
        minutes = int(data.get("after_seconds") or 0) // 60
        return f"acknowledged the page after {minutes} min and is on it"

    def _approval(self, data: dict[str, Any], entry: Entry) -> str:
        comment = f": “{data['comment']}”" if data.get("comment") else ""
        if data.get("decision") == "reject":
            return f"rejected it{comment}"
        return f"approved it ({data.get('approvals', 1)} of {data.get('required', 1)}){comment}"

    def _task_done(self, data: dict[str, Any], entry: Entry) -> str:
        verb = "marked “{}” as not needed" if data.get("skipped") else "completed “{}”"
        left = int(data.get("remaining") or 0)
        return verb.format(data.get("name", "a task")) + (f" ({left} to go)" if left else " (the last step)")

    def _page_unanswered(self, data: dict[str, Any], entry: Entry) -> str:
        return f"could not reach anyone on call: {data.get('reason', 'nobody acknowledged')}"

    def _chat(self, data: dict[str, Any], entry: Entry) -> str:
        """A live chat's lines copied onto the case (channels/chat/services/transcript.py)."""
        lines = [line for line in data.get("lines") or [] if isinstance(line, dict)]
        entry.body = _transcript(lines, truncated=bool(data.get("truncated")))
        return f"attached the chat transcript ({len(lines)} message{'' if len(lines) == 1 else 's'})"


CATALOG_MOVES = {
    "await-approval": "it waits for approval",
    "approve": "approved, so it can be done",
    "decline": "rejected by an approver",
    "fulfil": "every fulfilment step is done",
}
PAGED_ROLES = {
    "on_call": "the on-call engineer",
    "next": "the next person on the rota",
    "lead": "the team lead",
}


def _priority(value: Any) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


def _visibility(value: Any) -> str:
    return str(CaseVisibility(value).label).lower() if value in CaseVisibility.values else str(value)


def _sla_target(data: dict[str, Any]) -> str:
    names = {"response": "first response", "workaround": "workaround", "resolution": "resolution"}
    return names.get(str(data.get("metric")), "SLA")


def _transcript(lines: list[dict[str, Any]], *, truncated: bool) -> SafeString:
    """One "HH:MM Author: text" line per message, in the reader's time zone; every value escaped."""
    rows = format_html_join(
        "",
        '<li class="{}" data-testid="chat-line"><time datetime="{}">{}</time> <strong>{}:</strong> {}{}</li>',
        (
            (
                "text-muted" if line.get("kind") == "event" else "",
                str(line.get("at", "")),
                _clock_time(line.get("at")),
                str(line.get("author", "")),
                linebreaksbr(str(line.get("body", "")), autoescape=True),
                _file_note(line.get("file")),
            )
            for line in lines
        ),
    )
    more = format_html('<p class="small text-muted mb-0">{}</p>', "(truncated)") if truncated else ""
    return format_html('<ol class="list-unstyled mb-0" data-testid="chat-transcript">{}</ol>{}', rows, more)


def _file_note(name: Any) -> SafeString | str:
    return format_html(' <span class="text-muted">(file: {})</span>', name) if name else ""


def _clock_time(value: Any) -> str:
    moment = parse_datetime(str(value or ""))
    if moment is None or timezone.is_naive(moment):
        return ""
    return timezone.localtime(moment).strftime("%H:%M")
