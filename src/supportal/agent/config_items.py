"""The workspace's configuration items: /agent/config-items/ (every organisation's, filtered by
organisation and searched by name or identifier, keyset pages by name) and an item's page (its edit form
with attributes typed by its type, its relations to add and remove, its cases and orders). Agents only;
the writes are cmdb.services'. Adding items and the CSV import are config_items_new.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportal.agent.config_items_forms import ItemForm, RelationForm
from supportal.agent.guards import agent_required
from supportal.agent.organisation_picker import Purpose, picker_from
from supportal.api.v1.pagination import PageParams, paginate
from supportal.audit.services import AuditChannel
from supportal.cmdb import access, selectors, services
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import Conflict, DomainError, InvalidInput, NotFound
from supportal.web.config_items import ORDERING, ItemFilterForm, attributes_of, cases_of, filtered

PAGE_SIZE = 50
RELATION_CHOICES_MAX = 500


@agent_required
@require_GET
def config_items(request: HttpRequest) -> HttpResponse:
    actor = request.user
    types = list(selectors.config_item_types_visible_to(actor).order_by("name"))
    form = ItemFilterForm(request.GET, types=types)
    valid = form.is_valid()
    q = form.cleaned_data.get("q", "").strip() if valid else ""
    type_code = form.cleaned_data.get("type", "") if valid else ""
    picker = picker_from(actor, Purpose.FILTER, request.GET)
    items = filtered(selectors.config_items_visible_to(actor), q, type_code)
    if not picker.none_chosen:
        items = items.filter(organisation_id=int(picker.selected))
    items = items.select_related("item_type", "organisation")
    cursor = request.GET.get("cursor") or None
    try:
        page = paginate(items, PageParams(cursor=cursor, limit=PAGE_SIZE), ordering=ORDERING)
    except InvalidInput:
        cursor = None
        page = paginate(items, PageParams(cursor=None, limit=PAGE_SIZE), ordering=ORDERING)
    params = request.GET.copy()
    params.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        params["cursor"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    context = {
        "form": form,
        "picker": picker,
        "items": page.items,
        "paged": cursor is not None,
        "next_url": next_url,
        "first_url": request.path,
        "heading": "Configuration items",
        "new_query": f"?organisation={picker.selected}" if not picker.none_chosen else "",
    }
    return render(request, "agent/config_items/list.html", context)


def item_or_404(request: HttpRequest, config_item_id: int) -> ConfigItem:
    try:
        return access.config_item_to_change(request.user, config_item_id)
    except NotFound:
        raise Http404("No such configuration item.") from None


@agent_required
@require_http_methods(["GET", "POST"])
def config_item(request: HttpRequest, config_item_id: int) -> HttpResponse:
    item = item_or_404(request, config_item_id)
    form = ItemForm(request.POST or None, item_type=item.item_type, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_item_update(
                actor=request.user, channel=AuditChannel.WEB, item=item, name=form.cleaned_data["name"],
                identifier=form.cleaned_data["identifier"], is_active=form.cleaned_data["is_active"],
                attributes=form.attributes(),
            )  # fmt: skip
        except (InvalidInput, Conflict) as error:
            _name_conflict(form, error)
        else:
            messages.success(request, "Saved.")
            return HttpResponseRedirect(reverse("agent:config_item", kwargs={"config_item_id": item.pk}))
    return _page(request, item, form, RelationForm(others=_others(item)), status=422 if form.errors else 200)


@agent_required
@require_POST
def relation_add(request: HttpRequest, config_item_id: int) -> HttpResponse:
    item = item_or_404(request, config_item_id)
    others = _others(item)
    relation_form = RelationForm(request.POST, others=others)
    if relation_form.is_valid():
        target = next(o for o in others if o.pk == relation_form.cleaned_data["target"])
        try:
            services.relation_add(
                actor=request.user, channel=AuditChannel.WEB, source=item, target=target,
                kind=relation_form.cleaned_data["kind"],
            )  # fmt: skip
        except DomainError as error:
            relation_form.add_error(None, error.detail)
        else:
            return HttpResponseRedirect(_url(item) + "#relations")
    form = ItemForm(item_type=item.item_type, item=item)
    return _page(request, item, form, relation_form, status=422)


@agent_required
@require_POST
def relation_remove(request: HttpRequest, config_item_id: int) -> HttpResponse:
    item = item_or_404(request, config_item_id)
    raw = request.POST.get("relation", "")
    try:
        services.relation_remove(
            actor=request.user, channel=AuditChannel.WEB, item=item,
            relation_id=int(raw) if raw.isdigit() and len(raw) < 19 else 0,
        )  # fmt: skip
    except NotFound:
        raise Http404("No such relation of this item.") from None
    return HttpResponseRedirect(_url(item) + "#relations")


def _page(
    request: HttpRequest, item: ConfigItem, form: ItemForm, relation_form: RelationForm, *, status: int
) -> HttpResponse:
    context: dict[str, Any] = {
        "item": item,
        "form": form,
        "relation_form": relation_form,
        "attributes": attributes_of(item),
        "relations": selectors.relations_of(item),
        **cases_of(request.user, item),
        "agent": True,
    }
    return render(request, "agent/config_items/item.html", context, status=status)


def _others(item: ConfigItem) -> list[ConfigItem]:
    """The items the item may be related to: its organisation's others, by name (the first 500)."""
    others = ConfigItem.objects.filter(organisation_id=item.organisation_id).exclude(pk=item.pk)
    return list(others.select_related("item_type").order_by("name", "id")[:RELATION_CHOICES_MAX])


def _name_conflict(form: ItemForm, error: DomainError) -> None:
    if isinstance(error, Conflict):
        form.add_error("name", error.detail)
    else:
        form.add_errors(error)


def _url(item: ConfigItem) -> str:
    return reverse("agent:config_item", kwargs={"config_item_id": item.pk})
