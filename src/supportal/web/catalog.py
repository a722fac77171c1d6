"""The service catalog: /catalog/ (the items a person may order, by category) and /catalog/<slug>/,
which opens the item's order form (the create form of /cases/new/ with the item's request type).

Customers see the items `policies.can_order` allows them (their "Order services" permission, the item's
groups and plans); without the permission they are told how to get it. Agents order on a customer's
behalf: they see every active item and choose the organisation on the form. A fixed number of queries,
however many items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from supportal.cases.models import Category
from supportal.catalog import selectors
from supportal.catalog.models import CatalogItem
from supportal.orgs.models import Organisation, Permission
from supportal.orgs.policies import Actor, has_permission, is_agent, is_customer, organisation_id_of


@dataclass
class Section:
    category: Category
    items: list[CatalogItem] = field(default_factory=list)


def orderable_items(actor: Actor) -> list[CatalogItem]:
    """The active catalog items the actor may order, in the catalog's order."""
    items = list(selectors.catalog_items())
    if is_agent(actor):
        return items
    return selectors.orderable(actor, items, _organisation_of(actor))


@login_required
@require_GET
def catalog(request: HttpRequest) -> HttpResponse:
    actor = request.user
    items = orderable_items(actor)
    sections = [
        Section(category, list(group))
        for category, group in groupby(items, key=lambda item: item.request_type.category)
    ]
    context: dict[str, Any] = {
        "sections": sections,
        "agent": is_agent(actor),
        "may_order": is_agent(actor)
        or (is_customer(actor) and has_permission(actor, Permission.ORDER_SERVICES)),
    }
    return render(request, "web/catalog/catalog.html", context)


@login_required
@require_GET
def catalog_item(request: HttpRequest, slug: str) -> HttpResponse:
    """Order an item: its form, if the person may order it (404 otherwise, as for an unknown item)."""
    if not any(item.request_type.slug == slug for item in orderable_items(request.user)):
        raise Http404("No such item in your catalog.")
    return HttpResponseRedirect(f"{reverse('web:case_new')}?{urlencode({'request_type': slug})}")


def _organisation_of(actor: Actor) -> Organisation | None:
    organisation_id = organisation_id_of(actor)
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id).first()
