"""Messages and shared files. A message is written under the conversation's row lock, so its id order is
the order everyone sees."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.channels.chat import policies, push
from supportal.channels.chat.models import ChatFile, ChatMessage, Conversation, MessageKind, Status
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.core.files import CheckedFile, store
from supportal.orgs.policies import Actor, is_agent

BODY_MAX = 4000


def clean_body(body: str, *, required: bool = True) -> str:
    text = (body or "").strip()
    if required and not text:
        raise InvalidInput("Write a message.", fields={"body": ["This field is required."]})
    if len(text) > BODY_MAX:
        raise InvalidInput(
            f"A message is at most {BODY_MAX} characters; split it up.",
            fields={"body": [f"At most {BODY_MAX} characters."]},
        )
    return text


def locked(conversation: Conversation) -> Conversation:
    """The conversation's row, locked for this transaction, with what the JSON and the rules read."""
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("organisation__plan", "customer", "agent", "case", "team")
        .get(pk=conversation.pk)
    )


def _check_may_write(actor: Actor, conversation: Conversation) -> None:
    if policies.can_write(actor, conversation):
        return
    if conversation.status == Status.CLOSED:
        raise Conflict("This chat has ended; start a new one.")
    if is_agent(actor):
        raise Forbidden("Accept the chat before writing in it.")
    raise Forbidden("You may not write in this chat.")


def append(
    conversation: Conversation,
    *,
    author: User | None,
    body: str,
    kind: str = MessageKind.MESSAGE,
    file: ChatFile | None = None,
) -> ChatMessage:
    """Store one line of the conversation (the caller holds the row lock) and push it after commit."""
    now = timezone.now()
    message = ChatMessage.objects.create(
        conversation=conversation,
        kind=kind,
        author=author,
        author_name=author.display_name if author is not None else "Supportal",
        from_agent=author is not None and is_agent(author),
        body=body,
        file=file,
        created_at=now,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    push.message_pushed(message)
    return message


def event_line(conversation: Conversation, author: User | None, text: str) -> ChatMessage:
    """A line saying what happened ("Dana joined the chat"), shown to both sides."""
    return append(conversation, author=author, body=text, kind=MessageKind.EVENT)


def message_post(*, actor: User, conversation: Conversation, body: str) -> ChatMessage:
    text = clean_body(body)
    with transaction.atomic():
        current = locked(conversation)
        _check_may_write(actor, current)
        return append(current, author=actor, body=text)


def file_share(*, actor: User, conversation: Conversation, file: CheckedFile, body: str = "") -> ChatMessage:
    """A checked upload (`core.files.check_upload`: the same size and type rules as case attachments)."""
    text = clean_body(body, required=False)
    path = store(file, prefix="chat")
    with transaction.atomic():
        current = locked(conversation)
        _check_may_write(actor, current)
        shared = ChatFile.objects.create(
            conversation=current,
            uploaded_by=actor,
            filename=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            storage_path=path,
        )
        return append(current, author=actor, body=text, file=shared)
