"""The case page's links between cases: relate another case (`case_link`), merge this case into another
as a duplicate (`case_merge`, with a reason and a confirmation), and open a follow-up of a Closed case
(`links.follow_up_create`, with the agent's text as its first reply)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_forms import FollowUpForm, LinkForm, MergeForm
from supportal.agent.case_page import Bound, back, invalid, refused
from supportal.agent.guards import agent_required
from supportal.cases import services
from supportal.cases.access import case_for
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel
from supportal.cases.services.links import follow_up_create
from supportal.core.errors import Conflict, DomainError, NotFound
from supportal.orgs.policies import Actor
from supportal.web.cases.case_http import case_or_404


def _other(actor: Actor, form: LinkForm | MergeForm) -> Case | None:
    """The case the form names, or None with the error next to the number."""
    try:
        return case_for(actor, form.cleaned_data["number"])
    except NotFound:
        form.add_error("number", "There is no case with that number.")
        return None


@agent_required
@require_POST
def case_link(request: HttpRequest, number: str) -> HttpResponse:
    case = case_or_404(request, number)
    form = LinkForm(request.POST, auto_id="link-%s")
    bound = Bound(name="link", form=form)
    if not form.is_valid() or (other := _other(request.user, form)) is None:
        return invalid(request, case, bound)
    try:
        services.case_link(actor=request.user, case=case, other=other, channel=Channel.PORTAL)
    except DomainError as error:
        return refused(request, case, bound, error, {"other": "number"})
    messages.success(request, f"Case {case.number} is linked to case {other.number}.")
    return back(case, "links")


@agent_required
@require_POST
def case_merge(request: HttpRequest, number: str) -> HttpResponse:
    """Close this case as merged into the other, which is where the agent is taken."""
    case = case_or_404(request, number)
    form = MergeForm(request.POST, auto_id="merge-%s")
    bound = Bound(name="merge", form=form)
    if not form.is_valid() or (survivor := _other(request.user, form)) is None:
        return invalid(request, case, bound)
    try:
        services.case_merge(
            actor=request.user,
            duplicate=case,
            survivor=survivor,
            channel=Channel.PORTAL,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return refused(request, case, bound, error, {"survivor": "number"})
    messages.success(request, f"Case {case.number} is merged into this case, {survivor.number}.")
    return back(survivor)


@agent_required
@require_POST
def case_follow_up(request: HttpRequest, number: str) -> HttpResponse:
    """A new case linked to this Closed one, for its requester, with the agent's text as a public reply."""
    case = case_or_404(request, number)
    form = FollowUpForm(request.POST, auto_id="followup-%s")
    bound = Bound(name="follow_up", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    if case.state != State.CLOSED:
        return refused(request, case, bound, Conflict("Only a Closed case gets a follow-up; reply on it."))
    requester = case.requester if case.requester.is_active else None
    try:
        with transaction.atomic():
            follow_up = follow_up_create(
                actor=request.user,
                closed=case,
                body=form.cleaned_data["body"],
                channel=Channel.PORTAL,
                on_behalf_of=requester,
            )
            services.comment_add(
                actor=request.user, case=follow_up, body=form.cleaned_data["body"], channel=Channel.PORTAL
            )
    except DomainError as error:
        return refused(request, case, bound, error, {"comment": "body", "requester": "body"})
    messages.success(request, f"Follow-up case {follow_up.number} is open, linked to case {case.number}.")
    return back(follow_up)
