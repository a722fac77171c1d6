"""What the portal's case page (web/cases/detail.py) and the agent's (agent/case_page.py and the views
of its forms) do alike at their edges: load the case for the person, or answer 404, and redirect back
to the case's page after a POST."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse

from supportal.cases.access import case_for
from supportal.cases.models import Case
from supportal.core.errors import NotFound


def case_or_404(request: HttpRequest, number: str) -> Case:
    """The case through `access.case_for`: a case the person may not see is a 404, like one that does
    not exist."""
    try:
        return case_for(request.user, number)
    except NotFound:
        raise Http404("No such case.") from None


def redirect_to_case(url_name: str, case: Case, anchor: str = "") -> HttpResponseRedirect:
    """Back to the case's page (`url_name` takes the case number), at `#anchor` when given."""
    url = reverse(url_name, args=[case.number])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)
