"""The generated data set's people and configuration: plans, teams, agents, organisations with their
virtual users, customer users, domains and configuration items (thousands of rows: `bulk_create`).

The rows are what the services would write, without their audit records (the seed appends one audit
row saying what it generated). Every person signs in with BENCH_PASSWORD.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from bench import shape, words
from supportal.accounts.models import User, UserKind
from supportal.accounts.services import system_user
from supportal.cases.models import CaseType, Category, Kind, RequestType
from supportal.cases.services.priority import priority_matrix
from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.core.demo_data import PLANS
from supportal.orgs.models import (
    Membership,
    Organisation,
    OrganisationDomain,
    PermissionGroup,
    SupportPlan,
    Team,
    TeamMembership,
)
from supportal.orgs.services import VIRTUAL_USER_DOMAIN

BENCH_PASSWORD = "supportal-bench"  # noqa: S105 - published: docs/performance.md and the seed print it
DOMAIN = "bench.example"
ADMIN_GROUPS = ("case-reporter", "organisation-cases", "user-manager", "change-approver")
REPORTER_GROUPS = ("case-reporter",)
COLLEAGUE_GROUPS = ("case-reporter", "organisation-cases")


@dataclass(frozen=True)
class Person:
    id: int
    label: str  # the name events and comments carry
    email: str = ""


@dataclass
class OrgInfo:
    id: int
    name: str
    channels: tuple[tuple[str, float], ...]  # the case channels its plan allows, with weights
    people: list[Person]
    people_cum: list[float]
    virtual: Person
    items: list[tuple[int, str]] = field(default_factory=list)  # configuration items: (id, name)


@dataclass
class Population:
    orgs: list[OrgInfo]
    org_cum: list[float]
    teams: list[tuple[int, list[Person]]]
    team_cum: list[float]
    closer: Person  # the auto-close job's system user
    case_types: list[tuple[int, str]]
    request_types: list[tuple[int, int, str, str]]  # (id, case type id, case type code, kind)
    matrix: dict[tuple[str, str], str]
    integration: Person  # the largest organisation's API integration


def seed_people(cases: int, rng: random.Random, now: datetime) -> Population:
    password = make_password(BENCH_PASSWORD)
    teams = _teams()
    agents = _users(
        [
            (f"agent{i:04d}@provider.{DOMAIN}", _name(rng), UserKind.AGENT)
            for i in range(shape.agent_count(cases))
        ],
        password,
        now,
    )
    team_agents: list[tuple[int, list[Person]]] = [(team.pk, []) for team in teams]
    memberships = []
    for i, agent in enumerate(agents):
        slots = [i % len(teams)] + ([rng.randrange(len(teams))] if rng.random() < 0.1 else [])
        for slot in sorted(set(slots)):
            team_agents[slot][1].append(agent)
            memberships.append(TeamMembership(team_id=teams[slot].pk, user_id=agent.id))
    TeamMembership.objects.bulk_create(memberships)
    orgs, integration = _organisations(cases, rng, now, password, agents)
    _config_items(orgs, cases, now)
    closer = system_user("auto-close", "Automatic closing")
    types = list(CaseType.objects.filter(is_active=True).order_by("position").values_list("id", "code"))
    return Population(
        orgs=orgs,
        org_cum=shape.cumulative(shape.skewed_weights(len(orgs), shape.ORGANISATION_SKEW)),
        teams=team_agents,
        team_cum=shape.cumulative([share for _, _, share in words.TEAMS]),
        closer=Person(closer.pk, closer.display_name, closer.email),
        case_types=types,
        request_types=_request_types(dict((code, pk) for pk, code in types)),
        matrix={key: str(value) for key, value in priority_matrix().items()},
        integration=integration,
    )


def _name(rng: random.Random) -> str:
    return f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"


def _users(specs: list[tuple[str, str, str]], password: str, now: datetime) -> list[Person]:
    users = User.objects.bulk_create(
        User(email=email.lower(), name=name, kind=kind, password=password, date_joined=now)
        for email, name, kind in specs
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
        for u in users
        if u.kind != UserKind.VIRTUAL
    )
    return [Person(u.pk, u.display_name, u.email) for u in users]


def _teams() -> list[Team]:
    return [
        Team.objects.get_or_create(slug=slug, defaults={"name": name, "email": f"{slug}@provider.{DOMAIN}"})[
            0
        ]
        for name, slug, _ in words.TEAMS
    ]


def _plans() -> list[SupportPlan]:
    if not SupportPlan.objects.exists():
        SupportPlan.objects.bulk_create(SupportPlan(**spec) for spec in PLANS)
    # The plan with the most channels first: the largest organisation (the bench's customer) is on it.
    return sorted(SupportPlan.objects.all(), key=lambda plan: (-len(plan.channels), plan.pk))


def _channels(plan: SupportPlan) -> tuple[tuple[str, float], ...]:
    allowed = []
    for channel, weight in shape.CHANNELS:
        wanted = shape.PLAN_CHANNEL.get(channel, channel)
        new_cases_elsewhere = plan.portal_required_for_new_cases and channel in ("email", "chat")
        if channel in shape.ALWAYS_ALLOWED or (plan.allows(wanted) and not new_cases_elsewhere):
            allowed.append((channel, weight))
    return tuple(allowed)


def _organisations(
    cases: int, rng: random.Random, now: datetime, password: str, agents: list[Person]
) -> tuple[list[OrgInfo], Person]:
    plans = _plans()
    count = shape.organisation_count(cases)
    weights = shape.skewed_weights(count, shape.ORGANISATION_SKEW)
    total = sum(weights)
    names = [
        f"{rng.choice(words.COMPANY_WORDS)} {rng.choice(words.COMPANY_KINDS)} {j + 1}" for j in range(count)
    ]
    slugs = [slugify(name) for name in names]
    virtual = _users(
        [
            (f"{slug}@{VIRTUAL_USER_DOMAIN}", f"{name} (on behalf of)", UserKind.VIRTUAL)
            for name, slug in zip(names, slugs, strict=True)
        ],
        make_password(None),
        now,
    )
    org_plans = [plans[0]] + [rng.choice(plans) for _ in range(count - 1)]
    created = Organisation.objects.bulk_create(
        Organisation(
            name=name,
            slug=slug,
            plan=plan,
            csm_id=rng.choice(agents).id,
            virtual_user_id=v.id,
            created_at=now,
        )
        for name, slug, plan, v in zip(names, slugs, org_plans, virtual, strict=True)
    )
    OrganisationDomain.objects.bulk_create(
        OrganisationDomain(organisation_id=o.pk, domain=f"{o.slug}.{DOMAIN}") for o in created
    )
    specs: list[tuple[str, str, str]] = []
    owners: list[int] = []
    for j, org in enumerate(created):
        size = shape.clamp(cases * weights[j] / total / shape.CASES_PER_CUSTOMER_USER, 2, 250)
        for k in range(size):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            specs.append((f"{first}.{last}{k}@{org.slug}.{DOMAIN}", f"{first} {last}", UserKind.CUSTOMER))
            owners.append(j)
    integration_spec = (
        f"integration@{created[0].slug}.{DOMAIN}",
        f"{created[0].name} monitoring",
        UserKind.INTEGRATION,
    )
    people = _users([*specs, integration_spec], password, now)
    integration, customers = people[-1], people[:-1]
    _memberships(created, virtual, customers, owners, integration)
    orgs = [
        OrgInfo(o.pk, o.name, _channels(plan), [], [], v)
        for o, plan, v in zip(created, org_plans, virtual, strict=True)
    ]
    for person, j in zip(customers, owners, strict=True):
        orgs[j].people.append(person)
    for info in orgs:
        info.people_cum = shape.cumulative(shape.skewed_weights(len(info.people), shape.REQUESTER_SKEW))
    return orgs, integration


def _memberships(
    orgs: list[Organisation],
    virtual: list[Person],
    customers: list[Person],
    owners: list[int],
    integration: Person,
) -> None:
    rows = [Membership(user_id=v.id, organisation_id=o.pk) for o, v in zip(orgs, virtual, strict=True)]
    rows += [
        Membership(user_id=p.id, organisation_id=orgs[j].pk) for p, j in zip(customers, owners, strict=True)
    ]
    rows.append(Membership(user_id=integration.id, organisation_id=orgs[0].pk))
    memberships = Membership.objects.bulk_create(rows)
    groups = dict(PermissionGroup.objects.values_list("code", "id"))
    by_user = {m.user_id: m.pk for m in memberships}
    through = Membership.groups.through
    links = []
    seen: set[int] = set()
    for person, j in zip(customers, owners, strict=True):
        first = j not in seen  # each organisation's first user administers it
        seen.add(j)
        codes = ADMIN_GROUPS if first else COLLEAGUE_GROUPS if person.id % 5 == 0 else REPORTER_GROUPS
        links += [
            through(membership_id=by_user[person.id], permissiongroup_id=groups[c])
            for c in codes
            if c in groups
        ]
    through.objects.bulk_create(links)


def _config_items(orgs: list[OrgInfo], cases: int, now: datetime) -> None:
    types = [
        ConfigItemType.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name, _ in words.ITEM_TYPES
    ]
    prefixes = [prefix for _, _, prefix in words.ITEM_TYPES]
    weights = shape.skewed_weights(len(orgs), shape.ORGANISATION_SKEW)
    total = sum(weights)
    rows = []
    for j, org in enumerate(orgs):
        size = shape.clamp(cases * weights[j] / total / shape.CASES_PER_CONFIG_ITEM, 1, 300)
        for k in range(size):
            name = f"{prefixes[k % len(types)]}-{j + 1:04d}-{k + 1:03d}"
            rows.append(
                ConfigItem(
                    organisation_id=org.id, item_type=types[k % len(types)], name=name,
                    identifier=f"{name}.{DOMAIN}", created_at=now, updated_at=now,
                )
            )  # fmt: skip
    by_id = {org.id: org for org in orgs}
    for item in ConfigItem.objects.bulk_create(rows, batch_size=2000):
        by_id[item.organisation_id].items.append((item.pk, item.name))


def _request_types(case_types: dict[str, int]) -> list[tuple[int, int, str, str]]:
    """The active request types (a few of the bench's own when none are configured), with their kinds."""
    if not RequestType.objects.filter(is_active=True).exists():
        category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "General"})
        for slug, name, code, kind in (
            ("bench-incident", "Report an incident", "incident", Kind.CASE),
            ("bench-question", "Ask a question", "question", Kind.CASE),
            ("bench-new-account", "Order a user account", "general-request", Kind.ORDER),
        ):
            if code in case_types:
                RequestType.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "category": category,
                        "case_type_id": case_types[code],
                        "kind": kind,
                        "name": name,
                    },
                )
    return [
        (pk, type_id, code, kind)
        for pk, type_id, code, kind in RequestType.objects.filter(is_active=True).values_list(
            "id", "case_type_id", "case_type__code", "kind"
        )
    ]
