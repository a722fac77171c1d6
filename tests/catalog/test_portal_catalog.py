"""The portal's catalog, Orders list and order panel of the case page, as a customer sees them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.cases.models import Case, ExtraField
from supportal.catalog.models import ApprovalDecision, OrderTask
from tests.catalog.conftest import Catalog, OrderMaker, allow_ordering, catalog_item, tasks_of

Decide = Callable[..., ApprovalDecision]
Complete = Callable[..., OrderTask]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(body: str) -> int:
    return body.count('data-testid="case-row"')


def test_the_catalog_shows_what_bob_may_order_and_opens_its_form(catalog: Catalog) -> None:
    catalog.dns.fulfilment_days = 2
    catalog.dns.save()
    bob = client_for(catalog.story.bob)
    body = bob.get("/catalog/").content.decode()
    assert body.count('data-testid="catalog-item"') == 2
    assert "DNS change" in body and "Mailbox" in body and ">Services<" in body
    assert "Needs approval" in body and "Pre-approved" in body
    assert "Fulfilled within 2 working days" in body
    assert 'href="/catalog/dns-change/"' in body

    response = bob.get("/catalog/dns-change/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/new/?request_type=dns-change"
    form = bob.get(response["Location"]).content.decode()
    assert "DNS change" in form


def test_without_order_services_the_catalog_says_so(catalog: Catalog) -> None:
    alice = client_for(catalog.story.alice)  # approves changes, may not order services
    response = alice.get("/catalog/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="catalog-not-allowed"' in body and "“Service orderer” group" in body
    assert 'data-testid="catalog-item"' not in body
    assert alice.get("/catalog/dns-change/").status_code == 404


def test_items_of_other_plans_and_groups_are_left_out(catalog: Catalog) -> None:
    story = catalog.story
    premium = catalog_item("premium-hosting", name="Premium hosting")
    premium.allowed_plans.add(story.premium)
    managers_only = catalog_item("vip-laptop", name="VIP laptop")
    managers_only.allowed_groups.add(*story.alice.membership.groups.filter(code="user-manager"))  # type: ignore[attr-defined]

    body = client_for(story.bob).get("/catalog/").content.decode()
    assert "DNS change" in body and "Premium hosting" not in body and "VIP laptop" not in body
    assert client_for(story.bob).get("/catalog/premium-hosting/").status_code == 404

    charlie = client_for(allow_ordering(story, story.charlie))  # Globex: Premium, user manager there
    body = charlie.get("/catalog/").content.decode()
    assert "Premium hosting" in body and "VIP laptop" in body
    assert charlie.get("/catalog/premium-hosting/").status_code == 302


def test_the_catalog_costs_the_same_for_many_items(catalog: Catalog) -> None:
    bob = client_for(catalog.story.bob)
    bob.get("/catalog/")
    with CaptureQueriesContext(connection) as few:
        bob.get("/catalog/")
    for n in range(8):
        item = catalog_item(f"extra-{n}", name=f"Extra {n}", steps=[("Do it", catalog.story.service_desk)])
        item.allowed_plans.add(catalog.story.standard)
    with CaptureQueriesContext(connection) as many:
        body = bob.get("/catalog/").content.decode()
    assert body.count('data-testid="catalog-item"') == 10
    assert len(many) == len(few)


def test_orders_show_and_filter_by_the_order_status(catalog: Catalog, order: OrderMaker) -> None:
    dns = order(catalog.dns, subject="Point www at the new host")
    mailbox = order(catalog.mailbox, subject="A mailbox for Zoe")
    order(catalog.mailbox, subject="Hidden", actor=allow_ordering(catalog.story, catalog.story.charlie))
    bob = client_for(catalog.story.bob)

    body = bob.get("/orders/").content.decode()
    assert rows(body) == 2 and "Hidden" not in body
    assert f'data-number="{dns.number}"' in body and "Awaiting approval</span>" in body
    assert "Submitted</span>" in body and "On hold" not in body
    assert 'value="awaiting_approval"' in body and 'value="in_fulfilment"' in body  # the status filter

    body = bob.get("/orders/?status=awaiting_approval").content.decode()
    assert rows(body) == 1 and dns.subject in body and mailbox.subject not in body
    body = bob.get("/orders/?status=submitted&status=fulfilled").content.decode()
    assert rows(body) == 1 and mailbox.subject in body
    assert rows(bob.get("/orders/?status=rejected").content.decode()) == 0
    assert rows(bob.get("/cases/").content.decode()) == 0  # orders are not cases


def test_the_orders_list_costs_the_same_for_many_orders(
    catalog: Catalog, order: OrderMaker, django_assert_max_num_queries: Any
) -> None:
    bob = client_for(catalog.story.bob)
    order(catalog.dns)
    bob.get("/orders/")
    with CaptureQueriesContext(connection) as one:
        bob.get("/orders/")
    for _ in range(6):
        order(catalog.mailbox)
    with django_assert_max_num_queries(len(one)):
        body = bob.get("/orders/?status=submitted&status=awaiting_approval").content.decode()
    assert rows(body) == 7


def test_the_case_page_shows_the_order_its_progress_and_approvals(
    catalog: Catalog, order: OrderMaker, decide: Decide, complete: Complete
) -> None:
    ExtraField.objects.create(request_type=catalog.dns.request_type, key="record", label="Record to change")
    case = order(catalog.dns, extra={"record": "www A 192.0.2.10"})
    bob = client_for(catalog.story.bob)
    body = bob.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="order-status">Awaiting approval<' in body
    assert "0 of 1 steps" not in body and "0 of 2 steps finished" in body
    assert body.count('data-testid="order-step"') == 2 and 'data-status="open"' in body
    assert 'data-testid="approval-state">Waiting for approval<' in body
    assert "0 of 1 approval given" in body
    assert 'data-testid="approval-form"' not in body  # Bob does not approve

    decide(case, catalog.story.alice, "approve", "Fine by me")
    first, second = tasks_of(case)
    complete(first, catalog.nora)
    complete(second, catalog.story.dana, skip=True)
    body = bob.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="order-status">Fulfilled<' in body
    assert 'data-testid="case-order-status">Order: Fulfilled<' in body
    assert "2 of 2 steps finished" in body
    assert 'data-status="done"' in body and 'data-status="skipped"' in body and "Not needed" in body
    panel = body.split('data-testid="order-panel"')[1].split("</section>")[0]
    assert "Nora" not in panel and "Dana" not in panel  # agents' names stay in the workspace
    assert "Alice Acme</strong>" in body and "Fine by me" in body
    assert "1 of 1 approval given" in body


def test_another_organisations_order_is_invisible(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns, subject="acme-secret-order")
    charlie = client_for(catalog.story.charlie)
    assert charlie.get(f"/cases/{case.number}/").status_code == 404
    assert "acme-secret-order" not in charlie.get("/orders/").content.decode()
    response = charlie.post(f"/cases/{case.number}/approval/", {"decision": "approve"})
    assert response.status_code == 404


def test_a_plain_case_has_no_order_panel(catalog: Catalog) -> None:
    from supportal.cases import services

    case: Case = services.case_create(
        actor=catalog.story.bob, organisation=catalog.story.acme, subject="Printer", channel="portal"
    )
    body = client_for(catalog.story.bob).get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="order-panel"' not in body and 'data-testid="approvals-panel"' not in body
