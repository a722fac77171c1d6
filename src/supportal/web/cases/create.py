"""Create a case (/cases/new/): choose a request type, fill in its form, send it with files.

The page and its HTMX partials (the request type's fields, the live priority, the configuration item
search) are for customers allowed to open cases in their own organisation. A post opens the case and
attaches the files in one transaction through the same services the API uses, so a bad file creates
nothing; every error comes back next to its field with everything typed kept (files must be chosen again).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from supportal.accounts.models import User
from supportal.cases import policies, services
from supportal.cases.models import Channel, Kind, Level, RequestType, Visibility
from supportal.cmdb.access import config_item_for
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import DomainError, InvalidInput, NotFound
from supportal.core.files import human_size
from supportal.orgs.models import Organisation
from supportal.orgs.policies import is_agent, organisation_id_of
from supportal.web.cases import create_form as form

COULD_NOT_OPEN = "The case could not be opened: see the messages next to the fields."


class _Refused(Exception):
    """The person may not use this page; `response` says why."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _organisation(request: HttpRequest, *, partial: bool = False) -> Organisation:
    """The actor's own organisation when they may open cases in the portal; else _Refused with a page
    (or, for the HTMX partials, a plain 403)."""
    actor = request.user
    own = organisation_id_of(actor)
    organisation = Organisation.objects.select_related("plan").filter(pk=own or 0).first()
    if organisation is None:
        reason = "agent" if is_agent(actor) else "no_organisation"
    elif not organisation.plan.allows("portal"):
        reason = "email_only"
    elif not policies.can_create_case(actor, organisation):
        reason = "no_permission"
    else:
        return organisation
    if partial:
        raise _Refused(HttpResponse("You may not open cases here.", status=403, content_type="text/plain"))
    if reason == "email_only":
        raise _Refused(render(request, "web/cases/create_email_only.html", {"organisation": organisation}))
    raise _Refused(render(request, "web/cases/create_refused.html", {"reason": reason}, status=403))


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """login_required, and a _Refused turned into its page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response

    return wrapper


@_guarded
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if request.method == "GET":
        chosen = form.request_type_by_slug(request.GET.get("request_type", ""))
        return _page(request, organisation, chosen, None, {})
    return _submit(request, organisation)


def _submit(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    data = request.POST
    slug = data.get("request_type", "")
    request_type = form.request_type_by_slug(slug)
    if "_refresh" in data:  # without JavaScript: show the chosen type's fields, search items
        return _page(request, organisation, request_type, data, {})
    problems: dict[str, list[str]] = {}
    if request_type is None and (slug or RequestType.objects.filter(is_active=True, kind=Kind.CASE).exists()):
        problems["request_type"] = ["Choose a request type from the list."]
    people = form.people_of(organisation)
    watchers, watcher_problems = form.watchers_from(data, people)
    if watcher_problems:
        problems["watchers"] = watcher_problems
    config_item = _config_item(request, data, problems)
    files = form.checked_files(request.FILES.getlist("files"), problems)
    try:
        with transaction.atomic():
            case = services.case_create(
                actor=request.user,
                organisation=organisation,
                channel=Channel.PORTAL,
                subject=data.get("subject", ""),
                description=data.get("description", ""),
                request_type=request_type,
                urgency=data.get("urgency", ""),
                impact=data.get("impact", ""),
                reference=data.get("reference", ""),
                visibility=data.get("visibility", ""),
                config_item=config_item,
                watchers=watchers,
                extra=form.extra_from(data, request_type),
                requester_name=data.get("requester_name", ""),
            )
            if problems:  # the service found nothing more: undo the case, show ours
                raise InvalidInput(COULD_NOT_OPEN, fields=problems)
            for file in files:
                services.attachment_add(actor=request.user, case=case, file=file, channel=Channel.PORTAL)
    except DomainError as error:
        for file in files:
            file.content.close()
        errors = form.merged_errors(problems, error)
        status = 422 if isinstance(error, InvalidInput) else error.status
        return _page(request, organisation, request_type, data, errors, detail=error.detail, status=status)
    url = reverse("web:case_detail", kwargs={"number": case.number})
    return HttpResponseRedirect(f"{url}?created=1")


def _config_item(request: HttpRequest, data: QueryDict, problems: dict[str, list[str]]) -> ConfigItem | None:
    """The affected item chosen, if the actor may see it (their own organisation's)."""
    raw = data.get("config_item", "")
    if not raw:
        return None
    try:
        return config_item_for(request.user, raw)
    except NotFound:
        problems["config_item"] = ["No such configuration item in your organisation."]
        return None


def _page(
    request: HttpRequest,
    organisation: Organisation,
    request_type: RequestType | None,
    data: QueryDict | None,
    errors: dict[str, list[str]],
    *,
    detail: str = "",
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    people = form.people_of(organisation)
    values = {
        "subject": "",
        "description": "",
        "urgency": Level.MEDIUM.value,
        "impact": Level.LOW.value,
        "reference": "",
        "visibility": Visibility.PRIVATE.value,
        "requester_name": "",
        "watcher_emails": "",
    }
    watcher_ids: set[str] = set()
    if data is not None:
        values.update({name: data.get(name, "") for name in values})
        watcher_ids = set(data.getlist("watchers"))
    known = {"request_type", "subject", "description", "urgency", "impact", "reference", "visibility"}
    known |= {"requester_name", "watchers", "config_item", "file", "requester"}
    shown = known | {f"extra.{f.key}" for f in request_type.fields.all()} if request_type else known
    context = {
        "organisation": organisation,
        "groups": form.request_type_groups(request_type),
        "request_type": request_type,
        "rows": form.extra_rows(actor, request_type, data, errors, people),
        "values": values,
        "errors": errors,
        # a service's message that belongs to no field on the page shows at the top
        "detail": detail,
        "other_errors": [m for name, msgs in errors.items() if name not in shown for m in msgs],
        "colleagues": [p for p in people if p.pk != actor.pk],
        "watcher_ids": watcher_ids,
        "config_picker": form.picker(
            actor, "config_item", "Affected configuration item", data, errors=errors.get("config_item")
        ),
        "priority": form.priority_view(values["urgency"], values["impact"]),
        "matrix": form.matrix_rows(),
        "levels": Level.choices,
        "max_bytes": settings.SUPPORTAL_MAX_ATTACHMENT_BYTES,
        "max_size": human_size(settings.SUPPORTAL_MAX_ATTACHMENT_BYTES),
    }
    return render(request, "web/cases/create_page.html", context, status=status)


@_guarded
@require_GET
def case_new_fields(request: HttpRequest) -> HttpResponse:
    """The chosen request type's own fields (HTMX swaps them into the form)."""
    organisation = _organisation(request, partial=True)
    slug = request.GET.get("request_type", "")
    request_type = form.request_type_by_slug(slug)
    if slug and request_type is None:
        raise Http404("No such request type.")
    people: list[User] = form.people_of(organisation) if form.needs_people(request_type) else []
    rows = form.extra_rows(request.user, request_type, None, {}, people)
    response = render(request, "web/cases/create_fields.html", {"request_type": request_type, "rows": rows})
    query = f"?request_type={request_type.slug}" if request_type else ""
    response["HX-Replace-Url"] = reverse("web:case_new") + query
    return response


@_guarded
@require_GET
def case_new_priority(request: HttpRequest) -> HttpResponse:
    """The priority urgency x impact gives, with its severity definition."""
    _organisation(request, partial=True)
    view = form.priority_view(request.GET.get("urgency", ""), request.GET.get("impact", ""))
    return render(request, "web/cases/create_priority.html", {"priority": view})


@_guarded
@require_GET
def case_config_items(request: HttpRequest) -> HttpResponse:
    """The organisation's configuration items matching ?q= (name or identifier), as radio buttons."""
    _organisation(request, partial=True)
    name = request.GET.get("field", "config_item")
    if not form.FIELD_NAME.match(name):
        name = "config_item"
    query = request.GET.get("q", request.GET.get(f"{name}__q", ""))
    selected = request.GET.get(name, "")
    items, more = form.config_items_matching(request.user, query, selected)
    picker = form.Picker(name, "", False, query, selected, items, more)
    return render(request, "web/cases/create_config_items.html", {"picker": picker})
