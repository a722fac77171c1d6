"""The chat's HTTP endpoints (JSON), shared by the portal's bubble and the agent inbox: the bubble's
bootstrap, starting a chat, the polling fallback (read after a message id, send), files, and the
agents' moves (accept, transfer, case, link, close). Each loads through `access` and calls one service;
domain errors come back as `{"error", "detail", "fields"}` with their status."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from supportal.accounts.models import User, UserKind
from supportal.cases.access import case_for
from supportal.cases.models import CaseType
from supportal.channels.chat import access, policies, push, selectors, services
from supportal.channels.chat.hours import staffing_now
from supportal.core.errors import DomainError, Forbidden, InvalidInput
from supportal.core.files import check_upload, file_response
from supportal.orgs.models import Team

View = Callable[..., HttpResponse]


def json_view(view: View) -> View:
    """Signed in (401 as JSON otherwise, not a redirect), domain errors as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {"error": "unauthorized", "detail": "Please sign in.", "fields": {}}, status=401
            )
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            fields = getattr(error, "fields", None) or {}
            return JsonResponse(
                {"error": type(error).__name__, "detail": str(error), "fields": fields}, status=error.status
            )

    return wrapper


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@require_GET
@json_view
def chat_state(request: HttpRequest) -> HttpResponse:
    """The bubble's bootstrap: whether chat is offered, staffed now, and the open conversation."""
    actor = _actor(request)
    organisation = selectors.chat_organisation_of(actor)
    if organisation is None:
        return JsonResponse({"offered": False})
    staffing = staffing_now()
    conversation = selectors.open_conversation_of(actor)
    return JsonResponse(
        {
            "offered": True,
            "staffed": staffing.staffed,
            "opens_at": staffing.opens_at.isoformat() if staffing.opens_at else None,
            "conversation": push.conversation_json(conversation) if conversation else None,
            "socket": "/ws/chat/",
            "case_url": reverse("web:case_new"),
            "history_url": reverse("chat:history"),
            "name_needed": bool(organisation.shared_login),
        }
    )


@require_POST
@json_view
def chat_start(request: HttpRequest) -> HttpResponse:
    conversation = services.conversation_start(
        actor=_actor(request), body=request.POST.get("body", ""), name=request.POST.get("name", "")
    )
    return JsonResponse({"conversation": push.conversation_json(conversation)}, status=201)


@json_view
def chat_messages(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """GET: the state and the messages after `after` (the polling fallback). POST: send `body`."""
    conversation = access.conversation_for(_actor(request), conversation_id)
    if request.method == "POST":
        message = services.message_post(
            actor=_actor(request), conversation=conversation, body=request.POST.get("body", "")
        )
        return JsonResponse({"message": push.message_json(message)}, status=201)
    try:
        after = max(0, int(request.GET.get("after") or 0))
    except ValueError:
        raise InvalidInput("`after` is a message id.", fields={"after": ["A whole number."]}) from None
    messages = selectors.messages_of(conversation, after=after)
    return JsonResponse(
        {"state": push.conversation_json(conversation), "messages": [push.message_json(m) for m in messages]}
    )


@require_POST
@json_view
def chat_file_share(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = access.conversation_for(_actor(request), conversation_id)
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput("Choose a file.", fields={"file": ["This field is required."]})
    checked = check_upload(name=upload.name or "file", stream=upload)
    message = services.file_share(
        actor=_actor(request), conversation=conversation, file=checked, body=request.POST.get("body", "")
    )
    return JsonResponse({"message": push.message_json(message)}, status=201)


@login_required
@require_GET
def chat_file(request: HttpRequest, conversation_id: int, file_id: int) -> HttpResponseBase:
    try:
        shared = access.chat_file_for(_actor(request), conversation_id, file_id)
    except DomainError as error:
        return HttpResponse(str(error), status=error.status, content_type="text/plain")
    return file_response(
        storage_path=shared.storage_path,
        filename=shared.filename,
        content_type=shared.content_type,
        inline=request.GET.get("inline") == "1",
    )


@require_POST
@json_view
def chat_close(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = access.conversation_for(_actor(request), conversation_id)
    closed = services.conversation_close(actor=_actor(request), conversation=conversation)
    return JsonResponse({"state": push.conversation_json(closed)})


@require_POST
@json_view
def chat_accept(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = access.conversation_for(_actor(request), conversation_id)
    accepted = services.conversation_accept(actor=_actor(request), conversation=conversation)
    return JsonResponse({"state": push.conversation_json(accepted)})


@require_POST
@json_view
def chat_transfer(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """`agent` (a user id) or `team` (a team id), and an optional `note`."""
    conversation = access.conversation_for(_actor(request), conversation_id)
    to_agent = _pick(User.objects.filter(kind=UserKind.AGENT, is_active=True), request.POST.get("agent"))
    to_team = _pick(Team.objects.all(), request.POST.get("team"))
    moved = services.conversation_transfer(
        actor=_actor(request),
        conversation=conversation,
        to_agent=to_agent,
        to_team=to_team,
        note=request.POST.get("note", ""),
    )
    return JsonResponse({"state": push.conversation_json(moved)})


def _pick(rows: Any, value: str | None) -> Any:
    if not value:
        return None
    try:
        found = rows.filter(pk=int(value)).first()
    except ValueError:
        found = None
    if found is None:
        raise InvalidInput("No such agent or team.", fields={"to": ["Choose from the list."]})
    return found


@require_POST
@json_view
def chat_case(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Create case from chat: `subject`, `case_type` (an id), `priority` (P1-P4), `description`."""
    actor = _actor(request)
    conversation = access.conversation_for(actor, conversation_id)
    case_type = _pick(CaseType.objects.filter(is_active=True), request.POST.get("case_type"))
    case = services.case_from_conversation(
        actor=actor,
        conversation=conversation,
        subject=request.POST.get("subject", ""),
        case_type=case_type,
        priority=request.POST.get("priority") or None,
        description=request.POST.get("description", ""),
    )
    return JsonResponse({"case": case.number, "url": reverse("agent:case", args=[case.number])}, status=201)


@require_POST
@json_view
def chat_link(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Put the chat on an existing case: `case` (its number)."""
    actor = _actor(request)
    conversation = access.conversation_for(actor, conversation_id)
    number = (request.POST.get("case") or "").strip()
    if not policies.can_work_chats(actor):
        raise Forbidden("Only agents link chats to cases.")
    if not number:
        raise InvalidInput("Give the case number.", fields={"case": ["This field is required."]})
    case = case_for(actor, number)
    linked = services.conversation_link_case(actor=actor, conversation=conversation, case=case)
    return JsonResponse({"state": push.conversation_json(linked)})
