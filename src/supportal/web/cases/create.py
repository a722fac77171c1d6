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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from supportal.accounts.models import User
from supportal.cases import policies
from supportal.cases.models import Channel, RequestType
from supportal.core.errors import DomainError
from supportal.orgs.models import Organisation
from supportal.orgs.policies import is_agent, organisation_id_of
from supportal.web.cases import create_form as form
from supportal.web.cases import create_submit as submit

COULD_NOT_OPEN = "The case could not be opened: see the messages next to the fields."
VALUES = {**submit.CASE_DEFAULTS, "requester_name": ""}
# The fields the page shows next to their controls; a service message about any other goes to the top.
SHOWN = {"request_type", "requester", "watchers", "config_item", "file", *VALUES}


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
    request_type = form.request_type_by_slug(data.get("request_type", ""))
    if "_refresh" in data:  # without JavaScript: show the chosen type's fields, search items
        return _page(request, organisation, request_type, data, {})
    problems: dict[str, list[str]] = {}
    fields = submit.case_fields_from(
        request.user, data, request_type, form.people_of(organisation), problems,
        unknown_item="No such configuration item in your organisation.",
    )  # fmt: skip
    files = form.checked_files(request.FILES.getlist("files"), problems)
    try:
        case = submit.open_case(
            actor=request.user,
            organisation=organisation,
            channel=Channel.PORTAL,
            files=files,
            problems=problems,
            refusal=COULD_NOT_OPEN,
            requester_name=data.get("requester_name", ""),
            **fields,
        )
    except DomainError as error:
        errors, status = submit.errors_and_status(problems, error)
        return _page(request, organisation, request_type, data, errors, detail=error.detail, status=status)
    url = reverse("web:case_detail", kwargs={"number": case.number})
    return HttpResponseRedirect(f"{url}?created=1")


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
    values = submit.values_from(VALUES, data)
    context = {
        **submit.form_context(request_type, data, values, errors, detail=detail, shown=SHOWN),
        "organisation": organisation,
        "rows": form.extra_rows(actor, request_type, data, errors, people),
        "colleagues": [p for p in people if p.pk != actor.pk],
        "config_picker": form.picker(
            actor, "config_item", "Affected configuration item", data, errors=errors.get("config_item")
        ),
        "max_bytes": settings.SUPPORTAL_MAX_ATTACHMENT_BYTES,
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
