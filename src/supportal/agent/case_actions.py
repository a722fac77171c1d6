"""The case page's moves: the lifecycle actions an agent takes (take, ask for information, hold, resume,
resolve), escalating, and assigning to a team or an agent ("Assign to me").

Each view loads the case, calls one service and redirects back with a message; a refusal shows the
page again with the form as filled in and the refusal's status (409 for a move the state does not allow).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from supportal.agent.case_forms import (
    AGENT_ACTIONS,
    AssignForm,
    CaseActionForm,
    DeescalateForm,
    EscalateForm,
)
from supportal.agent.case_page import Bound, back, invalid, refused
from supportal.agent.guards import agent_required
from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Channel
from supportal.core.errors import DomainError
from supportal.web.cases.case_http import case_or_404
from supportal.web.cases.detail_forms import ACTION_DONE


@agent_required
@require_POST
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """`services.case_transition` with the agent's text for the customer, if any."""
    case = case_or_404(request, number)
    try:
        move = Action(action)
    except ValueError:
        raise Http404("No such action.") from None
    if move not in AGENT_ACTIONS:
        raise Http404("No such action.")
    form = CaseActionForm(request.POST, action=move)
    bound = Bound(name="action", form=form, action=move)
    if not form.is_valid():
        return invalid(request, case, bound)
    try:
        services.case_transition(
            actor=request.user,
            case=case,
            action=move,
            channel=Channel.PORTAL,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as error:
        return refused(request, case, bound, error)
    messages.success(request, ACTION_DONE[move].format(number=case.number))
    return back(case)


@agent_required
@require_POST
def case_escalate(request: HttpRequest, number: str) -> HttpResponse:
    """One level up the organisation's escalation matrix, with a reason."""
    case = case_or_404(request, number)
    form = EscalateForm(request.POST, auto_id="escalate-%s")
    bound = Bound(name="escalate", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    try:
        services.case_escalate(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], channel=Channel.PORTAL
        )
    except DomainError as error:
        return refused(request, case, bound, error)
    messages.success(request, f"Case {case.number} is now at escalation level {case.escalation_level}.")
    return back(case)


@agent_required
@require_POST
def case_deescalate(request: HttpRequest, number: str) -> HttpResponse:
    """One level down the escalation matrix (not below 0), with a reason."""
    case = case_or_404(request, number)
    form = DeescalateForm(request.POST, auto_id="deescalate-%s")
    bound = Bound(name="deescalate", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    try:
        services.case_deescalate(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], channel=Channel.PORTAL
        )
    except DomainError as error:
        return refused(request, case, bound, error)
    messages.success(request, f"Case {case.number} is now at escalation level {case.escalation_level}.")
    return back(case)


@agent_required
@require_POST
def case_assign(request: HttpRequest, number: str) -> HttpResponse:
    """A team and/or an agent (`services.case_assign`); assigning a New case opens it."""
    case = case_or_404(request, number)
    form = AssignForm(request.POST, auto_id="assign-%s")
    bound = Bound(name="assign", form=form)
    if not form.is_valid():
        return invalid(request, case, bound)
    assignee, team = form.cleaned_data["assignee"], form.cleaned_data["team"]
    try:
        services.case_assign(
            actor=request.user, case=case, channel=Channel.PORTAL, assignee=assignee, team=team
        )
    except DomainError as error:
        return refused(request, case, bound, error)
    if assignee is not None and assignee.pk == request.user.pk:
        messages.success(request, f"You took case {case.number}.")
    else:
        who = case.assignee.display_name if case.assignee else "nobody yet"
        where = f" ({case.team.name})" if case.team else ""
        messages.success(request, f"Case {case.number} is assigned to {who}{where}.")
    return back(case)


@agent_required
@require_POST
def case_workaround(request: HttpRequest, number: str) -> HttpResponse:
    """ "Mark workaround" (`services.case_mark_workaround`): stops the case's workaround SLA clock."""
    case = case_or_404(request, number)
    try:
        services.case_mark_workaround(actor=request.user, case=case, channel=Channel.PORTAL)
    except DomainError as error:
        return refused(request, case, Bound(name="workaround"), error)
    messages.success(request, f"A workaround is recorded on case {case.number}.")
    return back(case)
