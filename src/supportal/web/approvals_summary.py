"""What an approver reads before deciding: the item, subject, description, the form's answers, the
requester and the date, for a page of cases at once (a fixed number of queries, however many).

The approvals list and the signed link (/approvals/<token>/) show it, so an approver can read what they
approve even when the case is private to its requester and its page is closed to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils.safestring import SafeString

from supportal.accounts.models import User
from supportal.cases.models import Case, ExtraField, FieldKind
from supportal.catalog.models import Decision
from supportal.cmdb.models import ConfigItem
from supportal.core.markdown import render_markdown


@dataclass
class Summary:
    case: Case
    item: str
    what: str  # "order" or "change"
    requester: str
    requested_at: datetime
    description: SafeString | str
    required: int
    approvals: int
    answers: list[tuple[str, str]] = field(default_factory=list)


def with_summary_parts(cases: Any) -> Any:
    """`cases` (a queryset) with what a summary shows loaded in the same query."""
    return cases.select_related("request_type", "requester", "approval_requirement").annotate(
        approvals_given=Count(
            "approval_requirement__decisions",
            filter=Q(approval_requirement__decisions__decision=Decision.APPROVE),
        )
    )


def summaries(cases: list[Case]) -> list[Summary]:
    """Summaries of `cases` loaded through `with_summary_parts` (or single cases: see `summary_of`)."""
    type_ids = {c.request_type_id for c in cases if c.request_type_id is not None and c.extra}
    fields: dict[int, list[ExtraField]] = {}
    if type_ids:
        for extra_field in ExtraField.objects.filter(request_type_id__in=type_ids).order_by("position", "id"):
            fields.setdefault(extra_field.request_type_id, []).append(extra_field)
    user_ids: set[int] = set()
    item_ids: set[tuple[int, int]] = set()
    for case in cases:
        for f in fields.get(case.request_type_id or 0, []):
            value = case.extra.get(f.key)
            if _is_id(value) and f.kind == FieldKind.USER:
                user_ids.add(value)
            elif _is_id(value) and f.kind == FieldKind.CONFIG_ITEM:
                item_ids.add((value, case.organisation_id))
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    items: dict[tuple[int, int], str] = {}
    if item_ids:
        found = ConfigItem.objects.filter(pk__in={pk for pk, _ in item_ids})
        items = {(pk, org): name for pk, org, name in found.values_list("pk", "organisation_id", "name")}
    return [_summary(case, fields.get(case.request_type_id or 0, []), users, items) for case in cases]


def summary_of(case: Case) -> Summary:
    return summaries([with_summary_parts(Case.objects.filter(pk=case.pk)).get()])[0]


def _summary(
    case: Case, fields: list[ExtraField], users: dict[int, str], items: dict[tuple[int, int], str]
) -> Summary:
    requirement = getattr(case, "approval_requirement", None)
    answers: list[tuple[str, str]] = []
    for extra_field in fields:
        value = case.extra.get(extra_field.key)
        if value is None or value in ("", []):
            continue
        if extra_field.kind == FieldKind.USER and _is_id(value):
            shown = users.get(value) or f"User {value}"
        elif extra_field.kind == FieldKind.CONFIG_ITEM and _is_id(value):
            shown = items.get((value, case.organisation_id), f"Item {value}")
        elif isinstance(value, list):
            shown = ", ".join(map(str, value))
        else:
            shown = str(value)
        answers.append((extra_field.label, shown))
    return Summary(
        case=case,
        item=case.request_type.name if case.request_type else "",
        what="order" if case.kind == "order" else "change",
        requester=case.requester_name or case.requester.display_name,
        requested_at=requirement.requested_at if requirement else case.created_at,
        description=render_markdown(case.description) if case.description.strip() else "",
        required=requirement.required if requirement else 0,
        approvals=int(getattr(case, "approvals_given", 0)),
        answers=answers,
    )


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
