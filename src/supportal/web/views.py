"""The customer portal's pages. Thin: authorize through access/selectors, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supportal.cases.policies import can_open_cases
from supportal.orgs import policies
from supportal.orgs.models import EscalationLevel, Organisation
from supportal.web.cases.lists_home import home_widgets


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A customer's start page: Create a case (or, on an email-only plan, how to write to support),
    their cases and orders by what they wait for, and the organisation's account status. Agents start
    in their workspace."""
    if policies.is_agent(request.user):
        return redirect("agent:home")
    organisation = _own_organisation(request)
    context: dict[str, Any] = {"organisation": organisation}
    if organisation is not None:
        context["portal_allowed"] = organisation.plan.allows("portal")
        context["may_create"] = can_open_cases(request.user)
        context["widgets"] = home_widgets(request.user)
    return render(request, "web/home.html", context)


@login_required
def escalation_matrix(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    if organisation is None:
        raise Http404("Only customer users have an organisation's escalation matrix.")
    levels = EscalationLevel.objects.filter(organisation=organisation).prefetch_related("contacts")
    return render(request, "web/escalation_matrix.html", {"organisation": organisation, "levels": levels})


def _own_organisation(request: HttpRequest) -> Organisation | None:
    organisation_id = policies.organisation_id_of(request.user)
    if organisation_id is None:
        return None
    return Organisation.objects.select_related("plan", "csm").get(pk=organisation_id)
