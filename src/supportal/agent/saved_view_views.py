"""Saving the current queue and filters as a view (POST /agent/views/) and deleting one
(POST /agent/views/<id>/delete/). Both answer with a message and a redirect (POST/redirect/GET)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from supportal.agent.guards import agent_required
from supportal.agent.queue_links import safe_next
from supportal.agent.queues import agent_teams_of
from supportal.agent.saved_views import saved_view_create, saved_view_delete, saved_view_for
from supportal.core.errors import DomainError, NotFound
from supportal.orgs.models import Team

PERSONAL = "me"


@agent_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """Fields: `name`, `queue`, `query` (the filters, URL-encoded), `scope` ("me" or one of the agent's
    team ids) and `next` (where to go back to if the view cannot be saved)."""
    agent = agent_teams_of(request.user)
    scope = request.POST.get("scope", PERSONAL)
    team = None
    if scope != PERSONAL:
        team = Team.objects.filter(pk=int(scope) if scope.isdigit() and len(scope) < 19 else 0).first()
        if team is None:
            messages.error(request, "The view cannot be saved: choose yourself or one of your teams.")
            return redirect(safe_next(request, reverse("agent:home")))
    try:
        view = saved_view_create(
            actor=request.user,
            agent=agent,
            name=request.POST.get("name", ""),
            queue=request.POST.get("queue", ""),
            query=request.POST.get("query", ""),
            team=team,
        )
    except DomainError as error:
        problems = " ".join(p for field in error.fields.values() for p in field)
        messages.error(request, f"{error.detail} {problems}".strip())
        return redirect(safe_next(request, reverse("agent:home")))
    whose = f"for {team.name}" if team is not None else "for you"
    messages.success(request, f"Saved the view “{view.name}” {whose}.")
    return redirect("agent:saved_view", view_id=view.pk)


@agent_required
@require_POST
def delete(request: HttpRequest, view_id: int) -> HttpResponse:
    agent = agent_teams_of(request.user)
    try:
        view = saved_view_for(request.user, agent, view_id)
        saved_view_delete(actor=request.user, agent=agent, view=view)
    except NotFound as error:
        raise Http404(error.detail) from None
    messages.success(request, f"Deleted the view “{view.name}”.")
    return redirect("agent:home")
