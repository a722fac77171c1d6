"""Create case from chat, and linking a chat to an existing case: the case gets the transcript as a
public `chat` event, the shared files as attachments, and the customer sees the number in the chat."""

from __future__ import annotations

import re

from django.db import transaction

from supportal.accounts.models import User
from supportal.audit.services import audit_record
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseType, Channel
from supportal.cases.services.create import case_create
from supportal.channels.chat import policies, push
from supportal.channels.chat.models import Conversation, Status
from supportal.channels.chat.services.messages import event_line, locked
from supportal.channels.chat.services.transcript import transcript_record
from supportal.core.errors import Conflict, Forbidden, InvalidInput


def _check_agent_may_file(actor: User, conversation: Conversation) -> None:
    if not policies.can_work_chats(actor):
        raise Forbidden("Only agents open cases from chats.")
    if conversation.case_id is not None:
        number = conversation.case.number if conversation.case else ""
        raise Conflict(f"This chat is already on case {number}.")
    if conversation.status == Status.WAITING:
        raise Conflict("Accept the chat first.")


def _code_span(text: str) -> str:
    """The customer's words as a Markdown code span: shown as typed, never read as HTML (which the case's
    Markdown check would refuse, failing the agent's "Create case")."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def case_from_conversation(
    *,
    actor: User,
    conversation: Conversation,
    subject: str,
    case_type: CaseType | None = None,
    priority: str | None = None,
    description: str = "",
) -> Case:
    """Open a case for the chat's customer (its requester; the confirmation email goes to them), with the
    type and priority the agent chose. The transcript is the event after "opened"."""
    with transaction.atomic():
        current = locked(conversation)
        _check_agent_may_file(actor, current)
        text = description.strip() or (
            f"Opened from a chat with {_code_span(current.customer_name)}: {_code_span(current.topic)}"
        )
        case = case_create(
            actor=actor,
            organisation=current.organisation,
            subject=subject,
            channel=Channel.CHAT,
            description=text,
            requester=current.customer,
            case_type=case_type,
            priority=priority or None,
        )
        _put_on_case(
            current,
            case,
            actor,
            line=f"Case {case.number} opened: {case.subject}",
            action="chat.case_created",
        )
        return case


def conversation_link_case(*, actor: User, conversation: Conversation, case: Case) -> Conversation:
    """Put the chat on an existing case of the same organisation (not a Closed one)."""
    with transaction.atomic():
        current = locked(conversation)
        _check_agent_may_file(actor, current)
        if case.organisation_id != current.organisation_id:
            raise InvalidInput(
                "That case belongs to another organisation.", fields={"case": ["Not this customer's case."]}
            )
        if case.state == State.CLOSED:
            raise Conflict(f"Case {case.number} is closed; open a new case instead.")
        line = f"This chat is now on case {case.number}: {case.subject}"
        _put_on_case(current, case, actor, line=line, action="chat.case_linked")
        return current


def _put_on_case(current: Conversation, case: Case, actor: User, *, line: str, action: str) -> None:
    """The chat's transcript (and files) onto the case, the line saying so into the chat, the audit row,
    and the new state to both sides. The caller holds the conversation's row lock."""
    current.case = case
    Conversation.objects.filter(pk=current.pk).update(case=case)
    transcript_record(current, actor=actor)
    event_line(current, actor, line)
    audit_record(
        actor=actor,
        action=action,
        channel=Channel.CHAT,
        target=current,
        organisation_id=current.organisation_id,
        new={"case": case.number},
    )
    push.conversation_pushed(current, inbox=False)
