"""The demo's live chats, at Globex Bank (Premium, the plan with chat), written through the services:
Charlie's chat this morning that became a case (its transcript and log file on the case), Priya's question
answered in the chat and closed without a case, and Priya's chat waiting now, so the agents' inbox has
someone to answer. Loading again adds nothing: any Globex conversation marks them done.

The services write in a second; each chat is then given its own recent times, a minute a line, the same
way demo_timeline.py spreads the stories (a demo's clock, not an edit).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from supportal.accounts.models import User
from supportal.cases.models import Attachment, Case, CaseEvent, CaseType, Comment, EventKind
from supportal.channels.chat.models import ChatFile, ChatMessage, Conversation
from supportal.channels.chat.services import (
    case_from_conversation,
    conversation_accept,
    conversation_close,
    conversation_start,
    file_share,
    message_post,
)
from supportal.core.files import check_upload
from supportal.notifications.models import Notification
from supportal.orgs.models import Organisation

ORGANISATION = "Globex Bank"
STEP = timedelta(minutes=1)
CONVERSATION_DATES = ("created_at", "waiting_since", "accepted_at", "closed_at", "last_message_at")
CASE_DATES = ("created_at", "updated_at", "resolved_at", "closed_at")
EXPORT_LOG = """\
08:41:07 INFO  treasury-export: manual export started (412 payments)
08:41:09 ERROR treasury-export: POST erp.globex.example/api/payments: connection reset by peer
08:41:09 ERROR treasury-export: export aborted, nothing sent
"""


def load_demo_chats() -> int:
    """Write the demo's chats (once); returns how many were written now."""
    globex = Organisation.objects.get(name=ORGANISATION)
    if Conversation.objects.filter(organisation=globex).exists():
        return 0
    people = {p.email.split("@")[0]: p for p in User.objects.filter(email__in=_EMAILS)}
    now = timezone.now()
    _restamped(lambda: _chat_became_a_case(people), start=now - timedelta(minutes=95))
    _restamped(lambda: _question_answered(people), start=now - timedelta(minutes=40))
    _restamped(lambda: _waiting_now(people), start=now - timedelta(minutes=3))
    return 3


_EMAILS = ("charlie@globex.example", "priya@globex.example", "dana@provider.example")


def _chat_became_a_case(people: dict[str, User]) -> Conversation:
    charlie, dana = people["charlie"], people["dana"]
    chat = conversation_start(
        actor=charlie, body="Hi, the manual payments export to our ERP failed twice this morning."
    )
    conversation_accept(actor=dana, conversation=chat)
    say(
        chat,
        dana,
        "Hello Charlie, Dana here. Sorry about that. Which export: the nightly batch or the manual one?",
    )
    say(chat, charlie, "The manual one from the treasury screen. The nightly batch ran fine.")
    log = check_upload(name="treasury-export.log", stream=EXPORT_LOG.encode())
    file_share(actor=charlie, conversation=chat, file=log, body="Here is the log from the second try.")
    say(
        chat,
        dana,
        "Thanks. 'Connection reset' points at the firewall; I'll open a case for the Network team.",
    )
    case = case_from_conversation(
        actor=dana,
        conversation=chat,
        subject="Manual payments export to the ERP fails with 'connection reset'",
        case_type=CaseType.objects.filter(code="incident").first(),
        priority="P2",
    )
    say(chat, dana, f"Case {case.number} is yours; you'll hear from us there. Anything else?")
    say(chat, charlie, "No, that's all. Thanks!")
    return conversation_close(actor=dana, conversation=chat)


def _question_answered(people: dict[str, User]) -> Conversation:
    priya, dana = people["priya"], people["dana"]
    chat = conversation_start(
        actor=priya, body="Quick one: how do I let a new colleague see our organisation's cases?"
    )
    conversation_accept(actor=dana, conversation=chat)
    say(
        chat, dana,
        "Hi Priya! Charlie manages Globex's people: under Organisation → Users he can invite them and tick "
        "'Organisation cases'.",
    )  # fmt: skip
    say(chat, priya, "Perfect, I'll ask him. Thank you!")
    return conversation_close(actor=priya, conversation=chat)


def _waiting_now(people: dict[str, User]) -> Conversation:
    priya = people["priya"]
    chat = conversation_start(actor=priya, body="Is tonight's 22:00 maintenance on online banking still on?")
    say(chat, priya, "We have a release planned at 23:00 and would move it if needed.")
    return chat


def say(chat: Conversation, actor: User, body: str) -> ChatMessage:
    return message_post(actor=actor, conversation=chat, body=body)


class _Clock:
    """Maps each moment written by one chat to `start` plus a minute per earlier moment (order kept)."""

    def __init__(self, moments: list[datetime], start: datetime) -> None:
        self.moments = sorted(set(moments))
        self.start = start

    def __call__(self, moment: datetime | None) -> datetime | None:
        if moment is None or not self.moments or moment < self.moments[0]:
            return moment
        return self.start + STEP * (bisect.bisect_right(self.moments, moment) - 1)


def _restamped(write: Callable[[], Conversation], *, start: datetime) -> None:
    """Run `write` (one chat's story), then move every time it wrote to `start`, a minute a line."""
    since = timezone.now()
    chat = write()
    case = Case.objects.filter(pk=chat.case_id).first() if chat.case_id else None
    conversation = Conversation.objects.filter(pk=chat.pk)
    messages = ChatMessage.objects.filter(conversation=chat)
    files = ChatFile.objects.filter(conversation=chat)
    events = CaseEvent.objects.filter(case=case, at__gte=since)
    attachments = Attachment.objects.filter(case=case, created_at__gte=since)
    comments = Comment.objects.filter(case=case, created_at__gte=since)
    row = conversation.get()
    moments = [
        *(getattr(row, name) for name in CONVERSATION_DATES if getattr(row, name) is not None),
        *messages.values_list("created_at", flat=True),
        *events.values_list("at", flat=True),
        *attachments.values_list("created_at", flat=True),
        *comments.values_list("created_at", flat=True),
    ]
    clock = _Clock([m for m in moments if m >= since], start)
    conversation.update(**{name: clock(getattr(row, name)) for name in CONVERSATION_DATES})
    for message in messages.only("id", "created_at"):
        ChatMessage.objects.filter(pk=message.pk).update(created_at=clock(message.created_at))
    for shared in files.only("id", "created_at"):
        ChatFile.objects.filter(pk=shared.pk).update(created_at=clock(shared.created_at))
    for event in events.only("id", "at", "kind", "data"):
        data = _restamped_lines(event.data, clock) if event.kind == EventKind.CHAT else event.data
        CaseEvent.objects.filter(pk=event.pk).update(at=clock(event.at), data=data)
    for attachment in attachments.only("id", "created_at"):
        Attachment.objects.filter(pk=attachment.pk).update(created_at=clock(attachment.created_at))
    for comment in comments.only("id", "created_at"):
        Comment.objects.filter(pk=comment.pk).update(created_at=clock(comment.created_at))
    if case is not None:
        Case.objects.filter(pk=case.pk).update(**{name: clock(getattr(case, name)) for name in CASE_DATES})
        transaction.on_commit(lambda: _date_notifications(case.pk))  # they are written after the commit


def _date_notifications(case_id: int) -> None:
    for notification in Notification.objects.filter(event__case_id=case_id).select_related("event"):
        Notification.objects.filter(pk=notification.pk).update(created_at=notification.event.at)  # type: ignore[union-attr]


def _restamped_lines(data: dict[str, Any], clock: _Clock) -> dict[str, Any]:
    lines = []
    for line in data.get("lines") or []:
        moment = clock(parse_datetime(str(line.get("at") or "")))
        lines.append({**line, "at": moment.isoformat() if moment else line.get("at")})
    return {**data, "lines": lines}
