"""The create-a-case form: what it offers (request types, their fields, colleagues, configuration items,
the priority) and what it reads back from a post. Views in create.py; the rules stay in the services."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, Value, When
from django.http import QueryDict
from django.utils.http import urlencode

from supportal.accounts.models import User
from supportal.cases.models import Category, ExtraField, FieldKind, Kind, Level, RequestType
from supportal.cases.services.priority import priority_for, priority_matrix, severity_definitions
from supportal.cmdb.models import ConfigItem
from supportal.cmdb.selectors import config_items_visible_to
from supportal.core.errors import DomainError, InvalidInput
from supportal.core.files import CheckedFile, check_upload
from supportal.orgs import selectors as org_selectors
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor

MAX_ITEMS = 20
FIELD_NAME = re.compile(r"^(config_item|extra\.[-a-zA-Z0-9_]{1,50})$")
EMAIL_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass
class Picker:
    """A configuration item picker: a search box and a group of radio buttons (at most MAX_ITEMS)."""

    name: str  # the radio buttons' name: "config_item" or "extra.<key>"
    label: str
    required: bool
    query: str
    selected: str
    items: list[ConfigItem]
    more: bool
    errors: list[str] = dataclasses.field(default_factory=list)
    help_text: str = ""
    search_url: str = ""  # where the search box asks for items; empty: the portal's own
    search_label: str = "Search your organisation's items by name or identifier"
    none_label: str = "None"  # the choice of no item ("Any item" in a list's filter)

    @property
    def html_id(self) -> str:
        return "ci-" + self.name.replace(".", "-")


@dataclass(frozen=True)
class PickerScope:
    """Whose items a picker offers (an agent filing for a customer chooses the organisation) and the
    URL its search box asks (with `organisation` and `field` added)."""

    organisation_id: int
    search_path: str
    search_label: str = "Search the organisation's items by name or identifier"

    def url_for(self, name: str) -> str:
        query: dict[str, str | int] = {"organisation": self.organisation_id, "field": name}
        return f"{self.search_path}?{urlencode(query)}"


@dataclass
class ExtraRow:
    """One field of the request type's form, with what was typed and what was wrong."""

    field: ExtraField
    value: str = ""
    values: list[str] = dataclasses.field(default_factory=list)
    options: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    picker: Picker | None = None

    @property
    def name(self) -> str:
        return f"extra.{self.field.key}"

    @property
    def html_id(self) -> str:
        return f"extra-{self.field.key}"


# --- Request types


def request_type_groups(chosen: RequestType | None) -> list[tuple[Category, list[RequestType]]]:
    """Active support-case request types by category, in the admin's order (plus `chosen`, e.g. an order)."""
    types = list(
        RequestType.objects.filter(is_active=True, kind=Kind.CASE)
        .select_related("category")
        .order_by("category__position", "category__name", "category_id", "position", "name")
    )
    if chosen is not None and all(t.pk != chosen.pk for t in types):
        types.append(chosen)
    groups: dict[int, tuple[Category, list[RequestType]]] = {}
    for request_type in types:
        groups.setdefault(request_type.category_id, (request_type.category, []))[1].append(request_type)
    return list(groups.values())


def request_type_by_slug(slug: str) -> RequestType | None:
    """An active request type of any kind, with its category, case type and fields."""
    if not slug:
        return None
    return (
        RequestType.objects.filter(slug=slug, is_active=True)
        .select_related("category", "case_type")
        .prefetch_related("fields")
        .first()
    )


# --- People and configuration items


def people_of(organisation: Organisation) -> list[User]:
    """The organisation's active people (not its virtual or integration users), by name."""
    return list(org_selectors.people_of(organisation.pk).select_related("membership"))


def config_items_matching(
    actor: Actor, query: str, selected: str, *, organisation_id: int | None = None
) -> tuple[list[ConfigItem], bool]:
    """Up to MAX_ITEMS of the actor's items (of `organisation_id` only, when given) whose name or
    identifier contains `query`; the selected one first whatever the query, so a search never loses the
    choice. One query."""
    selected_id = int(selected) if selected.isdigit() and len(selected) < 12 else 0
    query = query.strip()[:100]
    matches = Q(is_active=True)
    if query:
        matches &= Q(name__icontains=query) | Q(identifier__icontains=query)
    visible = config_items_visible_to(actor)
    if organisation_id is not None:
        visible = visible.filter(organisation_id=organisation_id)
    items: list[ConfigItem] = list(
        visible.filter(matches | Q(pk=selected_id))
        .select_related("item_type")
        .annotate(
            chosen=SqlCase(When(pk=selected_id, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("chosen", "name", "id")[: MAX_ITEMS + 1]
    )
    return items[:MAX_ITEMS], len(items) > MAX_ITEMS


def picker(
    actor: Actor,
    name: str,
    label: str,
    data: QueryDict | None,
    *,
    required: bool = False,
    errors: list[str] | None = None,
    help_text: str = "",
    scope: PickerScope | None = None,
) -> Picker:
    query = data.get(f"{name}__q", "") if data is not None else ""
    selected = data.get(name, "") if data is not None else ""
    organisation_id = scope.organisation_id if scope else None
    items, more = config_items_matching(actor, query, selected, organisation_id=organisation_id)
    found = Picker(name, label, required, query, selected, items, more, errors or [], help_text)
    if scope is not None:
        found.search_url, found.search_label = scope.url_for(name), scope.search_label
    return found


# --- The request type's own fields


def extra_rows(
    actor: Actor,
    request_type: RequestType | None,
    data: QueryDict | None,
    errors: dict[str, list[str]],
    people: list[User] | None,
    *,
    scope: PickerScope | None = None,
) -> list[ExtraRow]:
    """The request type's fields as the template renders them; `people` fill the user selects, `scope`
    narrows the configuration item pickers to one organisation's items."""
    if request_type is None:
        return []
    rows = []
    for extra in request_type.fields.all():
        row = ExtraRow(extra, errors=errors.get(f"extra.{extra.key}", []))
        if data is not None:
            row.value = data.get(row.name, "")
            row.values = data.getlist(row.name)
        if extra.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
            row.options = [(str(choice), str(choice)) for choice in extra.choices]
        elif extra.kind == FieldKind.USER:
            row.options = [(str(p.pk), f"{p.display_name} ({p.email})") for p in people or []]
        elif extra.kind == FieldKind.CONFIG_ITEM:
            row.picker = picker(
                actor, row.name, extra.label, data, required=extra.required, errors=row.errors,
                help_text=extra.help_text, scope=scope,
            )  # fmt: skip
        rows.append(row)
    return rows


def needs_people(request_type: RequestType | None) -> bool:
    return request_type is not None and any(f.kind == FieldKind.USER for f in request_type.fields.all())


def extra_from(data: QueryDict, request_type: RequestType | None) -> dict[str, Any]:
    """The posted values of the request type's fields (empty ones left out: the service says if needed)."""
    if request_type is None:
        return {}
    values: dict[str, Any] = {}
    for extra in request_type.fields.all():
        name = f"extra.{extra.key}"
        if extra.kind == FieldKind.MULTI_CHOICE:
            chosen = [v for v in data.getlist(name) if v]
            if chosen:
                values[extra.key] = chosen
        elif data.get(name, "").strip():
            values[extra.key] = data[name]
    return values


# --- Watchers


def watchers_from(data: QueryDict, people: list[User]) -> tuple[list[User | str], list[str]]:
    """Colleagues ticked (by id, from `people`) and the addresses typed; problems with the ticks."""
    by_id = {str(p.pk): p for p in people}
    chosen: list[User | str] = []
    problems = []
    for raw in data.getlist("watchers"):
        user = by_id.get(raw)
        if user is None:
            problems.append("Choose colleagues from the list.")
        else:
            chosen.append(user)
    chosen += [e for e in EMAIL_SEPARATORS.split(data.get("watcher_emails", "")) if e]
    return chosen, problems


# --- Files and errors


def checked_files(uploads: list[UploadedFile], problems: dict[str, list[str]]) -> list[CheckedFile]:
    """Every uploaded file through core.files.check_upload; the refusals go to `problems["file"]`."""
    checked = []
    for upload in uploads:
        try:
            checked.append(check_upload(name=upload.name or "", stream=upload, field="file"))
        except InvalidInput as error:
            problems.setdefault("file", []).extend(error.fields.get("file", [error.detail]))
    return checked


def merged_errors(problems: dict[str, list[str]], error: DomainError) -> dict[str, list[str]]:
    """The form's own problems and the service's field errors, each message once."""
    errors = {name: list(messages) for name, messages in problems.items()}
    for name, messages in error.fields.items():
        errors.setdefault(name, []).extend(m for m in messages if m not in errors[name])
    return errors


# --- Priority


@dataclass(frozen=True)
class PriorityView:
    urgency: str
    impact: str
    priority: str | None
    name: str
    definition: str
    definitions: list[tuple[str, str, str]]


def priority_view(urgency: str, impact: str) -> PriorityView:
    """The priority urgency x impact gives, with its severity definition and all of them for the table."""
    definitions = severity_definitions()
    table = [(p, name, text) for p, (name, text) in sorted(definitions.items())]
    if urgency not in Level.values or impact not in Level.values:
        return PriorityView(urgency, impact, None, "", "", table)
    priority = priority_for(urgency, impact)
    name, definition = definitions.get(priority, ("", ""))
    return PriorityView(urgency, impact, priority.value, name, definition, table)


def matrix_rows() -> list[tuple[str, list[str]]]:
    """The urgency x impact matrix as table rows: (urgency, [priority for high, medium, low impact])."""
    matrix = priority_matrix()
    levels = [Level.HIGH, Level.MEDIUM, Level.LOW]
    return [(str(u.label), [matrix[(u.value, i.value)].value for i in levels]) for u in levels]
