"""/api/v1/catalog and /api/v1/orders: what a customer may order, ordering, listing and reading orders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from supportal.cases.models import ExtraField, FieldKind
from supportal.orgs.models import Team
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.catalog.conftest import Catalog, OrderMaker, catalog_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def premium_only(catalog: Catalog) -> Any:
    item = catalog_item("hosting-create", name="Hosting", approvals_required=2)
    item.allowed_plans.set([catalog.story.premium])
    return item


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()]


def test_the_catalog_lists_what_the_caller_may_order(catalog: Catalog, premium_only: Any) -> None:
    story = catalog.story
    ExtraField.objects.create(
        request_type=catalog.dns.request_type,
        key="record",
        label="Record",
        kind=FieldKind.TEXT,
        required=True,
    )
    bob = api_as(story.bob).get("catalog")
    assert slugs(bob) == ["dns-change", "mailbox"]
    dns = bob.json()[0]
    assert dns["approvals_required"] == 1
    assert [f["key"] for f in dns["fields"]] == ["record"] and dns["fields"][0]["required"] is True
    assert [(s["name"], s["team"]) for s in dns["steps"]] == [
        ("Update the zone", "Network"),
        ("Check resolution", "Service Desk"),
    ]
    # Charlie (Globex, Premium) may not order services; Alice neither (no "Service orderer").
    assert slugs(api_as(story.charlie).get("catalog")) == []
    assert slugs(api_as(story.alice).get("catalog")) == []
    dana = Api(secret_for(story.dana))
    assert sorted(slugs(dana.get("catalog"))) == ["dns-change", "hosting-create", "mailbox"]
    assert "hosting-create" not in slugs(dana.get("catalog", organization=story.acme.pk))
    assert "hosting-create" in slugs(dana.get("catalog", organization=story.globex.pk))


def test_a_customer_orders_and_reads_the_order(catalog: Catalog) -> None:
    story = catalog.story
    bob = api_as(story.bob)
    response = bob.post("orders", {"item": "dns-change", "subject": "Point www at the new host"})
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["status"] == "awaiting_approval" and order["state"] == "on_hold"
    assert order["approval"]["state"] == "pending" and order["approval"]["required"] == 1
    assert [t["name"] for t in order["tasks"]] == ["Update the zone", "Check resolution"]
    assert all(t["status"] == "open" for t in order["tasks"])
    assert order["requester"]["email"] == story.bob.email

    mailbox = bob.post("orders", {"item": "mailbox", "subject": "A mailbox for Zoe"})
    assert mailbox.status_code == 201 and mailbox.json()["status"] == "submitted"
    assert mailbox.json()["approval"] is None

    read = bob.get(f"orders/{order['number']}")
    assert read.status_code == 200 and read.json()["number"] == order["number"]
    listed = bob.get("orders")
    assert [o["number"] for o in listed.json()["items"]] == [mailbox.json()["number"], order["number"]]
    waiting = bob.get("orders", status="awaiting_approval")
    assert [o["number"] for o in waiting.json()["items"]] == [order["number"]]


def test_who_may_not_order_is_refused(catalog: Catalog, premium_only: Any) -> None:
    story = catalog.story
    alice = api_as(story.alice)  # no "Service orderer"
    response = alice.post("orders", {"item": "mailbox", "subject": "A mailbox"})
    assert response.status_code == 403, response.content
    bob = api_as(story.bob)
    assert error_of(bob.post("orders", {"item": "no-such-item", "subject": "x"}))["fields"] == {
        "item": ["No catalog item 'no-such-item'."]
    }
    assert bob.post("orders", {"item": "hosting-create", "subject": "Premium only"}).status_code == 403
    # Bob may not order for Globex.
    other = bob.post("orders", {"item": "mailbox", "subject": "x", "organization": story.globex.pk})
    assert other.status_code == 422
    assert not api_as(story.bob).get("orders").json()["items"]


def test_required_form_fields_are_checked(catalog: Catalog) -> None:
    ExtraField.objects.create(
        request_type=catalog.mailbox.request_type,
        key="owner",
        label="Owner",
        kind=FieldKind.TEXT,
        required=True,
    )
    bob = api_as(catalog.story.bob)
    missing = bob.post("orders", {"item": "mailbox", "subject": "A mailbox"})
    assert missing.status_code == 422
    assert error_of(missing)["fields"] == {"fields.owner": ["Owner is required."]}
    done = bob.post("orders", {"item": "mailbox", "subject": "A mailbox", "fields": {"owner": "Zoe"}})
    assert done.status_code == 201 and done.json()["fields"] == {"owner": "Zoe"}


def test_an_agent_orders_for_a_customer(catalog: Catalog) -> None:
    story = catalog.story
    dana = Api(secret_for(story.dana))
    no_org = dana.post("orders", {"item": "mailbox", "subject": "For Bob"})
    assert no_org.status_code == 422 and "organization" in error_of(no_org)["fields"]
    response = dana.post(
        "orders",
        {
            "item": "mailbox",
            "subject": "For Bob",
            "organization": story.acme.pk,
            "requester": story.bob.email,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["requester"]["id"] == story.bob.pk
    assert api_as(story.bob).get(f"orders/{response.json()['number']}").status_code == 200


def test_another_organisations_orders_are_invisible(catalog: Catalog, order: OrderMaker) -> None:
    story = catalog.story
    case = order(catalog.dns)
    charlie = api_as(story.charlie)
    assert charlie.get(f"orders/{case.number}").status_code == 404
    assert charlie.get("orders").json()["items"] == []
    # A case that is not an order is no order.
    plain = Api(secret_for(story.dana)).post(
        "cases", {"subject": "Not an order", "organization": story.acme.pk, "requester": story.bob.pk}
    )
    assert api_as(story.bob).get(f"orders/{plain.json()['number']}").status_code == 404


def test_the_order_list_costs_the_same_for_many_orders(
    catalog: Catalog,
    order: OrderMaker,
    decide: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    story = catalog.story
    for i in range(6):
        case = order(catalog.dns if i % 2 else catalog.mailbox, subject=f"Order {i}")
        if i % 2:
            decide(case, catalog.aaron, "approve")
    Team.objects.get(slug="service-desk")
    dana = Api(secret_for(story.dana))
    dana.get("orders")  # warm the token's caches
    with django_assert_max_num_queries(12):
        response = dana.get("orders")
    assert len(response.json()["items"]) == 6
    first = dana.get("orders", limit=4)
    rest = dana.get("orders", limit=4, cursor=first.json()["next_cursor"])
    numbers = [o["number"] for o in first.json()["items"] + rest.json()["items"]]
    assert len(set(numbers)) == 6 and rest.json()["next_cursor"] is None


def test_the_catalog_costs_the_same_for_many_items(
    catalog: Catalog, django_assert_max_num_queries: Any
) -> None:
    bob = api_as(catalog.story.bob)
    bob.get("catalog")
    with django_assert_max_num_queries(17) as few:  # session, throttle, membership, 6 for the items
        assert len(slugs(bob.get("catalog"))) == 2
    for i in range(5):
        item = catalog_item(f"extra-{i}", steps=[("Do it", catalog.network)])
        ExtraField.objects.create(request_type=item.request_type, key="what", label="What")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(slugs(bob.get("catalog"))) == 7
