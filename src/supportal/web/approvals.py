"""Approvals in the portal: /approvals/ (what waits for my decision), /approvals/<token>/ (the signed
link of the approval email) and the case page's Approve / Reject form (POST /cases/<number>/approval/).

An approver reads what they approve on the list and the link's page (the summary), even when the case is
private to its requester and its page is closed to them. The link needs no sign-in: the token names the
approver, who is checked again when deciding (a revoked approver decides nothing). A GET never decides;
the form POSTs. Errors are pages that say what happened: an invalid or expired link 404, an approver
no longer allowed 403, a decision already taken 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportal.accounts.models import User
from supportal.cases import selectors as case_selectors
from supportal.cases.access import case_for
from supportal.cases.models import Case, Channel
from supportal.catalog import policies, selectors
from supportal.catalog.models import ApprovalDecision, ApprovalRequirement, ApprovalState, Decision
from supportal.catalog.services.approvals import approval_decide, approval_from_token, approval_link_token
from supportal.core.errors import DomainError, NotFound
from supportal.orgs.models import Permission
from supportal.orgs.policies import Actor, has_permission, is_customer
from supportal.web.approvals_forms import ApprovalForm
from supportal.web.approvals_summary import summaries, summary_of, with_summary_parts
from supportal.web.cases.detail_forms import add_errors
from supportal.web.cases.detail_page import case_page_context
from supportal.web.catalog_order import order_context

LIST_LIMIT = 200
DONE = {Decision.APPROVE: "You approved {what} {number}.", Decision.REJECT: "You rejected {what} {number}."}


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """The cases of my organisation that wait for my approval, oldest first, each with its summary."""
    actor = request.user
    if not (is_customer(actor) and has_permission(actor, Permission.APPROVE_CHANGES)):
        return render(request, "web/approvals/list.html", {"may_approve": False}, status=403)
    cases = list(with_summary_parts(selectors.approvals_awaiting(actor))[: LIST_LIMIT + 1])
    shown = cases[:LIST_LIMIT]
    visible = set(
        case_selectors.cases_visible_to(actor)
        .filter(pk__in=[c.pk for c in shown])
        .values_list("pk", flat=True)
    )
    assert isinstance(actor, User)
    rows = [
        (summary, approval_link_token(summary.case, actor), summary.case.pk in visible)
        for summary in summaries(shown)
    ]
    context = {"may_approve": True, "rows": rows, "more": len(cases) > LIST_LIMIT}
    return render(request, "web/approvals/list.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def approval_link(request: HttpRequest, token: str) -> HttpResponse:
    """The approval email's link: the summary and the form; a POST decides as the link's approver."""
    try:
        case, approver = approval_from_token(token)
    except NotFound as error:
        return _problem_page(request, error.detail, 404)
    if request.method != "POST":
        problem, status = why_not(approver, case)
        return _link_page(request, case, approver, problem=problem, status=status)
    form = ApprovalForm(request.POST, auto_id="approval-%s")
    if not form.is_valid():
        return _link_page(request, case, approver, form=form, status=422)
    try:
        row = approval_decide(actor=approver, case=case, channel=Channel.EMAIL, **form.cleaned_data)
    except DomainError as error:
        if error.status == 422:
            add_errors(form, error)
            return _link_page(request, case, approver, form=form, status=422)
        return _link_page(request, case, approver, problem=error.detail, status=error.status)
    return _link_page(request, case, approver, done=row)


@login_required
@require_POST
def case_approval(request: HttpRequest, number: str) -> HttpResponse:
    """The case page's Approve / Reject form (or the list's, for a case whose page is closed to me)."""
    actor = request.user
    assert isinstance(actor, User)
    case, visible = _case_to_decide(actor, number)
    form = ApprovalForm(request.POST, auto_id="approval-%s")
    if not form.is_valid():
        return _refused(request, case, visible, form, "", 422)
    try:
        row = approval_decide(actor=actor, case=case, channel=Channel.PORTAL, **form.cleaned_data)
    except DomainError as error:
        if error.status == 422:
            add_errors(form, error)
            return _refused(request, case, visible, form, "", 422)
        return _refused(request, case, visible, form, error.detail, error.status)
    what = "the order" if case.kind == "order" else "the change"
    messages.success(request, DONE[Decision(row.decision)].format(what=what, number=case.number))
    if visible:
        return HttpResponseRedirect(reverse("web:case_detail", args=[case.number]) + "#approvals")
    return HttpResponseRedirect(reverse("web:approvals"))


def _refused(
    request: HttpRequest, case: Case, visible: bool, form: ApprovalForm, problem: str, status: int
) -> HttpResponse:
    """The page the form came from again, with the form's errors or the problem on top."""
    actor = request.user
    if visible:
        case.refresh_from_db()
        context = {**case_page_context(request, case), **order_context(actor, case, form=form, error=problem)}
        return render(request, "web/cases/detail_page.html", context, status=status)
    assert isinstance(actor, User)
    return _link_page(request, case, actor, form=form, problem=problem, status=status)


def _case_to_decide(actor: Actor, number: str) -> tuple[Case, bool]:
    """The case if the actor may see it, or (its page closed to them) if it waits for approval and
    they approve for its organisation; 404 otherwise. Returns the case and whether they may see it."""
    try:
        return case_for(actor, number), True
    except NotFound:
        pass
    case = (
        Case.objects.filter(number=number, approval_requirement__state=ApprovalState.PENDING)
        .select_related("organisation", "requester", "request_type")
        .first()
    )
    if case is None or not policies.can_approve(actor, case):
        raise Http404("No such case.")
    return case, False


def why_not(approver: User, case: Case) -> tuple[str, int]:
    """Why this approver cannot decide this case now ("" and 200 when they can)."""
    requirement = ApprovalRequirement.objects.filter(case_id=case.pk).first()
    if requirement is None:
        return "This case needs no approval.", 404
    mine = ApprovalDecision.objects.filter(requirement=requirement, approver=approver).first()
    if mine is not None:
        verb = "approved" if mine.decision == Decision.APPROVE else "rejected"
        return f"You {verb} this on {mine.decided_at:%d %b %Y at %H:%M} UTC already.", 409
    if requirement.state != ApprovalState.PENDING:
        return (
            f"This was {ApprovalState(requirement.state).label.lower()} already: nothing left to decide.",
            409,
        )
    if not policies.can_approve(approver, case):
        return (
            f"You may no longer approve changes for {case.organisation.name}: "
            "ask your organisation's user manager if you should.",
            403,
        )
    return "", 200


def _link_page(
    request: HttpRequest,
    case: Case,
    approver: User,
    *,
    form: ApprovalForm | None = None,
    problem: str = "",
    done: ApprovalDecision | None = None,
    status: int = 200,
) -> HttpResponse:
    summary = summary_of(case)
    context: dict[str, Any] = {
        "summary": summary,
        "approver": approver,
        "form": form or ApprovalForm(auto_id="approval-%s"),
        "problem": problem,
        "done": done,
        "state_label": ApprovalState(summary.case.approval_requirement.state).label,
        "case_visible": False,
    }
    if request.user.is_authenticated and request.user.pk == approver.pk:
        context["case_visible"] = case_selectors.cases_visible_to(request.user).filter(pk=case.pk).exists()
    response = render(request, "web/approvals/link.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token stays here; a form POST keeps its Origin
    return response


def _problem_page(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    response = render(request, "web/approvals/problem.html", {"problem": problem}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # the token stays here; a form POST keeps its Origin
    return response
