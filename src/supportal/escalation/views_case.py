"""The case page's "Paging" box posts here: /agent/cases/<number>/pages/<page_id>/acknowledge/. The agent
acknowledges as themselves (the person paged, a lead of the rota's team or an admin); a refusal or a
clash shows the case page again with the reason and its status."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_page import Bound, back, refused
from supportal.agent.guards import agent_required
from supportal.cases.models import Channel
from supportal.core.errors import DomainError, NotFound
from supportal.escalation import access
from supportal.escalation.services.paging import page_acknowledge
from supportal.web.cases.case_http import case_or_404


@agent_required
@require_POST
def case_page_acknowledge(request: HttpRequest, number: str, page_id: int) -> HttpResponse:
    case = case_or_404(request, number)
    try:
        page = access.page_of_case(request.user, number, page_id)
    except NotFound:
        raise Http404("No such page.") from None
    try:
        page_acknowledge(actor=request.user, page=page, channel=Channel.PORTAL)
    except DomainError as error:
        return refused(request, case, Bound(), error)
    messages.success(request, "Page acknowledged: nobody else is paged for this incident.")
    return back(case, "paging")
