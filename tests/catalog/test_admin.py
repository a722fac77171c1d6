"""The catalog's admin pages: admins configure items (steps, allowed groups and plans) and approval rules,
audited; orders, approvals and decisions are there to read only."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from supportal.cases.models import CaseType, Category, Kind, RequestType
from supportal.catalog.models import ApprovalDecision, ApprovalRule, CatalogItem, Order
from tests.catalog.conftest import Catalog, OrderMaker, change_type_with_rule
from tests.conftest import groups

Decide = Callable[..., ApprovalDecision]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_type_choices(page: str) -> set[int]:
    """The request types the page's request type select offers."""
    select = re.search(r'<select name="request_type".*?</select>', page, re.S)
    assert select is not None
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select[0])}


def order_type(slug: str, kind: str = Kind.ORDER) -> RequestType:
    category, _ = Category.objects.get_or_create(slug="services", defaults={"name": "Services"})
    return RequestType.objects.create(
        category=category, case_type=CaseType.objects.get(code="general-request"), kind=kind, slug=slug,
        name=slug.replace("-", " ").capitalize(),
    )  # fmt: skip


def test_an_admin_adds_a_catalog_item_with_its_steps(catalog: Catalog) -> None:
    backup = order_type("backup-restore")
    plain = order_type("printer-broken", kind=Kind.CASE)
    erin = client_for(catalog.story.erin)
    add_url = reverse("admin:catalog_catalogitem_add")
    offered = request_type_choices(erin.get(add_url).content.decode())
    assert backup.pk in offered
    assert plain.pk not in offered  # not orderable
    assert catalog.dns.pk not in offered  # an item already
    response = erin.post(
        add_url,
        {
            "request_type": backup.pk,
            "approvals_required": "2",
            "fulfilment_days": "3",
            "allowed_groups": [g.pk for g in groups("service-orderer")],
            "allowed_plans": [catalog.story.premium.pk],
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-0-position": "1",
            "steps-0-name": "Find the backup",
            "steps-0-team": catalog.network.pk,
            "steps-1-position": "2",
            "steps-1-name": "Restore it",
            "steps-1-team": catalog.story.service_desk.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = CatalogItem.objects.get(pk=backup.pk)
    assert item.approvals_required == 2 and item.fulfilment_days == 3
    assert [g.code for g in item.allowed_groups.all()] == ["service-orderer"]
    assert list(item.allowed_plans.all()) == [catalog.story.premium]
    assert [(s.name, s.team) for s in item.steps.all()] == [
        ("Find the backup", catalog.network),
        ("Restore it", catalog.story.service_desk),
    ]
    record = AuditRecord.objects.get(action="catalogitem.added")
    assert record.channel == "admin" and record.actor_id == catalog.story.erin.pk
    listing = erin.get(reverse("admin:catalog_catalogitem_changelist")).content.decode()
    assert "Backup restore" in listing and "DNS change" in listing


def test_changing_an_item_keeps_its_request_type(catalog: Catalog) -> None:
    erin = client_for(catalog.story.erin)
    page = erin.get(reverse("admin:catalog_catalogitem_change", args=[catalog.mailbox.pk]))
    assert page.status_code == 200
    assert 'name="request_type"' not in page.content.decode()


def test_an_admin_adds_an_approval_rule(catalog: Catalog) -> None:
    change = order_type("firewall-change", kind=Kind.CASE)
    ruled = change_type_with_rule("vpn-change")
    erin = client_for(catalog.story.erin)
    add_url = reverse("admin:catalog_approvalrule_add")
    offered = request_type_choices(erin.get(add_url).content.decode())
    assert change.pk in offered
    assert ruled.pk not in offered  # has a rule already
    assert catalog.dns.pk not in offered  # a catalog item has its own rule
    response = erin.post(add_url, {"request_type": change.pk, "approvals_required": "2"})
    assert response.status_code == 302
    assert ApprovalRule.objects.get(pk=change.pk).approvals_required == 2


def test_orders_and_decisions_are_read_only(catalog: Catalog, order: OrderMaker, decide: Decide) -> None:
    case = order(catalog.dns)
    decision = decide(case, catalog.story.alice, "approve", "Fine")
    erin = client_for(catalog.story.erin)
    for name, pk in (
        ("order", case.pk),
        ("approvalrequirement", case.pk),
        ("approvaldecision", decision.pk),
    ):
        change_url = reverse(f"admin:catalog_{name}_change", args=[pk])
        page = erin.get(change_url)
        assert page.status_code == 200, name
        assert 'name="_save"' not in page.content.decode(), name
        assert erin.post(change_url, {}).status_code == 403, name
        assert erin.get(reverse(f"admin:catalog_{name}_add")).status_code == 403, name
        assert erin.get(reverse(f"admin:catalog_{name}_delete", args=[pk])).status_code == 403, name
    order_page = erin.get(reverse("admin:catalog_order_change", args=[case.pk])).content.decode()
    assert "Update the zone" in order_page and "Check resolution" in order_page
    listing = erin.get(reverse("admin:catalog_order_changelist")).content.decode()
    assert case.number in listing and "Acme Corp" in listing
    assert Order.objects.filter(pk=case.pk).exists()


def test_agents_and_customers_are_kept_out(catalog: Catalog) -> None:
    for who in (catalog.story.dana, catalog.story.alice, catalog.nora):
        response = client_for(who).get(reverse("admin:catalog_catalogitem_changelist"))
        assert response.status_code in {302, 403, 404}
        assert b"DNS change" not in response.content
