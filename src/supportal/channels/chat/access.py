"""Load one conversation and authorize it in one call: unseen ones are NotFound (never revealed)."""

from __future__ import annotations

from supportal.channels.chat.models import ChatFile, Conversation
from supportal.channels.chat.policies import can_view_conversation
from supportal.core.errors import NotFound
from supportal.orgs.policies import Actor


def conversation_for(actor: Actor, conversation_id: object) -> Conversation:
    try:
        pk = int(str(conversation_id))
    except ValueError:
        raise NotFound("No such conversation.") from None
    conversation = (
        Conversation.objects.select_related("organisation__plan", "customer", "agent", "case", "team")
        .filter(pk=pk)
        .first()
    )
    if conversation is None or not can_view_conversation(actor, conversation):
        raise NotFound("No such conversation.")
    return conversation


def chat_file_for(actor: Actor, conversation_id: object, file_id: object) -> ChatFile:
    conversation = conversation_for(actor, conversation_id)
    try:
        pk = int(str(file_id))
    except ValueError:
        raise NotFound("No such file.") from None
    found = ChatFile.objects.filter(pk=pk, conversation=conversation).first()
    if found is None:
        raise NotFound("No such file.")
    return found
