"""The demo's cases: the catalogue, the CMDB, routing rules and two dozen cases in every state, all made
through the services, so each case's history is exactly what the product would have recorded.

Each story opens its first case with the reference `DEMO-NN` and is skipped when that case exists, so
loading again writes nothing. This module holds the loader and the storytelling kit; the stories (from
the portal guides' scenarios) are in demo_stories/, the configuration in demo_catalogue.py.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseType, Channel, RequestType
from supportal.cases.services import case_assign, case_create, case_transition, comment_add
from supportal.cmdb.models import ConfigItem
from supportal.core.demo_catalogue import load_catalogue, load_cmdb, load_routing
from supportal.core.demo_timeline import spread_stories
from supportal.core.demo_workspace import load_demo_workspace
from supportal.core.files import CheckedFile, check_upload
from supportal.orgs.models import Organisation, Team

PEOPLE = {
    "erin": "erin@provider.example",
    "frank": "frank@provider.example",
    "grace": "grace@provider.example",
    "dana": "dana@provider.example",
    "hugo": "hugo@provider.example",
    "ivan": "ivan@provider.example",
    "jun": "jun@provider.example",
    "counter": "counter@crumbs.example",
    "alice": "alice@acme.example",
    "bob": "bob@acme.example",
    "carmen": "carmen@acme.example",
    "charlie": "charlie@globex.example",
    "priya": "priya@globex.example",
    "sam": "sam@globex.example",
}
ORGANISATIONS = {"crumbs": "Crumbs & Co. Bakery", "acme": "Acme Logistics", "globex": "Globex Bank"}
PORTAL, EMAIL, PHONE, ALERT = Channel.PORTAL, Channel.EMAIL, Channel.PHONE, Channel.ALERT


@dataclass
class Cast:
    """Everything a story needs, looked up once."""

    people: dict[str, User]
    organisations: dict[str, Organisation]
    items: dict[str, ConfigItem]
    request_types: dict[str, RequestType]
    teams: dict[str, Team]

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    def open(
        self,
        key: str,
        organisation: str,
        actor: str,
        subject: str,
        description: str,
        *,
        request_type: str | None = None,
        item: str | None = None,
        channel: Channel = PORTAL,
        **options: Any,
    ) -> Case:
        """`case_create` as `actor`, with `key` as the customer's reference (the demo's idempotency key)."""
        return case_create(
            actor=self[actor],
            organisation=self.organisations[organisation],
            subject=subject,
            description=description.strip(),
            channel=channel,
            reference=key,
            request_type=self.request_types[request_type] if request_type else None,
            config_item=self.items[item] if item else None,
            **options,
        )

    def item_id(self, name: str) -> int:
        return self.items[name].pk

    def case_type(self, code: str) -> CaseType:
        return CaseType.objects.get(code=code)

    def assign(self, case: Case, team: str, agent: str) -> None:
        """Grace, the Service Desk lead, hands the case to a team's agent (which opens a New case)."""
        case_assign(
            actor=self["grace"], case=case, channel=PORTAL, team=self.teams[team], assignee=self[agent]
        )


def say(
    case: Case,
    actor: User,
    body: str,
    *,
    public: bool = True,
    channel: Channel = PORTAL,
    files: Sequence[CheckedFile] = (),
) -> Case:
    """Add a comment; returns the case it landed on (a follow-up when `case` was closed)."""
    comment = comment_add(
        actor=actor, case=case, body=body.strip(), channel=channel, public=public, files=files
    )
    return comment.case


def move(
    case: Case,
    actor: User | None,
    action: Action,
    *,
    comment: str = "",
    reason: str = "",
    channel: Channel = PORTAL,
) -> Case:
    """A lifecycle move; `actor` None means the agent the routing rules assigned."""
    agent = actor or case.assignee
    assert agent is not None, f"{case.subject}: nobody to {action}"
    return case_transition(
        actor=agent, case=case, action=action, channel=channel, comment=comment.strip(), reason=reason
    )


def text_file(name: str, text: str) -> CheckedFile:
    return check_upload(name=name, stream=text.strip().encode() + b"\n")


def png_file(name: str, columns: Sequence[tuple[int, int, int]], height: int = 24) -> CheckedFile:
    """A real PNG: one coloured column of `height` pixels per entry (a tiny monitoring graph)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"".join(bytes(colour) for colour in columns)
    header = struct.pack(">IIBBBBB", len(columns), height, 8, 2, 0, 0, 0)
    image = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
    return check_upload(name=name, stream=image)


Story = Callable[[Cast, str], None]


def cast() -> Cast:
    """Load (or find) the configuration and the people; the demo's organisations must exist."""
    people = {name: User.objects.get(email=email) for name, email in PEOPLE.items()}
    request_types = load_catalogue()
    items = load_cmdb(admin=people["erin"], agent=people["grace"])
    load_routing(request_types)
    return Cast(
        people=people,
        organisations={k: Organisation.objects.get(name=v) for k, v in ORGANISATIONS.items()},
        items=items,
        request_types=request_types,
        teams={t.slug: t for t in Team.objects.all()},
    )


def load_demo_cases() -> int:
    """Add the catalogue, CMDB, routing rules, every story not there yet, and the workspace's macros and
    saved views; returns the stories added."""
    from supportal.core.demo_stories import STORIES  # it imports this module's kit

    started: list[datetime] = []  # when each story added now began
    with transaction.atomic():  # all or nothing, also when called on its own
        players = cast()
        from supportal.escalation.demo import load_demo_rotas

        load_demo_rotas()  # before the stories: their urgent incidents page the on-call engineer
        for key, organisation, story in STORIES:
            if Case.objects.filter(organisation=players.organisations[organisation], reference=key).exists():
                continue
            started.append(timezone.now())
            story(players, key)
        from supportal.catalog.demo import load_demo_catalog

        catalog_started = timezone.now()
        if load_demo_catalog():  # after the stories: the catalog items, the Change rule and the orders
            started.append(catalog_started)
        from supportal.core.demo_email import load_demo_email

        mail_started = timezone.now()
        if load_demo_email():  # mail through the real pipeline (skipped when delivered before)
            started.append(mail_started)
        from supportal.core.demo_alerts import load_demo_alerts

        alerts_started = timezone.now()
        if load_demo_alerts():  # Globex's Alertmanager through the alert webhook's service
            started.append(alerts_started)
        spread_stories(started)  # over the past days, so that nothing says "just now"
        from supportal.channels.chat.demo import load_demo_chats

        if load_demo_chats():  # after the spread: Globex's chats of this morning, one waiting now
            started.append(timezone.now())
        if started:
            from supportal.sla.demo import load_demo_sla

            load_demo_sla()  # clocks from the spread histories, two cases near their targets, a sweep
        load_demo_workspace()  # macros and saved views (each skipped when there)
    return len(started)
