"""The queue filters: the GET form of every queue page and saved view, its sort orders, and the narrowing.

The portal's case-list form (web/cases/lists_filters.py) is the base: its full text `q`, `status`
(repeatable; shown as "State"), case `type`, `priority`, `config_item` and `created_from`/`created_to`
(dates in the person's time zone) work the same here, through the same `narrowed`. The workspace adds
`organisation` (an id, chosen with the organisation picker), `request_type`, `team`, `assignee` (an
agent's id or `none` for unassigned), `channel` and `kind` (cases, orders or both), and its own sorts.
Invalid values are reported next to their field and left out; the valid ones apply.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from supportal.agent.queue_options import FilterOptions
from supportal.cases.models import Case, Channel, Kind
from supportal.orgs.policies import Actor
from supportal.web.cases import lists_filters
from supportal.web.cases.lists_filters import CaseFilterForm

# Sort key -> (label, keyset ordering); the last field is unique, as the cursor pagination requires.
# Each ordering has an index for every queue's predicate (see queues.py).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "priority": ("Priority, oldest first", ("priority", "created_at", "id")),
    "oldest": ("Oldest first", ("created_at", "id")),
    "activity": ("Last activity", ("-updated_at", "-id")),
    "newest": ("Newest", ("-created_at", "-id")),
}
UNASSIGNED = "none"
# The parameters a queue's filters take (what a saved view keeps); `cursor` is the page, not a filter.
FILTER_NAMES = (
    "q", "status", "organisation", "type", "request_type", "priority", "team", "assignee",
    "config_item", "channel", "kind", "created_from", "created_to", "sort",
)  # fmt: skip
MAX_ID = 2**63 - 1


def _id_choice(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None)


class QueueFilterForm(CaseFilterForm):
    # By id: organisations are too many to list; the page offers them with the organisation picker.
    organisation = forms.IntegerField(label="Organisation", required=False, min_value=1, max_value=MAX_ID)
    request_type = _id_choice("Request type")
    team = _id_choice("Team")
    assignee = forms.ChoiceField(label="Assignee", required=False)
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "Any channel"), *Channel.choices]
    )
    kind = forms.ChoiceField(
        label="Cases or orders",
        required=False,
        choices=[("", "Cases and orders"), (Kind.CASE, "Cases"), (Kind.ORDER, "Orders")],
    )

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(
            data,
            states=options.states,
            case_types=[(code, name) for _, code, name in options.case_types],
            requesters=None,
            config_items=None,
        )
        # By id: configuration items are too many to list; the case page links here with one.
        self.fields["config_item"] = forms.IntegerField(
            label="Configuration item",
            required=False,
            min_value=1,
            max_value=MAX_ID,
            help_text="The item's number (id).",
            widget=forms.NumberInput({"class": "form-control"}),
        )
        self.fields["status"].label = "State"
        self.fields["sort"].choices = [(key, label) for key, (label, _) in SORTS.items()]  # type: ignore[attr-defined]
        for name, rows, anything in (
            ("request_type", options.request_types, "Any request type"),
            ("team", options.teams, "Any team"),
        ):
            self.fields[name].choices = [("", anything), *[(str(k), v) for k, v in rows]]  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            (UNASSIGNED, "Unassigned"),
            *[(str(k), v) for k, v in options.agents],
        ]
        self.order_fields(FILTER_NAMES)


def filter_form(data: QueryDict, options: FilterOptions) -> QueueFilterForm:
    """The bound form, validated; `form.filters()` holds the valid filters."""
    form = QueueFilterForm(data, options=options)
    form.is_valid()
    return form


def sort_of(filters: dict[str, Any], default: str) -> str:
    return str(filters.get("sort") or default)


def narrowed(
    actor: Actor, cases: QuerySet[Case], filters: dict[str, Any], options: FilterOptions
) -> QuerySet[Case]:
    """`cases` with the valid `filters` applied (the portal's, then the workspace's own)."""
    cases = lists_filters.narrowed(actor, cases, filters, options.type_ids)
    for name, field in (
        ("organisation", "organisation_id"),
        ("request_type", "request_type_id"),
        ("team", "team_id"),
        ("channel", "channel"),
        ("kind", "kind"),
    ):
        if value := filters.get(name):
            cases = cases.filter(**{field: value})
    if assignee := filters.get("assignee"):
        if assignee == UNASSIGNED:
            cases = cases.filter(assignee__isnull=True)
        else:
            cases = cases.filter(assignee_id=int(assignee))
    return cases


def filter_query(data: QueryDict) -> QueryDict:
    """Only the filter parameters of `data` (no cursor, nothing else), e.g. what a saved view keeps."""
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        values = [v for v in data.getlist(name) if v != ""]
        if values:
            kept.setlist(name, values)
    return kept
