"""The case lists' filters: the GET form of /cases/ and /orders/, and the queryset it narrows.

Parameters: `q` (full text), `status` (repeatable), `type` (a case type's code), `priority`,
`requester` and `config_item` (ids chosen with the search pickers of web/cases/lists_pickers.py),
`created_from`/`created_to` (dates in the person's time zone) and `sort` (see SORTS). Invalid values
show a message next to their field and are left out of the query; the valid ones still apply.
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
from supportal.cmdb.models import ConfigItem
from supportal.cmdb.selectors import config_items_visible_to
from supportal.orgs.policies import Actor, is_agent, organisation_id_of

# Sort key -> (label, keyset ordering). The last field is unique, as the cursor pagination requires.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "updated": ("Last activity", ("-updated_at", "-id")),
    "created": ("Newest first", ("-created_at", "-id")),
    "priority": ("Priority", ("priority", "-updated_at", "-id")),
}
DEFAULT_SORT = "updated"
# The requester select lists at most this many options (the queue's selects too: agent/queue_options).
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
    config_item = forms.IntegerField(
        label="Configuration item", required=False, min_value=1, max_value=2**31 - 1
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
        config_items: QuerySet[ConfigItem] | None,
        people: QuerySet[User] | None = None,
    ) -> None:
        """`requesters`: the select's options ("Me" on My cases); `people`: whom the organisation's
        requester picker may name, `config_items`: the items its picker may name (both checked only
        when one is chosen, so the form's queries do not grow with them); None leaves a filter out."""
        super().__init__(data)
        self.config_items = config_items
        self.people = people
        if people is not None:
            self.fields["requester"] = forms.IntegerField(
                label="Requester", required=False, min_value=1, max_value=2**31 - 1
            )
        elif requesters is None:
            del self.fields["requester"]
        if config_items is None:
            del self.fields["config_item"]
        self.fields["status"].choices = list(states)  # type: ignore[attr-defined]
        self.fields["type"].choices = [("", "Any type"), *case_types]  # type: ignore[attr-defined]
        if requesters is not None and people is None:
            self.fields["requester"].choices = [("", "Anyone"), *[(str(k), v) for k, v in requesters]]  # type: ignore[attr-defined]
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

    def clean_requester(self) -> int | None:
        person: int | None = self.cleaned_data.get("requester")
        if person is not None and self.people is not None and not self.people.filter(pk=person).exists():
            raise forms.ValidationError("Choose one of your organisation's people.")
        return person

    def clean_config_item(self) -> int | None:
        item: int | None = self.cleaned_data.get("config_item")
        if (
            item is not None
            and self.config_items is not None
            and not self.config_items.filter(pk=item).exists()
        ):
            raise forms.ValidationError("Choose one of your organisation's configuration items.")
        return item

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
    """The requester select of My cases: the actor only; None elsewhere (see `requester_scope`)."""
    if is_agent(actor) or organisation_scope:
        return None
    return [(actor.pk or 0, "Me")]


def requester_scope(actor: Actor, *, organisation_scope: bool) -> QuerySet[User] | None:
    """Whom the organisation's list filters on (its requester picker): the organisation's people."""
    if is_agent(actor) or not organisation_scope:
        return None
    return User.objects.filter(membership__organisation_id=organisation_id_of(actor) or 0)


def config_item_scope(actor: Actor) -> QuerySet[ConfigItem] | None:
    """The items the configuration item filter may name; None for agents, who see every organisation."""
    if is_agent(actor):
        return None
    return config_items_visible_to(actor)
