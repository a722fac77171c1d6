"""The agents' chat inbox: /agent/chat/ (the waiting queue and the agent's own conversations, live over
the socket), its HTML partials (the queue, one conversation's panel), one conversation's transcript and
the search over every conversation. Agents only; the writes are the JSON endpoints' (views_json.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from supportal.accounts.models import User, UserKind
from supportal.agent.guards import agent_required
from supportal.cases.models import Case, CaseType, Macro, Priority
from supportal.cases.models.case import NOT_CLOSED_CASES
from supportal.cases.services.macros import PLACEHOLDER, macros_available_to
from supportal.channels.chat import access, selectors
from supportal.channels.chat.models import ChatMessage, Conversation
from supportal.core.errors import NotFound
from supportal.orgs.models import Team

CASES_SHOWN = 3
SEARCH_PAGE = 50


@dataclass
class WaitingRow:
    """One waiting conversation with its customer's open cases (their count and the newest few)."""

    conversation: Conversation
    open_case_count: int = 0
    newest_cases: list[Case] = field(default_factory=list)


@dataclass
class CannedReply:
    name: str
    text: str


@dataclass
class Panel:
    """One of the agent's conversations: its messages and the canned replies filled for it."""

    conversation: Conversation
    messages: list[ChatMessage]
    canned: list[CannedReply]

    @property
    def last_message_id(self) -> int:
        return self.messages[-1].pk if self.messages else 0


def waiting_rows() -> list[WaitingRow]:
    """The queue, oldest first, and every waiting customer's open cases in one more query."""
    rows = [WaitingRow(conversation) for conversation in selectors.waiting_queue()]
    customers = {row.conversation.customer_id for row in rows}
    if not customers:
        return rows
    by_customer: dict[int, list[Case]] = defaultdict(list)
    cases = (
        Case.objects.filter(NOT_CLOSED_CASES, requester_id__in=customers)
        .only("number", "subject", "requester_id", "created_at")
        .order_by("-created_at", "-id")
    )
    for case in cases:
        by_customer[case.requester_id].append(case)
    for row in rows:
        found = by_customer.get(row.conversation.customer_id, [])
        row.open_case_count, row.newest_cases = len(found), found[:CASES_SHOWN]
    return rows


def canned_text(macro: Macro, conversation: Conversation, agent: User) -> str:
    """The macro's body with the chat's placeholders filled; the case's are left as written."""
    name, agent_name = conversation.customer_name, agent.display_name
    values = {
        "requester.name": name,
        "requester.first_name": name.split(" ")[0],
        "organisation.name": conversation.organisation.name,
        "agent.name": agent_name,
        "agent.first_name": agent_name.split(" ")[0],
    }
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), macro.body)


def panels_for(agent: User, conversations: list[Conversation]) -> list[Panel]:
    macros = list(macros_available_to(agent).exclude(body=""))
    return [
        Panel(
            conversation=conversation,
            messages=selectors.messages_of(conversation),
            canned=[CannedReply(m.name, canned_text(m, conversation, agent)) for m in macros],
        )
        for conversation in conversations
    ]


def panel_choices(agent: User) -> dict[str, Any]:
    """What the panels' selects offer: other active agents and teams, case types, priorities."""
    return {
        "agents": list(
            User.objects.filter(kind=UserKind.AGENT, is_active=True).exclude(pk=agent.pk).order_by("name")
        ),
        "teams": list(Team.objects.order_by("name")),
        "case_types": list(CaseType.objects.filter(is_active=True)),
        "priorities": Priority.choices,
        "default_priority": Priority.P3,
    }


def _agent(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@agent_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    context = {
        "rows": waiting_rows(),
        "panels": panels_for(agent, list(selectors.conversations_of_agent(agent))),
        **panel_choices(agent),
    }
    return render(request, "chat/agent_inbox.html", context)


@agent_required
@require_safe
def waiting(request: HttpRequest) -> HttpResponse:
    """The queue's partial, fetched again when the socket says it changed."""
    return render(request, "chat/agent_waiting.html", {"rows": waiting_rows()})


@agent_required
@require_safe
def panel(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One of my conversations' panel (after accepting it, or when it was transferred to me)."""
    agent = _agent(request)
    conversation = _conversation(agent, conversation_id)
    if not conversation.is_open or conversation.agent_id != agent.pk:
        raise Http404("Not one of your conversations.")
    context = {"panel": panels_for(agent, [conversation])[0], **panel_choices(agent)}
    return render(request, "chat/agent_panel.html", context)


@agent_required
@require_safe
def conversation_page(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The full transcript of any conversation, read-only."""
    conversation = _conversation(_agent(request), conversation_id)
    context = {"conversation": conversation, "messages": selectors.messages_of(conversation, limit=5000)}
    return render(request, "chat/agent_conversation.html", context)


@agent_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Conversations whose topic, customer, organisation or messages contain `q`, newest first."""
    text = request.GET.get("q", "").strip()
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    start = (page - 1) * SEARCH_PAGE
    found = list(selectors.search_conversations(_agent(request), text)[start : start + SEARCH_PAGE + 1])
    results = found[:SEARCH_PAGE]
    matches = _matching_messages(results, text)
    context = {
        "q": text,
        "page": page,
        "more": len(found) > SEARCH_PAGE,
        "results": [(conversation, matches.get(conversation.pk)) for conversation in results],
    }
    return render(request, "chat/agent_search.html", context)


def _matching_messages(conversations: list[Conversation], text: str) -> dict[int, ChatMessage]:
    """The first message of each conversation containing `text` (one query)."""
    if not conversations or not text:
        return {}
    first: dict[int, ChatMessage] = {}
    messages = ChatMessage.objects.filter(
        conversation_id__in=[c.pk for c in conversations], body__icontains=text[: selectors.SEARCH_MAX]
    ).order_by("id")
    for message in messages.only("conversation_id", "body", "author_name", "created_at"):
        first.setdefault(message.conversation_id, message)
    return first


def _conversation(agent: User, conversation_id: int) -> Conversation:
    try:
        return access.conversation_for(agent, conversation_id)
    except NotFound:
        raise Http404("No such conversation.") from None


urlpatterns: list[URLPattern] = [
    path("agent/chat/", inbox, name="inbox"),
    path("agent/chat/waiting/", waiting, name="waiting"),
    path("agent/chat/search/", search, name="search"),
    path("agent/chat/<int:conversation_id>/", conversation_page, name="agent_conversation"),
    path("agent/chat/<int:conversation_id>/panel/", panel, name="panel"),
]
