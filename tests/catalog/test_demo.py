"""The demo's service catalog: a filled catalog, orders in every status, approvals, and a renewal order."""

from __future__ import annotations

import pytest

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CloseReason, EventKind
from supportal.catalog.models import (
    ApprovalDecision,
    ApprovalRule,
    CatalogItem,
    CertificateRenewal,
    Order,
    OrderStatus,
)
from supportal.catalog.selectors import approvers_of
from supportal.core.demo_data import load_demo_data
from supportal.orgs.models import Organisation, Permission
from supportal.orgs.policies import has_permission

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo_data()


def test_the_demo_has_orders_in_every_status(demo: None) -> None:
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == set(OrderStatus.values)
    for name in ("Acme Logistics", "Globex Bank"):
        assert Order.objects.filter(case__organisation__name=name).count() >= 3
    rejected = Order.objects.get(status=OrderStatus.REJECTED)
    assert rejected.case.close_reason == CloseReason.REJECTED
    assert ApprovalDecision.objects.get(requirement_id=rejected.pk, decision="reject").comment
    fulfilled = Order.objects.filter(status=OrderStatus.FULFILLED).select_related("case")
    assert all(o.case.state in (State.RESOLVED, State.CLOSED) for o in fulfilled)
    assert Case.objects.filter(events__kind=EventKind.TASK_DONE).exists()


def test_the_demo_catalog_and_its_approvers(demo: None) -> None:
    slugs = set(CatalogItem.objects.values_list("request_type__slug", flat=True))
    assert {"dns-change", "licence-update", "certificate-renewal", "staff-onboarding", "staff-offboarding",
            "file-backup", "hosting", "hosting-cancel"} <= slugs  # fmt: skip
    dns = CatalogItem.objects.get(request_type__slug="dns-change")
    assert dns.approvals_required == 1
    assert [(s.name, s.team.name) for s in dns.steps.all()] == [
        ("Change the record", "Network"),
        ("Verify and tell the customer", "Service Desk"),
    ]
    assert ApprovalRule.objects.get(request_type__slug="change").approvals_required == 1
    acme, globex = (Organisation.objects.get(name=n) for n in ("Acme Logistics", "Globex Bank"))
    assert [u.email for u in approvers_of(acme.pk)] == ["alice@acme.example"]
    assert [u.email for u in approvers_of(globex.pk)] == ["priya@globex.example"]
    for email in {o.case.requester.email for o in Order.objects.select_related("case__requester")}:
        person = User.objects.get(email=email)
        if person.kind == "customer":
            assert has_permission(person, Permission.ORDER_SERVICES), email


def test_the_renewal_job_opened_the_orders_of_the_certificates_near_expiry(demo: None) -> None:
    renewals = CertificateRenewal.objects.select_related("config_item", "case")
    names = {r.config_item.name for r in renewals}
    assert "online.globex.example" in names and "portal.acme.example" in names
    for renewal in renewals:
        assert renewal.case is not None and renewal.case.config_item_id == renewal.config_item_id
        assert Order.objects.get(case=renewal.case).item.request_type.slug == "certificate-renewal"


def test_loading_again_adds_no_orders(demo: None) -> None:
    before = Order.objects.count()
    load_demo_data()
    from supportal.core.demo_cases import load_demo_cases

    load_demo_cases()
    assert Order.objects.count() == before
