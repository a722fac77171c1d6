"""Editing a case's fields. Every changed field is an event with its old and new value."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from supportal.cases import policies, search
from supportal.cases.lifecycle import State
from supportal.cases.models import (
    Case,
    CaseType,
    Channel,
    EventKind,
    Level,
    Priority,
    RequestType,
    Visibility,
)
from supportal.cases.services import history
from supportal.cases.services.create import DESCRIPTION_MAX, REFERENCE_MAX, SUBJECT_MAX
from supportal.cases.services.extra_fields import clean_extra
from supportal.cases.services.priority import priority_for
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.markdown import check_markdown
from supportal.orgs.policies import Actor, is_agent

UNSET: Any = object()
CUSTOMER_FIELDS = {"reference", "urgency", "impact", "priority", "visibility"}
PRIORITY_FIELDS = ("urgency", "impact", "priority")


def case_update(
    *,
    actor: Actor,
    case: Case,
    channel: Channel | str,
    reason: str = "",
    subject: str = UNSET,
    description: str = UNSET,
    reference: str = UNSET,
    visibility: str = UNSET,
    config_item: Any = UNSET,
    case_type: CaseType = UNSET,
    request_type: RequestType | None = UNSET,
    extra: dict[str, Any] = UNSET,
    urgency: str = UNSET,
    impact: str = UNSET,
    priority: str = UNSET,
) -> Case:
    """Change the given fields. Customers may change the reference, urgency, impact and priority (with a
    reason) and, as requester, the visibility; agents everything. Closed cases do not change."""
    given = {k: v for k, v in locals().items() if k in _EDITABLE and v is not UNSET}
    if not given:
        return case
    _authorize(actor, case, given, reason)
    clean = _clean(case, given)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state == State.CLOSED:
            raise Conflict("This case is closed; nothing more may change.")
        if "request_type" in clean and clean["request_type"] is not None:
            clean.setdefault("case_type", clean["request_type"].case_type)
        if ("urgency" in clean or "impact" in clean) and "priority" not in clean:
            clean["priority"] = priority_for(
                clean.get("urgency", locked.urgency), clean.get("impact", locked.impact)
            )
        changed = {f: v for f, v in clean.items() if _raw(getattr(locked, f)) != _raw(v)}
        if not changed:
            return case
        old = {f: _raw(getattr(locked, f)) for f in changed}
        for field, value in changed.items():
            setattr(locked, field, value)
        history.touch(locked, *changed)
        if any(f in changed for f in PRIORITY_FIELDS):
            history.record(
                locked, EventKind.PRIORITY_CHANGED, actor=actor, channel=channel,
                data={"old": old.get("priority", locked.priority), "new": locked.priority,
                      "urgency": locked.urgency, "impact": locked.impact, "reason": reason.strip(),
                      "changes": {f: [old[f], _raw(changed[f])] for f in PRIORITY_FIELDS if f in changed}},
                publish_as="case.priority_changed",
            )  # fmt: skip
        for field in (f for f in changed if f not in PRIORITY_FIELDS):
            history.record(
                locked, EventKind.FIELD_CHANGED, actor=actor, channel=channel,
                data={"field": field, "old": old[field], "new": _raw(changed[field])},
                publish_as="case.updated",
            )  # fmt: skip
        if "subject" in changed or "description" in changed:
            search.index_case(locked)
    case.refresh_from_db()
    return case


_EDITABLE = {
    "subject", "description", "reference", "visibility", "config_item", "case_type", "request_type", "extra",
    "urgency", "impact", "priority",
}  # fmt: skip


def _authorize(actor: Actor, case: Case, given: dict[str, Any], reason: str) -> None:
    if is_agent(actor):
        return
    if not policies.can_act_as_customer(actor, case):
        raise Forbidden("You may not change this case.")
    refused = sorted(set(given) - CUSTOMER_FIELDS)
    if "visibility" in given and not policies.can_change_visibility(actor, case):
        refused.append("visibility")
    if refused:
        raise Forbidden(
            "Only the provider's agents may change that.",
            fields={f: ["Not yours to change."] for f in refused},
        )
    if any(f in given for f in PRIORITY_FIELDS) and not reason.strip():
        raise InvalidInput(
            "Say why the priority should change.", fields={"reason": ["A reason is required."]}
        )


def _clean(case: Case, given: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean = dict(given)
    if "subject" in given:
        clean["subject"] = " ".join(str(given["subject"]).split())
        if not clean["subject"] or len(clean["subject"]) > SUBJECT_MAX:
            errors["subject"] = [f"Between 1 and {SUBJECT_MAX} characters."]
    if "description" in given:
        if len(given["description"]) > DESCRIPTION_MAX:
            errors["description"] = [f"At most {DESCRIPTION_MAX} characters."]
        else:
            check_markdown(given["description"], field="description")
    if "reference" in given:
        clean["reference"] = str(given["reference"]).strip()
        if len(clean["reference"]) > REFERENCE_MAX:
            errors["reference"] = [f"At most {REFERENCE_MAX} characters."]
    for name in ("urgency", "impact"):
        if name in given and given[name] not in Level.values:
            errors[name] = ["Choose high, medium or low."]
    if "priority" in given and given["priority"] not in Priority.values:
        errors["priority"] = ["Choose P1, P2, P3 or P4."]
    if "visibility" in given and given["visibility"] not in Visibility.values:
        errors["visibility"] = ["Choose private or organization."]
    item = given.get("config_item")
    if item is not None and item is not UNSET and item.organisation_id != case.organisation_id:
        errors["config_item"] = ["No such configuration item in this organisation."]
    if errors:
        raise InvalidInput("The case was not changed.", fields=errors)
    if "extra" in given or "request_type" in given:
        request_type = given.get("request_type", case.request_type)
        clean["extra"] = clean_extra(
            request_type, given.get("extra", case.extra), organisation=case.organisation
        )
    return clean


def _raw(value: Any) -> Any:
    return history.json_value(value)
