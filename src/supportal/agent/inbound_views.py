"""The email channel's inbound messages in the workspace: /agent/email/ lists them by status (held by
default), /agent/email/<id>/ shows one with what an agent may do with it, /agent/email/<id>/raw/ gives
the message byte for byte. The actions the page posts are in inbound_actions.py.

The list is two queries whatever the number of messages: the capped count of every tab together
(queue_counts.capped_counts), and one keyset page on the (status, -received_at) or (-received_at, -id)
index, without the raw bytes. The page shows the sender's text as text: their HTML is never rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from supportal.agent.guards import agent_required
from supportal.agent.inbound_forms import AttachForm, CreateCaseForm, DiscardForm
from supportal.agent.inbound_users import NAME, QUERY_NAME, UserPicker, user_picker
from supportal.agent.queue_counts import capped_counts, shown
from supportal.agent.queue_links import case_url, with_cursor
from supportal.api.v1.pagination import PageOf, PageParams, paginate
from supportal.channels.email import held
from supportal.channels.email.models import InboundMessage, Status
from supportal.channels.email.parse import parse_message
from supportal.channels.email.parsed import ParsedMessage
from supportal.channels.email.reply import visible_reply
from supportal.core.errors import InvalidInput, NotFound
from supportal.core.files import content_disposition, human_size

PAGE_SIZE = 25
ORDERING = ("-received_at", "-id")
LISTED_FIELDS = (
    *("id", "received_at", "from_address", "subject", "status", "outcome", "reason_code", "reason"),
    *("case_id", "case__number"),
)
# The headers shown first on a message's page; every header is listed below them.
MAIN_HEADERS = ("from", "reply-to", "to", "cc", "date", "subject", "message-id", "in-reply-to", "references")


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    status: str | None  # None: every message


TABS = {
    tab.key: tab
    for tab in (
        Tab("held", "Held", Status.HELD),
        Tab("failed", "Failed", Status.FAILED),
        Tab("ignored", "Ignored", Status.IGNORED),
        Tab("discarded", "Discarded", Status.DISCARDED),
        Tab("all", "All", None),
    )
}
DEFAULT_TAB = "held"


@dataclass(frozen=True)
class TabLink:
    tab: Tab
    url: str
    count: str
    active: bool


@dataclass(frozen=True)
class Row:
    message: InboundMessage
    url: str
    case_url: str


@agent_required
@require_GET
def inbound_list(request: HttpRequest) -> HttpResponse:
    visible = held.inbound_visible_to(request.user)
    key = request.GET.get("status", DEFAULT_TAB)
    tab = TABS.get(key)
    if tab is None:
        raise Http404("No such list.")
    counted = {t.key: visible.filter(status=t.status) for t in TABS.values() if t.status is not None}
    counts = capped_counts(counted)
    listed = visible if tab.status is None else visible.filter(status=tab.status)
    cursor = request.GET.get("cursor") or None
    page, bad_cursor = _page(listed, cursor)
    base = reverse("agent:inbound_list")
    tabs = [
        TabLink(
            t,
            base if t.key == DEFAULT_TAB else f"{base}?status={t.key}",
            shown(counts[t.key]) if t.key in counts else "",
            t is tab,
        )
        for t in TABS.values()
    ]
    rows = [
        Row(
            m,
            reverse("agent:inbound", kwargs={"message_id": m.pk}),
            case_url(m.case.number) if m.case else "",
        )
        for m in page.items
    ]
    context = {
        "tab": tab,
        "tabs": tabs,
        "rows": rows,
        "bad_cursor": bad_cursor,
        "paged": cursor is not None and not bad_cursor,
        "next_url": with_cursor(request, page.next_cursor) if page.next_cursor else None,
        "first_url": with_cursor(request, None),
    }
    return render(request, "agent/inbound/list.html", context)


def _page(messages: QuerySet[InboundMessage], cursor: str | None) -> tuple[PageOf[InboundMessage], bool]:
    """One page, newest first, without the raw bytes; a cursor that is not this list's gives the first."""
    rows = messages.select_related("case").only(*LISTED_FIELDS)
    try:
        return paginate(rows, PageParams(cursor=cursor, limit=PAGE_SIZE), ordering=ORDERING), False
    except InvalidInput:
        return paginate(rows, PageParams(cursor=None, limit=PAGE_SIZE), ordering=ORDERING), True


def message_for(request: HttpRequest, message_id: int) -> InboundMessage:
    try:
        return held.inbound_for(request.user, message_id)
    except NotFound as error:
        raise Http404(error.detail) from None


@agent_required
@require_GET
def inbound_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = message_for(request, message_id)
    picker = user_picker(request.user, request.GET.get(QUERY_NAME, ""), request.GET.get(NAME, ""))
    return detail_page(request, message, picker=picker)


def detail_page(
    request: HttpRequest,
    message: InboundMessage,
    *,
    attach: AttachForm | None = None,
    create: CreateCaseForm | None = None,
    discard: DiscardForm | None = None,
    picker: UserPicker | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The message's page; the action that was posted brings its bound form back with the errors."""
    parsed = parse_message(bytes(message.raw))
    context: dict[str, Any] = {
        "message": message,
        "main_headers": [(name, value) for name in MAIN_HEADERS for value in parsed.headers.get(name, [])],
        "all_headers": [(name, value) for name, values in parsed.headers.items() for value in values],
        "visible_text": _visible(message, parsed),
        "whole_text": parsed.text,
        "had_html": bool(parsed.html),
        "attachments": [
            {"name": a.filename or "(no name)", "size": human_size(len(a.data)), "type": a.content_type}
            for a in parsed.attachments
        ],
        "case_url": case_url(message.case.number) if message.case else "",
        "actionable": message.status in held.ACTIONABLE,
        "failed": message.status == Status.FAILED,
        "attach_form": attach or AttachForm(),
        "create_form": create or CreateCaseForm(),
        "discard_form": discard or DiscardForm(),
        "picker": picker or user_picker(request.user, "", ""),
        "error": error,
        "this_url": request.path,
    }
    return render(request, "agent/inbound/detail.html", context, status=status)


def _visible(message: InboundMessage, parsed: ParsedMessage) -> str:
    """The reply as added to a case, or as it would be: quoted text and signature removed."""
    if message.visible_text:
        return message.visible_text
    return visible_reply(parsed.text, parsed.html) or parsed.text.strip()


@agent_required
@require_GET
def inbound_raw(request: HttpRequest, message_id: int) -> HttpResponse:
    """The message as it arrived, to open in a mail client; never shown in the browser."""
    message = message_for(request, message_id)
    data, filename = held.raw_download(actor=request.user, message=message)
    response = HttpResponse(data, content_type="message/rfc822")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
