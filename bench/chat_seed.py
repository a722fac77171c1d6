"""The people and conversations of `supportal bench chat`: customers in organisations on a plan with chat,
agents, one started conversation per customer, and a signed-in session for each of them.

People are written with `bulk_create` as bench/seed_people.py writes them (rows as the services would
leave them, no audit records); each conversation is started by `conversation_start`, as the chat bubble
does. Every run has a tag of its own in its addresses, so runs never collide and `bench seed` still
accepts the database afterwards (its people end in `.bench.example`, these in `.chatbench.example`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench.operations import signed_in_session
from bench.seed_people import BENCH_PASSWORD
from supportal.accounts.models import User, UserKind
from supportal.channels.chat.services import conversation_start
from supportal.core.demo_data import PLANS
from supportal.orgs.models import Membership, Organisation, SupportPlan
from supportal.orgs.services import VIRTUAL_USER_DOMAIN

CHAT_DOMAIN = "chatbench.example"
CUSTOMERS_PER_ORGANISATION = 10


@dataclass
class ChatFixtures:
    """What the load test drives: conversation ids in order, each customer's and agent's session."""

    tag: str
    conversations: list[int] = field(default_factory=list)
    customer_sessions: list[str] = field(default_factory=list)  # per conversation
    agent_sessions: list[str] = field(default_factory=list)  # per agent
    agent_of: list[int] = field(default_factory=list)  # per conversation: the index of its agent

    def close(self) -> None:
        """Sign everyone out (their sessions are deleted); the people and conversations stay."""
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in (*self.customer_sessions, *self.agent_sessions):
            store(session_key=key).delete()
        self.customer_sessions, self.agent_sessions = [], []


def chat_plan() -> SupportPlan:
    """A plan that includes chat: the first existing one, else the demo's Premium plan."""
    for plan in SupportPlan.objects.order_by("id"):
        if plan.allows("chat"):
            return plan
    spec = next(spec for spec in PLANS if "chat" in spec["channels"])
    return SupportPlan.objects.create(**spec)


def seed_chats(customers: int, chats_per_agent: int) -> ChatFixtures:
    """`customers` customers with a conversation each, and one agent per `chats_per_agent` of them."""
    tag = f"r{time.time_ns() // 1_000_000:x}"
    now = timezone.now()
    password = make_password(BENCH_PASSWORD)
    plan = chat_plan()
    organisation_count = -(-customers // CUSTOMERS_PER_ORGANISATION)
    virtual = _users(
        [(f"chat-{tag}-{j:04d}@{VIRTUAL_USER_DOMAIN}", f"Chat {tag} {j} (on behalf of)", UserKind.VIRTUAL)
         for j in range(organisation_count)],
        make_password(None),
    )  # fmt: skip
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Chat {tag} {j}", slug=f"chat-{tag}-{j:04d}", plan=plan, virtual_user=v, created_at=now
        )
        for j, v in enumerate(virtual)
    )
    people = _users(
        [(f"customer{i:04d}@org{i // CUSTOMERS_PER_ORGANISATION:04d}-{tag}.{CHAT_DOMAIN}",
          f"Customer {i}", UserKind.CUSTOMER) for i in range(customers)],
        password,
    )  # fmt: skip
    Membership.objects.bulk_create(
        [Membership(user=v, organisation=o) for v, o in zip(virtual, organisations, strict=True)]
        + [
            Membership(user=p, organisation=organisations[i // CUSTOMERS_PER_ORGANISATION])
            for i, p in enumerate(people)
        ]
    )
    agents = _users(
        [(f"agent{k:04d}-{tag}@provider.{CHAT_DOMAIN}", f"Agent {k}", UserKind.AGENT)
         for k in range(-(-customers // chats_per_agent))],
        password,
    )  # fmt: skip
    fixtures = ChatFixtures(tag=tag)
    for i, customer in enumerate(User.objects.filter(pk__in=[p.pk for p in people]).order_by("id")):
        conversation = conversation_start(actor=customer, body=f"Hello, this is customer {i}.")
        fixtures.conversations.append(conversation.pk)
        fixtures.customer_sessions.append(signed_in_session(customer))
        fixtures.agent_of.append(i // chats_per_agent)
    fixtures.agent_sessions = [signed_in_session(agent) for agent in agents]
    return fixtures


def _users(specs: list[tuple[str, str, str]], password: str) -> list[User]:
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=email.lower(), name=name, kind=kind, password=password, date_joined=now)
        for email, name, kind in specs
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
        for u in users
        if u.kind != UserKind.VIRTUAL
    )
    return users
