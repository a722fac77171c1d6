"""What chats a person may list. Every list starts from `conversations_visible_to`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supportal.channels.chat.models import ChatMessage, Conversation, Status
from supportal.channels.chat.policies import plan_includes_chat
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor, is_agent, is_customer, organisation_id_of

SEARCH_MAX = 200


def conversations_visible_to(actor: Actor) -> QuerySet[Conversation]:
    if is_agent(actor):
        return Conversation.objects.all()
    organisation_id = organisation_id_of(actor) if is_customer(actor) else None
    if organisation_id is not None:
        return Conversation.objects.filter(customer_id=actor.pk, organisation_id=organisation_id)
    return Conversation.objects.none()


def chat_organisation_of(actor: Actor) -> Organisation | None:
    """The customer's organisation when its plan includes chat (None otherwise, and for agents)."""
    organisation_id = organisation_id_of(actor) if is_customer(actor) else None
    if organisation_id is None:
        return None
    organisation = Organisation.objects.select_related("plan").filter(pk=organisation_id).first()
    return organisation if organisation is not None and plan_includes_chat(organisation) else None


def open_conversation_of(actor: Actor) -> Conversation | None:
    """The customer's waiting or active conversation, if any (at most one: a partial unique constraint)."""
    return (
        conversations_visible_to(actor)
        .filter(status__in=[Status.WAITING, Status.ACTIVE])
        .select_related("agent", "case")
        .first()
    )


def waiting_queue() -> QuerySet[Conversation]:
    """The agents' queue, oldest first (the partial index chat_conv_waiting)."""
    return (
        Conversation.objects.filter(status=Status.WAITING)
        .select_related("organisation__plan", "customer", "team")
        .order_by("waiting_since", "id")
    )


def conversations_of_agent(agent: Actor) -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(agent_id=agent.pk, status=Status.ACTIVE)
        .select_related("organisation__plan", "customer", "case")
        .order_by("accepted_at", "id")
    )


def messages_of(conversation: Conversation, *, after: int = 0, limit: int = 500) -> list[ChatMessage]:
    return list(
        ChatMessage.objects.filter(conversation=conversation, id__gt=after)
        .select_related("file")
        .order_by("id")[:limit]
    )


def search_conversations(actor: Actor, text: str) -> QuerySet[Conversation]:
    """The conversations the actor sees whose topic, customer, organisation or any message contains
    `text` (agents search them all; customers their own)."""
    if not text.strip():
        return Conversation.objects.none()
    needle = text.strip()[:SEARCH_MAX]
    in_messages = ChatMessage.objects.filter(body__icontains=needle).values("conversation_id")
    return (
        conversations_visible_to(actor)
        .filter(
            Q(topic__icontains=needle)
            | Q(customer_name__icontains=needle)
            | Q(organisation__name__icontains=needle)
            | Q(id__in=in_messages)
        )
        .select_related("organisation", "agent", "case")
        .order_by("-last_message_at", "-id")
    )
