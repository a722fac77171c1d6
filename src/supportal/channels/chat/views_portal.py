"""The customer's chat history: /chats/ (their conversations, newest first) and /chats/<id>/ (one
transcript). Customers only: agents have the inbox and its search, and get 404 here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from supportal.channels.chat import access, selectors
from supportal.channels.chat.models import ChatMessage, Conversation
from supportal.core.errors import NotFound
from supportal.orgs.policies import is_customer

PAGE_SIZE = 50
TRANSCRIPT_CHUNK = 500


@login_required
@require_GET
def chat_history(request: HttpRequest) -> HttpResponse:
    """A page of the customer's conversations; "Older" follows ``?before=<id>`` (keyset on the id)."""
    if not is_customer(request.user):
        raise Http404
    before = _positive_int(request.GET.get("before"))
    rows = selectors.conversations_visible_to(request.user).select_related("agent", "case").order_by("-id")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    context = {"conversations": page[:PAGE_SIZE], "older": older, "paged": before is not None}
    return render(request, "chat/history.html", context)


@login_required
@require_GET
def chat_transcript(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Every line of one of the customer's conversations, with its files and its case."""
    if not is_customer(request.user):
        raise Http404
    try:
        conversation = access.conversation_for(request.user, conversation_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "chat/transcript.html",
        {"conversation": conversation, "chat_messages": _every_message(conversation)},
    )


def _every_message(conversation: Conversation) -> list[ChatMessage]:
    """All the messages, read in chunks (`messages_of` caps one read)."""
    found: list[ChatMessage] = []
    while True:
        after = found[-1].pk if found else 0
        chunk = selectors.messages_of(conversation, after=after, limit=TRANSCRIPT_CHUNK)
        found.extend(chunk)
        if len(chunk) < TRANSCRIPT_CHUNK:
            return found


def _positive_int(raw: str | None) -> int | None:
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    value = int(raw)
    return value if value > 0 else None


urlpatterns: list[URLPattern] = [
    path("chats/", chat_history, name="history"),
    path("chats/<int:conversation_id>/", chat_transcript, name="transcript"),
]
