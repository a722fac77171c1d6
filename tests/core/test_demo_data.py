"""The demo story is loaded through the services, signs everyone in with one password, and loads once."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps

from supportal.accounts.models import User, UserKind
from supportal.audit.models import AuditRecord
from supportal.audit.services import audit_verify
from supportal.core.demo_data import DEMO_PASSWORD, demo_sign_ins, demo_virtual_users, load_demo_data
from supportal.orgs.models import (
    AccountStatusChange,
    EscalationLevel,
    Membership,
    Organisation,
    SupportPlan,
    Team,
    TeamRole,
)

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_loading_twice_changes_nothing():
    assert load_demo_data() is True
    before, audit_before = row_counts(), AuditRecord.objects.count()
    assert load_demo_data() is False
    assert row_counts() == before
    assert AuditRecord.objects.count() == audit_before > 0
    checked, problems = audit_verify()
    assert checked == audit_before and problems == []


def test_the_provider_has_three_teams_agents_a_lead_a_csm_and_an_admin():
    load_demo_data()
    assert set(Team.objects.values_list("name", flat=True)) == {"Service Desk", "Cloud Operations", "Network"}
    assert User.objects.get(email="erin@provider.example").is_staff
    grace = User.objects.get(email="grace@provider.example")
    assert grace.team_memberships.get().role == TeamRole.LEAD
    assert User.objects.filter(kind=UserKind.AGENT, teams__isnull=False).distinct().count() >= 5
    frank = User.objects.get(email="frank@provider.example")
    assert set(frank.managed_organisations.values_list("name", flat=True)) == {
        "Crumbs & Co. Bakery",
        "Acme Logistics",
        "Globex Bank",
    }


def test_three_organisations_one_per_plan_with_the_story_s_settings():
    load_demo_data()
    plans = {p.code: p for p in SupportPlan.objects.all()}
    assert plans["free"].channels == ["email"]
    assert plans["standard"].channels == ["portal", "email", "api"]
    assert plans["premium"].paging_24x7 and plans["premium"].page_on_p2
    assert set(plans["premium"].channels) == {"portal", "email", "chat", "api", "phone"}

    crumbs, acme, globex = (
        Organisation.objects.get(name=n) for n in ("Crumbs & Co. Bakery", "Acme Logistics", "Globex Bank")
    )
    assert (crumbs.plan.code, acme.plan.code, globex.plan.code) == ("free", "standard", "premium")
    assert crumbs.shared_login and not acme.shared_login
    assert Membership.objects.filter(organisation=crumbs, user__kind=UserKind.CUSTOMER).count() == 1
    assert acme.self_registration and list(acme.domains.values_list("domain", flat=True)) == ["acme.example"]
    assert list(acme.default_groups.values_list("code", flat=True)) == ["case-reporter"]
    for organisation in (crumbs, acme, globex):
        assert organisation.virtual_user is not None and organisation.virtual_user.kind == UserKind.VIRTUAL
        assert EscalationLevel.objects.filter(organisation=organisation).count() == 3
        assert all(level.contacts.exists() for level in organisation.escalation_levels.all())
    assert {o.virtual_user.email for o in (crumbs, acme, globex)} == {e for e, _ in demo_virtual_users()}

    history = AccountStatusChange.objects.filter(organisation=globex).order_by("changed_at", "pk")
    assert [(c.old_status, c.new_status) for c in history] == [("green", "red"), ("red", "amber")]
    assert globex.account_status == "amber"


def test_customers_sit_in_different_permission_groups():
    load_demo_data()
    groups_of = {
        m.user.email: frozenset(m.groups.values_list("code", flat=True))
        for m in Membership.objects.filter(user__kind=UserKind.CUSTOMER).select_related("user")
    }
    assert groups_of["alice@acme.example"] >= {"user-manager", "change-approver"}
    assert groups_of["bob@acme.example"] == {"case-reporter"}
    assert groups_of["sam@globex.example"] == {"viewer"}
    assert len(set(groups_of.values())) >= 5


def test_every_printed_sign_in_works(client):
    load_demo_data()
    for sign_in in demo_sign_ins():
        user = User.objects.get(email=sign_in.email)
        assert user.check_password(DEMO_PASSWORD), sign_in.email
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    virtual = User.objects.get(email="it-support@acme.example")
    assert not virtual.has_usable_password()

    response = client.post(
        "/accounts/login/", {"login": "alice@acme.example", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome, Alice Novak" in page and "Acme Logistics" in page
