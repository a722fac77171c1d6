"""The portal's configuration items: /config-items/ (the organisation's items: search by name or
identifier, filter by type, keyset pages by name) and /config-items/<id>/ (attributes, relations both
ways, and the item's cases and orders the person may see). Customers see their own organisation's items
only (cmdb.selectors); another's item is a 404. An HTMX request gets the results partial only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from supportal.api.v1.pagination import PageParams, paginate
from supportal.cases.models import Case, Kind
from supportal.cases.services.priority import state_labels
from supportal.cmdb import access, selectors
from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.core.errors import InvalidInput, NotFound
from supportal.orgs.policies import Actor

PAGE_SIZE = 25
CASES_SHOWN = 20
ORDERING = ("name", "id")


class ItemFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or identifier", required=False, max_length=200)
    type = forms.ChoiceField(label="Type", required=False)

    def __init__(self, data: Any, *, types: list[ConfigItemType]) -> None:
        super().__init__(data)
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "All types"), *((t.code, t.name) for t in types)]
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})
        self.fields["type"].widget.attrs.update({"class": "form-select"})


def filtered(items: QuerySet[ConfigItem], q: str, type_code: str) -> QuerySet[ConfigItem]:
    """`items` whose name or identifier holds `q` (any case), of the type `type_code` when given."""
    if q:
        items = items.filter(Q(name__icontains=q) | Q(identifier__icontains=q))
    if type_code:
        items = items.filter(item_type__code=type_code)
    return items


@login_required
@require_GET
def config_items(request: HttpRequest) -> HttpResponse:
    actor = request.user
    types = list(selectors.config_item_types_visible_to(actor).order_by("name"))
    form = ItemFilterForm(request.GET, types=types)
    valid = form.is_valid()
    q = form.cleaned_data.get("q", "").strip() if valid else ""
    type_code = form.cleaned_data.get("type", "") if valid else ""
    items = filtered(selectors.config_items_visible_to(actor), q, type_code).select_related("item_type")
    cursor = request.GET.get("cursor") or None
    try:
        page = paginate(items, PageParams(cursor=cursor, limit=PAGE_SIZE), ordering=ORDERING)
    except InvalidInput:
        cursor = None
        page = paginate(items, PageParams(cursor=None, limit=PAGE_SIZE), ordering=ORDERING)
    context = {
        "form": form,
        "items": page.items,
        "filtered": bool(q or type_code),
        "paged": cursor is not None,
        "heading": "Configuration items",
        "next_url": _with(request, page.next_cursor) if page.next_cursor else None,
        "first_url": _with(request, None),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "web/config_items/results.html" if partial else "web/config_items/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@dataclass(frozen=True)
class Attribute:
    label: str
    value: Any
    kind: str


def attributes_of(item: ConfigItem) -> list[Attribute]:
    """The item's attribute values in its type's order, labelled; unset ones left out."""
    return [
        Attribute(d["label"], item.attributes[d["key"]], d["kind"])
        for d in item.item_type.attributes
        if d["key"] in item.attributes
    ]


@login_required
@require_GET
def config_item(request: HttpRequest, config_item_id: int) -> HttpResponse:
    actor = request.user
    try:
        item = access.config_item_for(actor, config_item_id)
    except NotFound:
        raise Http404("No such configuration item.") from None
    context = {
        "item": item,
        "attributes": attributes_of(item),
        "relations": selectors.relations_of(item),
        **cases_of(actor, item),
    }
    return render(request, "web/config_items/detail.html", context)


@dataclass(frozen=True)
class CaseRow:
    case: Case
    status: str  # the state's display name (an admin may rename it)


def cases_of(actor: Actor, item: ConfigItem) -> dict[str, Any]:
    """The item's newest cases and orders the actor may see, as rows with their status's name."""
    labels = state_labels()
    rows = {
        name: [
            CaseRow(case, labels.get(case.state, case.state))
            for case in selectors.item_cases_visible_to(actor, item, kind=kind, limit=CASES_SHOWN)
        ]
        for name, kind in (("cases", Kind.CASE), ("orders", Kind.ORDER))
    }
    return {**rows, "cases_shown": CASES_SHOWN}


def _with(request: HttpRequest, cursor: str | None) -> str:
    params = request.GET.copy()
    params.pop("cursor", None)
    if cursor:
        params["cursor"] = cursor
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path
