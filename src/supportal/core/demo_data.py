"""The demo's story, loaded through the real services (`supportal demo`).

Supportal here is run by a managed-services provider. Erin Okafor administers it; Frank Moreau is the
customer success manager (CSM) of all three customers; Grace Lindqvist leads the Service Desk, where
Dana works; Hugo and Jun run Cloud Operations, Ivan and Jun the Network.

- Crumbs & Co. Bakery (Free: email only) is a small shop that shares one login at the counter.
- Acme Logistics (Standard: portal, email, API) lets anyone with an @acme.example address register
  themselves; Alice manages Acme's users and approves changes, Bob reports problems, Carmen orders services.
- Globex Bank (Premium: every channel, 24/7 paging, P2 pages too) had a bad month: its account status went
  red after an outage and is amber now. Charlie manages Globex's users, Priya approves changes, Sam reads.

Every person signs in with DEMO_PASSWORD. Loading is idempotent: when the demo admin exists the data is
there already (it is loaded in one transaction) and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from supportal.accounts.models import ContactMethod, User
from supportal.accounts.services import registration_request_submit
from supportal.audit.services import AuditChannel, audit_record
from supportal.core.demo_cases import load_demo_cases
from supportal.orgs import services
from supportal.orgs.models import (
    Organisation,
    PermissionGroup,
    SupportPlan,
    Team,
)

DEMO_PASSWORD = "supportal-demo"  # noqa: S105 - published: it is printed by `supportal demo`
CHANNEL = AuditChannel.CLI


@dataclass(frozen=True)
class SignIn:
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class Agent:
    email: str
    name: str
    role: str
    teams: tuple[str, ...] = ()
    lead_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    groups: tuple[str, ...]
    role: str


@dataclass(frozen=True)
class Customer:
    name: str
    plan: str
    domain: str
    alias_email: str
    people: tuple[Person, ...]
    self_registration: bool = False
    shared_login: bool = False
    default_groups: tuple[str, ...] = ()
    status_history: tuple[tuple[str, str], ...] = ()
    top_contact: tuple[str, str, str] = (
        "Margaret Hughes",
        "margaret.hughes@provider.example",
        "+44 20 7946 0999",
    )


ADMIN = SignIn("erin@provider.example", "Erin Okafor", "admin")

PLANS: tuple[dict[str, Any], ...] = (
    {
        "code": "free",
        "name": "Free",
        "description": "Email support in business hours.",
        "channels": ["email"],
    },
    {
        "code": "standard",
        "name": "Standard",
        "description": "Portal, email and API; new cases are opened in the portal.",
        "channels": ["portal", "email", "api"],
        "portal_required_for_new_cases": True,
    },
    {
        "code": "premium",
        "name": "Premium",
        "description": "Every channel, 24/7 on-call paging for P1 and P2 incidents.",
        "channels": ["portal", "email", "chat", "api", "phone"],
        "paging_24x7": True,
        "page_on_p2": True,
    },
)

TEAMS = (
    ("Service Desk", "service-desk", "servicedesk@provider.example"),
    ("Cloud Operations", "cloud-operations", "cloudops@provider.example"),
    ("Network", "network", "network@provider.example"),
)

AGENTS = (
    Agent("frank@provider.example", "Frank Moreau", "CSM of every customer"),
    Agent(
        "grace@provider.example",
        "Grace Lindqvist",
        "team lead, Service Desk",
        teams=("service-desk",),
        lead_of=("service-desk",),
    ),
    Agent("dana@provider.example", "Dana Whitfield", "agent, Service Desk", teams=("service-desk",)),
    Agent("hugo@provider.example", "Hugo Brandt", "agent, Cloud Operations", teams=("cloud-operations",)),
    Agent("ivan@provider.example", "Ivan Petrov", "agent, Network", teams=("network",)),
    Agent(
        "jun@provider.example",
        "Jun Park",
        "agent, Cloud Operations and Network",
        teams=("cloud-operations", "network"),
    ),
)

CUSTOMERS = (
    Customer(
        name="Crumbs & Co. Bakery",
        plan="free",
        domain="crumbs.example",
        alias_email="it@crumbs.example",
        shared_login=True,
        people=(
            Person(
                "counter@crumbs.example",
                "Crumbs & Co. counter (shared login)",
                ("case-reporter", "organisation-cases"),
                "shared login of Crumbs & Co. Bakery (Free)",
            ),
        ),
    ),
    Customer(
        name="Acme Logistics",
        plan="standard",
        domain="acme.example",
        alias_email="it-support@acme.example",
        self_registration=True,
        default_groups=("case-reporter",),
        people=(
            Person(
                "alice@acme.example",
                "Alice Novak",
                ("case-reporter", "organisation-cases", "user-manager", "change-approver"),
                "Acme Logistics (Standard): organisation administrator, change approver",
            ),
            Person(
                "bob@acme.example",
                "Bob Tanaka",
                ("case-reporter",),
                "Acme Logistics (Standard): case reporter",
            ),
            Person(
                "carmen@acme.example",
                "Carmen Diaz",
                ("case-reporter", "service-orderer"),
                "Acme Logistics (Standard): case reporter, service orderer",
            ),
        ),
    ),
    Customer(
        name="Globex Bank",
        plan="premium",
        domain="globex.example",
        alias_email="ops-alerts@globex.example",
        status_history=(
            (
                "red",
                "Online banking was down for six hours on a Friday; Globex's CIO escalated to our board.",
            ),
            (
                "amber",
                "Root cause fixed (core switch firmware); weekly service reviews until stable for a month.",
            ),
        ),
        people=(
            Person(
                "charlie@globex.example",
                "Charlie Mensah",
                ("case-reporter", "organisation-cases", "user-manager"),
                "Globex Bank (Premium): organisation administrator",
            ),
            Person(
                "priya@globex.example",
                "Priya Raman",
                ("case-reporter", "organisation-cases", "change-approver", "service-orderer"),
                "Globex Bank (Premium): change approver, service orderer",
            ),
            Person("sam@globex.example", "Sam Keller", ("viewer",), "Globex Bank (Premium): viewer"),
        ),
    ),
)


def demo_sign_ins() -> list[SignIn]:
    """Everyone who can sign in to the demo, in the order the demo prints them."""
    staff = [ADMIN] + [SignIn(a.email, a.name, a.role) for a in AGENTS]
    customers = [SignIn(p.email, p.name, p.role) for c in CUSTOMERS for p in c.people]
    return staff + customers


def demo_virtual_users() -> list[tuple[str, str]]:
    """(alias email, organisation) of each organisation's virtual user; they do not sign in."""
    return [(c.alias_email, c.name) for c in CUSTOMERS]


def demo_data_loaded() -> bool:
    return User.objects.filter(email=ADMIN.email).exists()


def load_demo_data() -> bool:
    """Load the story; True if it was loaded now, False if it was there already (nothing written)."""
    if demo_data_loaded():
        return False
    from supportal.notifications.case_emails import case_emails_muted

    with case_emails_muted(), transaction.atomic():
        admin = User.objects.create_superuser(
            ADMIN.email, name=ADMIN.name
        )  # the first admin, as createsuperuser
        audit_record(actor=admin, action="user.created", channel=CHANNEL, target=admin, new={"admin": True})
        plans = _plans(admin)
        teams = _teams(admin)
        agents = {
            a.email: services.agent_create(
                actor=admin,
                channel=CHANNEL,
                email=a.email,
                name=a.name,
                teams=[teams[t] for t in a.teams],
                lead_of=[teams[t] for t in a.lead_of],
            )
            for a in AGENTS
        }
        frank, grace = agents["frank@provider.example"], agents["grace@provider.example"]
        people: list[User] = [admin, *agents.values()]
        for customer in CUSTOMERS:
            people += _customer(admin, customer, plans[customer.plan], csm=frank, lead=grace)
        _sign_in_ready(people)
        # A "Register now" request from Globex waits for Frank's decision in the agent workspace.
        registration_request_submit(
            email="li.wei@globex.example",
            name="Li Wei",
            phone="+44 20 7946 0321",
            preferred_contact=ContactMethod.PHONE,
            company="Globex Bank",
            message="I joined Globex's payments team and need to follow our open cases.",
        )
        load_demo_cases()  # the request-type catalogue, the CMDB, routing rules and the cases
    _settle_history_emails()  # after the commit: the case emails are written by after-commit subscribers
    from supportal.escalation.demo import settle_demo_pages

    settle_demo_pages()  # the pages the urgent incidents sent at the commit: acknowledged but the newest
    return True


def _settle_history_emails() -> None:
    """The emails the demo's past wrote (invitations, the pipeline's confirmations) stay in the outbox for
    anyone to read, marked as not delivered, so that the console shows only the mail of what people do in
    the demo from now on. (The stories' case emails are not written at all: case_emails_muted.)"""
    from supportal.notifications.models import OutboundEmail, OutboundStatus

    OutboundEmail.objects.filter(status=OutboundStatus.QUEUED).update(
        status=OutboundStatus.SENT, last_error="Demo history: kept in the outbox, not delivered."
    )


def _plans(admin: User) -> dict[str, SupportPlan]:
    created = {}
    for spec in PLANS:
        plan = SupportPlan.objects.create(**spec)
        created[plan.code] = plan
        audit_record(
            actor=admin,
            action="plan.created",
            channel=CHANNEL,
            target=plan,
            new={"code": plan.code, "channels": plan.channels, "paging_24x7": plan.paging_24x7},
        )
    return created


def _teams(admin: User) -> dict[str, Team]:
    teams = {}
    for name, slug, email in TEAMS:
        team = Team.objects.create(name=name, slug=slug, email=email)
        audit_record(actor=admin, action="team.created", channel=CHANNEL, target=team, new={"name": name})
        teams[slug] = team
    return teams


def _groups(codes: tuple[str, ...]) -> list[PermissionGroup]:
    groups = list(PermissionGroup.objects.filter(code__in=codes))
    missing = set(codes) - {g.code for g in groups}
    if missing:
        raise LookupError(f"Permission groups missing (migrations not applied?): {sorted(missing)}")
    return groups


def _customer(admin: User, spec: Customer, plan: SupportPlan, *, csm: User, lead: User) -> list[User]:
    organisation = services.organisation_create(
        actor=admin,
        channel=CHANNEL,
        name=spec.name,
        plan=plan,
        csm=csm,
        domains=[spec.domain],
        self_registration=spec.self_registration,
        shared_login=spec.shared_login,
        alias_email=spec.alias_email,
    )
    if spec.default_groups:
        organisation.default_groups.set(_groups(spec.default_groups))
    _escalation_matrix(admin, organisation, csm=csm, lead=lead, top=spec.top_contact)
    people = [
        services.customer_user_create(
            actor=admin,
            channel=CHANNEL,
            organisation=organisation,
            email=person.email,
            name=person.name,
            groups=_groups(person.groups),
        )
        for person in spec.people
    ]
    for status, reason in spec.status_history:
        services.account_status_change(
            actor=csm, channel=CHANNEL, organisation=organisation, status=status, reason=reason
        )
    return people


def _escalation_matrix(
    admin: User, organisation: Organisation, *, csm: User, lead: User, top: tuple[str, str, str]
) -> None:
    levels = (
        ("Service Desk team lead", [(lead.name, "Team lead, Service Desk", lead.email, "+44 20 7946 0101")]),
        ("Customer success manager", [(csm.name, "Customer success manager", csm.email, "+44 20 7946 0102")]),
        ("Head of service delivery", [(top[0], "Head of service delivery", top[1], top[2])]),
    )
    services.escalation_matrix_set(
        actor=admin,
        channel=CHANNEL,
        organisation=organisation,
        levels=[
            services.EscalationLevelSpec(
                name, [services.EscalationContactSpec(*contact) for contact in contacts]
            )
            for name, contacts in levels
        ],
    )


def _sign_in_ready(people: list[User]) -> None:
    """Everyone gets DEMO_PASSWORD and a verified primary address, as if they had accepted an invitation.

    The password is hashed once (argon2 takes half a second per hash) and shared: demo data only.
    """
    hashed = make_password(DEMO_PASSWORD)
    User.objects.filter(pk__in=[p.pk for p in people]).update(password=hashed)
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people),
        ignore_conflicts=True,
    )
