"""A conversation's transcript on its case: one public `chat` event per copy, holding the lines the case
did not have yet (when the case is created or linked, and the rest when the chat ends)."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from supportal.cases.models import Channel, EventKind
from supportal.cases.services import history
from supportal.cases.services.attachments import attachment_add
from supportal.channels.chat.models import ChatFile, ChatMessage, Conversation
from supportal.core.files import check_upload
from supportal.orgs.policies import Actor

LINES_MAX = 2000


def transcript_lines(conversation: Conversation, *, after: int) -> list[dict[str, Any]]:
    rows = (
        ChatMessage.objects.filter(conversation=conversation, id__gt=after)
        .select_related("file")
        .order_by("id")[: LINES_MAX + 1]
    )
    return [
        {
            "id": row.pk,
            "at": row.created_at.isoformat(),
            "author": row.author_name,
            "from_agent": row.from_agent,
            "kind": row.kind,
            "body": row.body,
            "file": row.file.filename if row.file is not None else "",
        }
        for row in rows
    ]


def transcript_record(conversation: Conversation, *, actor: Actor) -> int:
    """Copy the lines after `transcript_upto` onto the linked case, and their files as the case's
    attachments (checked again, as every case file is); returns how many lines were copied. The caller
    holds the conversation's row lock."""
    case = conversation.case
    if case is None:
        return 0
    lines = transcript_lines(conversation, after=conversation.transcript_upto)
    if not lines:
        return 0
    truncated = len(lines) > LINES_MAX
    lines = lines[:LINES_MAX]
    history.record(
        case,
        EventKind.CHAT,
        actor=actor,
        channel=Channel.CHAT,
        public=True,
        data={
            "conversation": conversation.pk,
            "lines": lines,
            "truncated": truncated,
            "agent_replied": any(line["from_agent"] and line["kind"] == "message" for line in lines),
        },
    )
    shared = ChatFile.objects.filter(
        pk__in=ChatMessage.objects.filter(
            conversation=conversation, id__gt=conversation.transcript_upto, id__lte=lines[-1]["id"]
        ).values("file_id")
    ).order_by("id")
    for row in shared:
        with default_storage.open(row.storage_path, "rb") as stream:
            checked = check_upload(name=row.filename, stream=stream)
        attachment_add(actor=actor, case=case, file=checked, channel=Channel.CHAT, public=True)
    conversation.transcript_upto = lines[-1]["id"]
    Conversation.objects.filter(pk=conversation.pk).update(transcript_upto=conversation.transcript_upto)
    return len(lines)
