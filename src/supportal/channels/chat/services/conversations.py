"""A conversation's life: a customer starts it, it waits in the queue (oldest first), an agent accepts it,
may transfer it to another agent or back to a team's queue, and someone closes it. Closing keeps the
transcript; a linked case gets the lines it does not have yet."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.audit.services import audit_record
from supportal.cases.models import Channel
from supportal.channels.chat import policies, push
from supportal.channels.chat.models import Conversation, Status
from supportal.channels.chat.selectors import chat_organisation_of, open_conversation_of
from supportal.channels.chat.services.messages import append, clean_body, event_line, locked
from supportal.channels.chat.services.transcript import transcript_record
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import Team

TOPIC_MAX = 250
NAME_MAX = 200


def conversation_start(*, actor: User, body: str, name: str = "") -> Conversation:
    """Open a chat with the support team with the customer's first message. A customer has at most one
    open chat: asking again returns it, with the message added."""
    text = clean_body(body)
    organisation = chat_organisation_of(actor)
    if organisation is None or not policies.can_start_chat(actor, organisation):
        raise Forbidden("Your support plan does not include chat.")
    existing = open_conversation_of(actor)
    if existing is not None:
        with transaction.atomic():
            current = locked(existing)
            if current.is_open:
                append(current, author=actor, body=text)
                return current
    shown_name = (name or "").strip()[:NAME_MAX] or actor.display_name
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                organisation=organisation,
                customer=actor,
                customer_name=shown_name,
                topic=_topic(text),
            )
            append(conversation, author=actor, body=text)
            audit_record(
                actor=actor,
                action="chat.started",
                channel=Channel.CHAT,
                target=conversation,
                organisation_id=organisation.pk,
            )
            push.conversation_pushed(conversation)
    except IntegrityError:  # a second tab started one at the same moment
        raise Conflict("You already have a chat open; it continues in the chat window.") from None
    return conversation


def _topic(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= TOPIC_MAX else first[: TOPIC_MAX - 1] + "…"


def conversation_accept(*, actor: User, conversation: Conversation) -> Conversation:
    if not policies.can_work_chats(actor):
        raise Forbidden("Only agents accept chats.")
    with transaction.atomic():
        current = locked(conversation)
        if current.status == Status.CLOSED:
            raise Conflict("This chat has ended.")
        if current.status == Status.ACTIVE:
            if current.agent_id == actor.pk:
                return current
            who = current.agent.display_name if current.agent else "another agent"
            raise Conflict(f"{who} already accepted this chat.")
        now = timezone.now()
        current.status, current.agent, current.accepted_at = Status.ACTIVE, actor, now
        current.save(update_fields=["status", "agent", "accepted_at"])
        event_line(current, actor, f"{actor.display_name} joined the chat.")
        audit_record(
            actor=actor,
            action="chat.accepted",
            channel=Channel.CHAT,
            target=current,
            organisation_id=current.organisation_id,
        )
        push.conversation_pushed(current)
        return current


def conversation_transfer(
    *,
    actor: User,
    conversation: Conversation,
    to_agent: User | None = None,
    to_team: Team | None = None,
    note: str = "",
) -> Conversation:
    """Hand the chat to another agent (theirs at once) or to a team's queue (waiting again)."""
    if not policies.can_work_chats(actor):
        raise Forbidden("Only agents transfer chats.")
    if (to_agent is None) == (to_team is None):
        raise InvalidInput(
            "Transfer to one agent or one team.", fields={"to": ["Choose an agent or a team."]}
        )
    if to_agent is not None and (to_agent.kind != UserKind.AGENT or not to_agent.is_active):
        raise InvalidInput("Chats go to active agents.", fields={"to": ["Not an active agent."]})
    with transaction.atomic():
        current = locked(conversation)
        if current.status == Status.CLOSED:
            raise Conflict("This chat has ended.")
        if (
            current.status == Status.ACTIVE
            and current.agent_id not in (actor.pk, None)
            and not actor.is_staff
        ):
            raise Forbidden("Only the agent who has the chat (or an admin) transfers it.")
        old = {"agent": current.agent_id, "team": current.team_id, "status": current.status}
        if to_agent is not None:
            current.status, current.agent, current.team = Status.ACTIVE, to_agent, None
            current.accepted_at = timezone.now()
            where = to_agent.display_name
            push.push(push.user_group(to_agent.pk), {"type": "assigned", "conversation": current.pk})
        else:
            current.status, current.agent, current.team = Status.WAITING, None, to_team
            current.waiting_since = timezone.now()
            where = f"the {to_team.name} team" if to_team else "the queue"
        current.save(update_fields=["status", "agent", "team", "accepted_at", "waiting_since"])
        note_text = clean_body(note, required=False)
        event_line(current, actor, f"{actor.display_name} transferred the chat to {where}.")
        audit_record(
            actor=actor,
            action="chat.transferred",
            channel=Channel.CHAT,
            target=current,
            organisation_id=current.organisation_id,
            old=old,
            new={
                "agent": current.agent_id,
                "team": current.team_id,
                "status": current.status,
                "note": note_text,
            },
        )
        push.conversation_pushed(current)
        return current


def conversation_close(*, actor: User, conversation: Conversation) -> Conversation:
    if not policies.can_close(actor, conversation):
        raise Forbidden("You may not close this chat.")
    with transaction.atomic():
        current = locked(conversation)
        if current.status == Status.CLOSED:
            return current
        current.status, current.closed_at, current.closed_by = Status.CLOSED, timezone.now(), actor
        current.save(update_fields=["status", "closed_at", "closed_by"])
        event_line(current, actor, f"{actor.display_name} ended the chat.")
        if current.case is not None:
            transcript_record(current, actor=actor)
        audit_record(
            actor=actor,
            action="chat.closed",
            channel=Channel.CHAT,
            target=current,
            organisation_id=current.organisation_id,
        )
        push.conversation_pushed(current)
        return current
