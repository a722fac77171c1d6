"""The case lists' filters: the GET form of /cases/ and /orders/, and the queryset it narrows.

Parameters: `q` (full text), `status` (repeatable), `type` (a case type's code), `priority`,
`requester` and `config_item` (ids from the form's options), `created_from`/`created_to` (dates in the
person's time zone) and `sort` (see SORTS). Invalid values show a message next to their field and are
left out of the query; the valid ones still apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases import search
from supportal.cases.models import Case, Priority
from supportal.cmdb.selectors import config_items_visible_to
from supportal.orgs.policies import Actor, is_agent, organisation_id_of

# Sort key -> (label, keyset ordering). The last field is unique, as the cursor pagination requires.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "updated": ("Last activity", ("-updated_at", "-id")),
    "created": ("Newest first", ("-created_at", "-id")),
    "priority": ("Priority", ("priority", "-updated_at", "-id")),
}
DEFAULT_SORT = "updated"
# The requester and configuration item pickers list at most this many options.
MAX_OPTIONS = 500
EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)

Options = Sequence[tuple[Any, str]]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label="Search", max_length=200, required=False, widget=forms.TextInput({"type": "search"})
    )
    status = forms.MultipleChoiceField(label="Status", required=False, widget=forms.CheckboxSelectMultiple)
    type = forms.ChoiceField(label="Type", required=False)
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any priority"), *Priority.choices]
    )
    requester = forms.TypedChoiceField(label="Requester", required=False, coerce=int, empty_value=None)
    config_item = forms.TypedChoiceField(
        label="Configuration item", required=False, coerce=int, empty_value=None
    )
    created_from = forms.DateField(
        label="Created from", required=False, widget=forms.DateInput({"type": "date"})
    )
    created_to = forms.DateField(
        label="Created until", required=False, widget=forms.DateInput({"type": "date"})
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )

    def __init__(
        self,
        data: Any,
        *,
        states: Options,
        case_types: Options,
        requesters: Options | None,
        config_items: Options | None,
    ) -> None:
        """`requesters` / `config_items`: the pickers' options; None leaves the filter out."""
        super().__init__(data)
        self.fields["status"].choices = list(states)  # type: ignore[attr-defined]
        self.fields["type"].choices = [("", "Any type"), *case_types]  # type: ignore[attr-defined]
        for name, options, anyone in (
            ("requester", requesters, "Anyone"),
            ("config_item", config_items, "Any item"),
        ):
            if options is None:
                del self.fields[name]
            else:
                self.fields[name].choices = [("", anyone), *[(str(k), v) for k, v in options]]  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = {forms.Select: "form-select", forms.CheckboxSelectMultiple: "form-check-input"}
            field.widget.attrs["class"] = css.get(type(field.widget), "form-control")

    def full_clean(self) -> None:
        """Validate, then mark the invalid fields for Bootstrap and assistive technology."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"

    def clean_created_from(self) -> date | None:
        return _in_range(self.cleaned_data.get("created_from"))

    def clean_created_to(self) -> date | None:
        return _in_range(self.cleaned_data.get("created_to"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "Must not be before the “Created from” date.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters (call after is_valid()), without empty ones."""
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", [])}


def _in_range(value: date | None) -> date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError("Enter a date between 1900 and 9998.")
    return value


def narrowed(
    actor: Actor, cases: QuerySet[Case], filters: dict[str, Any], type_ids: dict[str, int]
) -> QuerySet[Case]:
    """`cases` with the form's valid `filters` applied; `type_ids` maps case type codes to ids."""
    if statuses := filters.get("status"):
        cases = cases.filter(state__in=statuses)
    if code := filters.get("type"):
        cases = cases.filter(case_type_id=type_ids[code])
    if priority := filters.get("priority"):
        cases = cases.filter(priority=priority)
    if requester := filters.get("requester"):
        cases = cases.filter(requester_id=requester)
    if item := filters.get("config_item"):
        cases = cases.filter(config_item_id=item)
    if start := filters.get("created_from"):
        cases = cases.filter(created_at__gte=_midnight(start))
    if end := filters.get("created_to"):
        cases = cases.filter(created_at__lt=_midnight(end + timedelta(days=1)))
    if (q := filters.get("q")) and q.strip():
        cases = search.matching(cases, q, include_internal=is_agent(actor))
    return cases


def _midnight(day: date) -> datetime:
    """The start of `day` in the active (the person's) time zone."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def requester_options(actor: Actor, *, organisation_scope: bool) -> list[tuple[int, str]] | None:
    """Whom the requester filter offers: the organisation's people on its list, the actor on their own."""
    if is_agent(actor):
        return None
    if not organisation_scope:
        return [(actor.pk or 0, "Me")]
    own = organisation_id_of(actor)
    people = (
        User.objects.filter(membership__organisation_id=own or 0)
        .order_by("name", "email", "id")
        .only("id", "name", "email")[:MAX_OPTIONS]
    )
    return [(person.pk, person.display_name) for person in people]


def config_item_options(actor: Actor) -> list[tuple[int, str]] | None:
    """The organisation's configuration items (by name); None for agents, who see every organisation."""
    if is_agent(actor):
        return None
    items = config_items_visible_to(actor).order_by("name", "id").values_list("id", "name")[:MAX_OPTIONS]
    return list(items)
