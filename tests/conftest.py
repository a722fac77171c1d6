"""The story every test builds on (after healthchecks' Alice, Bob and Charlie).

The provider has an admin (Erin), a CSM (Frank, who looks after Acme) and an agent (Dana, Service Desk).
Acme Corp (Standard plan) has Alice, who manages Acme's users and approves changes, and Bob, who only
reports his own cases. Globex (Premium) has Charlie, who must never see anything of Acme's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress

from supportal.accounts.models import User
from supportal.orgs import services
from supportal.orgs.models import Organisation, PermissionGroup, SupportPlan, Team

pytest_plugins = ["tests.browser"]

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Story:
    free: SupportPlan
    standard: SupportPlan
    premium: SupportPlan
    service_desk: Team
    erin: User  # admin
    frank: User  # CSM of Acme
    dana: User  # agent
    acme: Organisation
    globex: Organisation
    alice: User  # Acme: reporter, organisation cases, user manager, change approver
    bob: User  # Acme: reporter only
    charlie: User  # Globex: reporter, organisation cases, user manager


def groups(*codes: str) -> list[PermissionGroup]:
    return list(PermissionGroup.objects.filter(code__in=codes))


def verified(user: User) -> User:
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@pytest.fixture
def story(db: None) -> Story:
    free = SupportPlan.objects.create(code="free", name="Free", channels=["email"])
    standard = SupportPlan.objects.create(
        code="standard", name="Standard", channels=["portal", "email", "api"]
    )
    premium = SupportPlan.objects.create(
        code="premium", name="Premium", channels=["portal", "email", "chat", "api", "phone"], paging_24x7=True
    )
    service_desk = Team.objects.create(name="Service Desk", slug="service-desk")
    erin = verified(User.objects.create_superuser("erin@provider.example", name="Erin Admin"))
    frank = verified(
        services.agent_create(actor=erin, channel="cli", email="frank@provider.example", name="Frank CSM")
    )
    dana = verified(
        services.agent_create(
            actor=erin, channel="cli", email="dana@provider.example", name="Dana Agent", teams=[service_desk]
        )
    )
    acme = services.organisation_create(
        actor=erin, channel="cli", name="Acme Corp", plan=standard, csm=frank, domains=["acme.example"]
    )
    globex = services.organisation_create(actor=erin, channel="cli", name="Globex", plan=premium)
    alice = verified(
        services.customer_user_create(
            actor=erin,
            channel="cli",
            organisation=acme,
            email="alice@acme.example",
            name="Alice Acme",
            groups=groups("case-reporter", "organisation-cases", "user-manager", "change-approver"),
        )
    )
    bob = verified(
        services.customer_user_create(
            actor=erin,
            channel="cli",
            organisation=acme,
            email="bob@acme.example",
            name="Bob Acme",
            groups=groups("case-reporter"),
        )
    )
    charlie = verified(
        services.customer_user_create(
            actor=erin,
            channel="cli",
            organisation=globex,
            email="charlie@globex.example",
            name="Charlie Globex",
            groups=groups("case-reporter", "organisation-cases", "user-manager"),
        )
    )
    return Story(free, standard, premium, service_desk, erin, frank, dana, acme, globex, alice, bob, charlie)
