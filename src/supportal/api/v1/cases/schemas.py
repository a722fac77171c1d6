"""The shapes of /api/v1/cases: what clients send (…In, …Patch, …Filters) and what they get back (…Out)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import field_validator

from supportal.api.v1.schemas import Id, Input, UserRef
from supportal.cases.lifecycle import State
from supportal.cases.models import Channel, CloseReason, Kind, Level, Priority, Visibility
from supportal.cases.services.comments import BODY_MAX
from supportal.cases.services.create import DESCRIPTION_MAX, REFERENCE_MAX, SUBJECT_MAX
from supportal.cases.services.transitions import REASON_MAX

CODE_MAX = 60  # case type codes and request type, team slugs
EMAIL_MAX = 254

# A person named in a request: their id, or their email address.
UserReference = Annotated[Id | str, Field(description="A user's id or email address.")]
_ASSIGNEE_FILTER = re.compile(r"^(me|none|[1-9][0-9]{0,18})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class CaseAction(StrEnum):
    """What `POST /cases/{number}/actions/{action}` does."""

    TAKE = "take"
    ASK_INFO = "ask-info"
    HOLD = "hold"
    RESUME = "resume"
    RESOLVE = "resolve"
    ACCEPT = "accept"
    REJECT = "reject"
    CLOSE = "close"
    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    ASSIGN = "assign"
    MERGE = "merge"
    LINK = "link"
    WORKAROUND = "workaround"


def in_utc(value: datetime | None) -> datetime | None:
    """A client's date and time in UTC (naive ones are taken as UTC): PostgreSQL refuses offsets beyond
    15:59, which ISO 8601 allows."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("Not a representable date and time.") from None


def _not_null(value: Any) -> Any:
    if value is None:  # left out means "unchanged"; null is not a value these fields take
        raise ValueError("Must not be null; leave the field out to keep it.")
    return value


# --- What clients send.


class CaseIn(Input):
    organization: Id | None = Field(
        None, description="The organization's id. Agents must give it; customers' own when left out."
    )
    requester: UserReference | None = Field(
        None,
        description="Whom the case is for (agents and integrations only): a user of the organization, "
        "by id or email. Left out: the caller, or the organization's virtual user for agents.",
    )
    type: str | None = Field(None, max_length=CODE_MAX, description="A case type's code, e.g. `incident`.")
    request_type: str | None = Field(
        None, max_length=CODE_MAX, description="A request type's slug; sets the type and the form."
    )
    subject: str = Field(min_length=1, max_length=SUBJECT_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX, description="Markdown.")
    urgency: Level | None = None
    impact: Level | None = None
    reference: str = Field("", max_length=REFERENCE_MAX, description="The customer's own reference.")
    visibility: Visibility = Visibility.PRIVATE
    config_item: Id | None = Field(None, description="The affected configuration item's id.")
    watchers: list[UserReference] = Field(
        default_factory=list, max_length=50, description="Users (ids or emails) or plain email addresses."
    )
    extra: dict[str, Any] = Field(default_factory=dict, description="The request type's form values by key.")
    requester_name: str = Field("", max_length=200, description="Who is writing, on a shared login.")
    filed_reason: str = Field("", max_length=300, description='Why filed for someone else ("by phone").')


class CasePatch(Input):
    """Only the fields sent change. Customers may change `reference`, `urgency`, `impact` and `priority`
    (with a `reason`) and, as requester, `visibility`; agents everything."""

    subject: str | None = Field(None, min_length=1, max_length=SUBJECT_MAX)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)
    reference: str | None = Field(None, max_length=REFERENCE_MAX)
    visibility: Visibility | None = None
    urgency: Level | None = None
    impact: Level | None = None
    priority: Priority | None = None
    type: str | None = Field(None, max_length=CODE_MAX, description="A case type's code.")
    request_type: str | None = Field(None, max_length=CODE_MAX, description="A request type's slug, or null.")
    config_item: Id | None = Field(None, description="A configuration item's id, or null for none.")
    extra: dict[str, Any] | None = None
    reason: str = Field("", max_length=REASON_MAX, description="Why (required for priority changes).")
    team: str | None = Field(None, max_length=CODE_MAX, description="Give the case to this team (slug).")
    assignee: UserReference | None = Field(None, description="Give the case to this agent (id or email).")

    @field_validator(
        "subject", "description", "reference", "visibility", "urgency", "impact", "priority", "type",
        "extra", "reason", mode="before",
    )  # fmt: skip
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return _not_null(value)


class CaseFilters(Input):
    state: list[State] | None = Field(None, description="Any of these states.")
    priority: list[Priority] | None = Field(None, description="Any of these priorities.")
    type: str | None = Field(None, max_length=CODE_MAX, description="A case type's code.")
    kind: Kind | None = None
    organization: Id | None = None
    assignee: str | None = Field(
        None, max_length=19, description="An agent's id, `me` for the caller, `none` for unassigned."
    )
    team: str | None = Field(None, max_length=CODE_MAX, description="A team's slug.")
    requester: Id | None = None
    updated_after: datetime | None = Field(None, description="Changed after this moment (ISO 8601).")
    scope: str | None = Field(
        None,
        pattern="^(mine|organization)$",
        description="`mine`: cases the caller requested or watches; `organization`: all they may see.",
    )
    q: str | None = Field(None, max_length=200, description="Words from the subject, description, comments.")

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _ASSIGNEE_FILTER.match(value) or (value.isdigit() and int(value) >= 2**63):
            raise ValueError("An agent's id, `me` or `none`.")
        return value

    @field_validator("updated_after", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        """pydantic also reads a number as seconds since 1970; the document promises ISO 8601 only."""
        if isinstance(value, str) and not _ISO_DATE.match(value):
            raise ValueError("An ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.")
        return value

    @field_validator("updated_after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return in_utc(value)


class CommentIn(Input):
    body: str = Field("", max_length=BODY_MAX, description="Markdown. May be empty when files come along.")
    public: bool = Field(True, description="False for an internal note (agents only).")


class ActionIn(Input):
    """Every action takes `comment` (a public reply added with it); the rest depends on the action."""

    comment: str = Field("", max_length=BODY_MAX, description="A public reply added with the move.")
    reason: str = Field("", max_length=REASON_MAX, description="Why: required for reject and escalate.")
    on_behalf_of: Id | None = Field(None, description="Agents: act for this customer (their id).")
    assignee: UserReference | None = Field(None, description="assign: the agent (id or email).")
    team: str | None = Field(None, max_length=CODE_MAX, description="assign: the team's slug.")
    round_robin: bool = Field(False, description="assign: the team's next agent in turn.")
    into: str | None = Field(None, max_length=10, description="merge: the number of the case to keep.")
    case: str | None = Field(None, max_length=10, description="link: the number of the related case.")


class WatcherIn(Input):
    email: str | None = Field(None, max_length=EMAIL_MAX, description="An email address (a user's or not).")
    user: Id | None = Field(None, description="A user's id.")


# --- What clients get back.


class OrganizationRef(Schema):
    id: int
    name: str


class TeamRef(Schema):
    slug: str
    name: str


class ConfigItemRef(Schema):
    id: int
    name: str


class WatcherOut(Schema):
    email: str
    user: UserRef | None = Field(description="The user with this address, if there is one.")


class LinkOut(Schema):
    kind: str = Field(
        description="related, follow_up (this case follows up `case`), followed_up_by, duplicate "
        "(merged into `case`) or merged_from."
    )
    case: str = Field(description="The other case's number.")


class SlaClockOut(Schema):
    metric: str = Field(description="response, workaround or resolution.")
    status: str = Field(description="running, paused, met or breached.")
    target: str = Field(description='The target in force, as configured: "4 h", "5 days".')
    calendar: str = Field(description='The name of its calendar: "24/7", or business hours.')
    due_at: datetime | None = Field(description="When it is (or was) due; null while paused before then.")
    remaining_seconds: int = Field(description="Business time left; negative once overdue.")
    warning: bool = Field(description="Running or paused, and past the warning share of the target.")
    started_at: datetime
    stopped_at: datetime | None = Field(description="When it was met (or stopped late).")


class CaseOut(Schema):
    number: str
    version: str = Field(
        description="Changes with every change to the case; the ETag without its quotes. Send it as "
        "If-Match (quoted or not) on PATCH to change the case only if nobody changed it since."
    )
    kind: Kind
    type: str = Field(description="The case type's code.")
    request_type: str | None = Field(description="The request type's slug.")
    subject: str
    description: str = Field(description="Markdown, as written.")
    description_html: str = Field(description="The description rendered to safe HTML.")
    state: State
    state_label: str = Field(description="The state's display name (configurable).")
    urgency: Level
    impact: Level
    priority: Priority
    organization: OrganizationRef
    requester: UserRef
    requester_name: str
    filed_by: UserRef | None = Field(description="Who filed it, when not the requester.")
    filed_reason: str
    visibility: Visibility
    reference: str
    watchers: list[WatcherOut]
    config_item: ConfigItemRef | None
    team: TeamRef | None
    assignee: UserRef | None
    escalation_level: int
    channel: Channel
    extra: dict[str, Any]
    reject_count: int
    close_reason: CloseReason | None
    merged_into: str | None = Field(description="The number of the case this one was merged into.")
    links: list[LinkOut]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    sla: list[SlaClockOut] = Field(description="The SLA clocks: targets, due times and time left.")
    actions: list[str] = Field(description="The lifecycle actions the caller may perform now.")


class AttachmentOut(Schema):
    id: int
    case: str = Field(description="The case's number.")
    comment: int | None = Field(description="The comment it came with, if any.")
    filename: str
    content_type: str = Field(description="Sniffed from the bytes, not the uploader's claim.")
    size: int
    sha256: str
    public: bool
    uploaded_by: UserRef | None
    channel: Channel
    created_at: datetime
    content_url: str = Field(description="Where to download it (this API).")


class CommentOut(Schema):
    id: int
    case: str = Field(
        description="The case's number. A customer's reply to a Closed case opens a follow-up case: "
        "then this is the follow-up's number."
    )
    author: UserRef | None
    author_label: str
    on_behalf_of: UserRef | None
    body: str = Field(description="Markdown, as written.")
    body_html: str
    public: bool
    channel: Channel
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(Schema):
    id: int
    kind: str
    actor: UserRef | None
    actor_label: str
    on_behalf_of: UserRef | None
    channel: Channel
    public: bool
    data: dict[str, Any]
    at: datetime
