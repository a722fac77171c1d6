"""Who may chat: pure rules over loaded objects (see orgs/policies.py for the roles)."""

from __future__ import annotations

from supportal.channels.chat.models import Conversation, Status
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor, is_agent, is_customer, organisation_id_of


def plan_includes_chat(organisation: Organisation) -> bool:
    return organisation.is_active and organisation.plan.allows("chat")


def can_start_chat(actor: Actor, organisation: Organisation) -> bool:
    """A customer of an active organisation whose plan includes chat."""
    return (
        is_customer(actor)
        and organisation_id_of(actor) == organisation.pk
        and plan_includes_chat(organisation)
    )


def can_view_conversation(actor: Actor, conversation: Conversation) -> bool:
    """Agents read every conversation; a customer only their own, while they belong to its organisation."""
    if is_agent(actor):
        return True
    return (
        is_customer(actor)
        and conversation.customer_id == actor.pk
        and organisation_id_of(actor) == conversation.organisation_id
    )


def can_work_chats(actor: Actor) -> bool:
    """The chat inbox: accept, transfer, create or link cases, close."""
    return is_agent(actor)


def can_write(actor: Actor, conversation: Conversation) -> bool:
    """The customer of an open conversation, and the agent who has it."""
    if conversation.status == Status.CLOSED or not can_view_conversation(actor, conversation):
        return False
    if is_agent(actor):
        return conversation.status == Status.ACTIVE and conversation.agent_id == actor.pk
    return True


def can_close(actor: Actor, conversation: Conversation) -> bool:
    """The customer (they leave) or any agent (the one who has it, or a lead tidying the queue)."""
    return conversation.status != Status.CLOSED and can_view_conversation(actor, conversation)
