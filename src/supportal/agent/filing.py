"""Filing a case for a customer (/agent/cases/new/): an agent who took a phone call, a chat, a walk-in or an
email opens the case on the customer's behalf, for a contact of the organisation or the organisation
itself (its virtual user), recording how they asked and why.

The steps: choose the organisation (the organisation picker, in a GET form that reloads the page with
?organisation=<id> or searches with ?organisation_q=; with HTMX the search asks agent:organisation_search
and the chosen organisation's contacts, people and configuration items swap in), the contact, the channel
and the reason, then the portal's case fields (supportal.web.cases.create_form, create_submit and their
partials). A post opens the case and attaches the files in one transaction through `case_create` and
`attachment_add` (`create_submit.open_case`); every error comes back next to its field with everything
typed kept; success goes to the case in the workspace.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from supportal.agent import filing_form as form
from supportal.agent.guards import agent_required
from supportal.agent.organisation_picker import Purpose, picker_for
from supportal.cases.models import Case, RequestType
from supportal.core.errors import DomainError
from supportal.orgs.models import Organisation
from supportal.web.cases import create_form
from supportal.web.cases import create_submit as submit

COULD_NOT_FILE = "The case could not be filed: see the messages next to the fields."


@agent_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _submit(request)
    organisation = form.organisation_by_id(request.user, request.GET.get("organisation"))
    request_type = create_form.request_type_by_slug(request.GET.get("request_type", ""))
    return _page(request, organisation, request_type, None, {})


def _submit(request: HttpRequest) -> HttpResponse:
    data = request.POST
    organisation = form.organisation_by_id(request.user, data.get("organisation"))
    request_type = create_form.request_type_by_slug(data.get("request_type", ""))
    if "_refresh" in data:  # without JavaScript: show the chosen type's fields, search items
        return _page(request, organisation, request_type, data, {})
    problems: dict[str, list[str]] = {}
    if organisation is None:
        problems["organisation"] = ["Choose the organisation the customer belongs to."]
    contacts = form.contacts_of(organisation) if organisation else None
    fields = submit.case_fields_from(
        request.user, data, request_type, contacts.people if contacts else [], problems,
        unknown_item="No such configuration item.",
    )  # fmt: skip
    filing = form.filing_from(data, contacts, problems)
    files = create_form.checked_files(request.FILES.getlist("files"), problems)
    try:
        case = submit.open_case(
            actor=request.user,
            organisation=organisation,
            channel=filing.channel,
            files=files,
            problems=problems,
            refusal=COULD_NOT_FILE,
            requester=filing.requester,
            requester_name=filing.requester_name,
            filed_reason=filing.filed_reason,
            **fields,
        )
    except DomainError as error:
        errors, status = submit.errors_and_status(problems, error)
        return _page(request, organisation, request_type, data, errors, detail=error.detail, status=status)
    assert organisation is not None  # open_case refuses without one
    messages.success(request, _filed_message(case, organisation))
    return HttpResponseRedirect(case_url(case.number))


def case_url(number: str) -> str:
    """The case in the workspace (its page may not be mounted yet: then the plain path)."""
    try:
        return reverse("agent:case", kwargs={"number": number})
    except NoReverseMatch:
        return f"/agent/cases/{number}/"


def _filed_message(case: Case, organisation: Organisation) -> str:
    if case.requester_id == organisation.virtual_user_id:
        who = f"{organisation.name} (filed as the organisation"
        who += f", for {case.requester_name})" if case.requester_name else ")"
        return f"Case {case.number} filed for {who}; the organisation's contacts were not notified."
    who = case.requester.display_name
    if case.requester_name:  # a shared login: the caller's name first
        who = f"{case.requester_name} ({who})"
    return f"Case {case.number} filed for {who}, who was notified."


def _page(
    request: HttpRequest,
    organisation: Organisation | None,
    request_type: RequestType | None,
    data: QueryDict | None,
    errors: dict[str, list[str]],
    *,
    detail: str = "",
    status: int = 200,
) -> HttpResponse:
    contacts = form.contacts_of(organisation) if organisation else None
    values = submit.values_from(form.DEFAULTS, data)
    context = {
        **submit.form_context(request_type, data, values, errors, detail=detail, shown=form.SHOWN),
        **_scoped(request, organisation, contacts, request_type, data, errors),
        "organisation_picker": picker_for(
            request.user,
            Purpose.FILING,
            request.GET.get("organisation_q", ""),
            str(organisation.pk) if organisation else "",
            errors=errors.get("organisation"),
        ),
        "channels": [(channel.value, channel.label) for channel in form.FILING_CHANNELS],
    }
    return render(request, "agent/filing_page.html", context, status=status)


def _scoped(
    request: HttpRequest,
    organisation: Organisation | None,
    contacts: form.Contacts | None,
    request_type: RequestType | None,
    data: QueryDict | None,
    errors: dict[str, list[str]],
) -> dict[str, object]:
    """What depends on the chosen organisation: its contacts, people and configuration items (the
    page shows them; the contacts partial swaps them in when the organisation changes)."""
    scope = form.picker_scope(organisation)
    people = contacts.people if contacts else []
    picker = create_form.picker(
        request.user, "config_item", "Affected configuration item", data, errors=errors.get("config_item"),
        scope=scope,
    )  # fmt: skip
    return {
        "organisation": organisation,
        "contacts": contacts,
        "colleagues": people,
        "request_type": request_type,
        "rows": create_form.extra_rows(request.user, request_type, data, errors, people, scope=scope),
        "config_picker": picker,
    }


@agent_required
@require_GET
def case_new_contacts(request: HttpRequest) -> HttpResponse:
    """The chosen organisation's contacts (HTMX swaps them in), with its people for the watchlist, its
    configuration items and the request type's fields (typed values kept) swapped out of band."""
    organisation = form.organisation_by_id(request.user, request.GET.get("organisation"))
    if organisation is None:
        raise Http404("No such organisation.")
    request_type = create_form.request_type_by_slug(request.GET.get("request_type", ""))
    contacts = form.contacts_of(organisation)
    context = _scoped(request, organisation, contacts, request_type, request.GET, {})
    context.update(values=submit.values_from(form.DEFAULTS, None), errors={})
    response = render(request, "agent/filing_contacts_partial.html", context)
    response["HX-Replace-Url"] = _page_url(organisation, request_type)
    return response


@agent_required
@require_GET
def case_new_fields(request: HttpRequest) -> HttpResponse:
    """The chosen request type's own fields, for the chosen organisation's people and items."""
    slug = request.GET.get("request_type", "")
    request_type = create_form.request_type_by_slug(slug)
    if slug and request_type is None:
        raise Http404("No such request type.")
    organisation = form.organisation_by_id(request.user, request.GET.get("organisation"))
    wanted = organisation is not None and create_form.needs_people(request_type)
    people = create_form.people_of(organisation) if organisation and wanted else []
    scope = form.picker_scope(organisation)
    rows = create_form.extra_rows(request.user, request_type, None, {}, people, scope=scope)
    response = render(request, "web/cases/create_fields.html", {"request_type": request_type, "rows": rows})
    response["HX-Replace-Url"] = _page_url(organisation, request_type)
    return response


@agent_required
@require_GET
def case_new_priority(request: HttpRequest) -> HttpResponse:
    """The priority urgency x impact gives, with its severity definition."""
    view = create_form.priority_view(request.GET.get("urgency", ""), request.GET.get("impact", ""))
    return render(request, "web/cases/create_priority.html", {"priority": view})


@agent_required
@require_GET
def case_new_config_items(request: HttpRequest) -> HttpResponse:
    """The chosen organisation's configuration items matching ?q=, as radio buttons."""
    organisation = form.organisation_by_id(request.user, request.GET.get("organisation"))
    if organisation is None:
        raise Http404("No such organisation.")
    name = request.GET.get("field", "config_item")
    if not create_form.FIELD_NAME.match(name):
        name = "config_item"
    query = request.GET.get("q", request.GET.get(f"{name}__q", ""))
    selected = request.GET.get(name, "")
    items, more = create_form.config_items_matching(
        request.user, query, selected, organisation_id=organisation.pk
    )
    picker = create_form.Picker(name, "", False, query, selected, items, more)
    return render(request, "web/cases/create_config_items.html", {"picker": picker})


def _page_url(organisation: Organisation | None, request_type: RequestType | None) -> str:
    """The page's address for these choices, so a reload keeps them."""
    query: dict[str, str | int] = {"organisation": organisation.pk} if organisation else {}
    if request_type is not None:
        query["request_type"] = request_type.slug
    url = reverse("agent:case_new")
    return f"{url}?{urlencode(query)}" if query else url
