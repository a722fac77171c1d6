"""The context column beside a case: the organisation (plan, account status, CSM, escalation matrix),
the pages sent for it (on-call paging), the requester's other open cases and the configuration item with
its recent cases.

A fixed number of small queries, each bounded (at most `RECENT` cases, `LEVELS` levels), whatever the
organisation's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from supportal.cases import selectors
from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.cases.services.escalation import DEFAULT_LEVELS
from supportal.cmdb.models import ConfigItem
from supportal.escalation.models import Page
from supportal.escalation.selectors import pages_of_case
from supportal.orgs.models import EscalationContact, EscalationLevel, Organisation
from supportal.orgs.policies import Actor

RECENT = 5
LEVELS = 10


@dataclass(frozen=True)
class CaseLine:
    number: str
    subject: str
    state: str
    priority: str
    updated_at: Any


@dataclass(frozen=True)
class Attribute:
    label: str
    value: str


@dataclass
class ItemContext:
    item: ConfigItem
    type_name: str
    attributes: list[Attribute]
    recent: list[CaseLine]


@dataclass
class CaseContext:
    organisation: Organisation
    levels: list[EscalationLevel]
    requester_open: list[CaseLine]
    item: ItemContext | None
    pages: list[Page]  # the on-call pages of the case, oldest first


def case_context(actor: Actor, case: Case, labels: dict[str, str]) -> CaseContext:
    organisation = Organisation.objects.select_related("plan", "csm").get(pk=case.organisation_id)
    contacts = Prefetch("contacts", queryset=EscalationContact.objects.order_by("position", "id"))
    levels = list(
        EscalationLevel.objects.filter(organisation_id=case.organisation_id)
        .prefetch_related(contacts)
        .order_by("level")[:LEVELS]
    )
    visible = selectors.cases_visible_to(actor).exclude(pk=case.pk)
    requester_open = visible.filter(requester_id=case.requester_id).exclude(state=State.CLOSED)
    return CaseContext(
        organisation=organisation,
        levels=levels,
        requester_open=_lines(requester_open.order_by("-updated_at", "-id"), labels),
        item=_item_context(visible, case, labels),
        pages=list(pages_of_case(case.pk)),
    )


def _item_context(visible: Any, case: Case, labels: dict[str, str]) -> ItemContext | None:
    if case.config_item_id is None:
        return None
    item = ConfigItem.objects.select_related("item_type").get(pk=case.config_item_id)
    definitions = item.item_type.attributes if isinstance(item.item_type.attributes, list) else []
    attributes = []
    for definition in definitions:
        key = definition.get("key") if isinstance(definition, dict) else None
        value = item.attributes.get(key) if key and isinstance(item.attributes, dict) else None
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        attributes.append(Attribute(str(definition.get("label") or key), str(value)))
    recent = visible.filter(config_item_id=item.pk).order_by("-created_at", "-id")
    return ItemContext(item, item.item_type.name, attributes, _lines(recent, labels))


def _lines(cases: Any, labels: dict[str, str]) -> list[CaseLine]:
    rows = cases.values_list("number", "subject", "state", "priority", "updated_at")[:RECENT]
    return [CaseLine(n, s, labels.get(state, state), p, at) for n, s, state, p, at in rows]


def top_level(case: Case, around: CaseContext) -> int:
    """The highest escalation level of the case's organisation, as `case_escalate` counts it (asking the
    database only when the matrix has more levels than the column shows)."""
    if len(around.levels) < LEVELS:
        return len(around.levels) or DEFAULT_LEVELS
    return EscalationLevel.objects.filter(organisation_id=case.organisation_id).count()
