"""/agent/on-call/: per team rota, who is on call now, the shifts of the next two weeks, the overrides
coming (with the form to add one and buttons to remove them), and the pages waiting for an
acknowledgement. Agents only; the writes are services.rotas'."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from supportal.agent.guards import agent_required
from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError, NotFound
from supportal.escalation import access, selectors
from supportal.escalation.board import RotaBoard, on_call_board
from supportal.escalation.forms import OverrideForm, agents_to_choose
from supportal.escalation.services.rotas import override_create, override_remove
from supportal.web.cases.detail_forms import add_errors

DAYS = 14
WAITING_SHOWN = 50


@agent_required
@require_safe
def on_call_page(request: HttpRequest) -> HttpResponse:
    return _render(request)


def _render(
    request: HttpRequest, bound: OverrideForm | None = None, bound_rota: int | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    boards = on_call_board(request.user, now=now, days=DAYS)
    agents = agents_to_choose() if any(board.may_take for board in boards) else []
    rows: list[tuple[RotaBoard, OverrideForm | None]] = []
    for board in boards:
        form = bound if bound is not None and bound_rota == board.rota.pk else None
        if form is None and board.may_take:
            form = OverrideForm(
                auto_id=f"override-{board.rota.pk}-%s",
                agents=agents,
                initial={"rota": board.rota.pk, "user": getattr(request.user, "pk", None)},
            )
        rows.append((board, form))
    context: dict[str, Any] = {
        "rows": rows,
        "days": DAYS,
        "now": now,
        "waiting": list(selectors.pages_waiting()[:WAITING_SHOWN]),
        "zone_name": timezone.get_current_timezone_name(),
    }
    return render(request, "escalation/on_call.html", context, status=status)


@agent_required
@require_POST
def override_add(request: HttpRequest) -> HttpResponse:
    form = OverrideForm(
        request.POST, auto_id=f"override-{request.POST.get('rota', '')}-%s", agents=agents_to_choose()
    )
    if not form.is_valid():
        rota = form.cleaned_data.get("rota")
        if rota is None:
            raise Http404("No such rota.")
        return _render(request, form, rota.pk, status=422)
    data = form.cleaned_data
    try:
        override_create(
            actor=request.user,
            channel=AuditChannel.WEB,
            rota=data["rota"],
            user=form.chosen_user(),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
        )
    except DomainError as error:
        add_errors(form, error)
        return _render(request, form, data["rota"].pk, status=error.status)
    messages.success(
        request, f"{form.chosen_user().display_name} is on call for {data['rota'].team.name} then."
    )
    return HttpResponseRedirect(reverse("escalation:on_call") + f"#rota-{data['rota'].pk}")


@agent_required
@require_POST
def override_delete(request: HttpRequest, override_id: int) -> HttpResponse:
    try:
        override = access.override_for(request.user, override_id)
    except NotFound:
        raise Http404("No such override.") from None
    try:
        override_remove(actor=request.user, channel=AuditChannel.WEB, override=override)
    except DomainError as error:
        messages.error(request, error.detail)
        return _render(request, status=error.status)
    messages.success(request, "The override is removed.")
    return HttpResponseRedirect(reverse("escalation:on_call") + f"#rota-{override.rota_id}")
