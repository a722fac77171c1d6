"""POST /api/v1/cases/{number}/approval and POST /api/v1/orders/{number}/tasks/{task_id}/complete: nothing
is fulfilled before the approvals the rule needs, whoever calls the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from supportal.cases.models import Case, CloseReason
from supportal.catalog.models import ApprovalDecision, Order
from supportal.orgs import services as org_services
from tests.api.conftest import Api, api_as, error_of, secret_for
from tests.catalog.conftest import Catalog, OrderMaker, change_type_with_rule, fresh, tasks_of
from tests.conftest import groups

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


def approve(api: Api, case: Case, decision: str = "approve", comment: str = "") -> Any:
    return api.post(f"cases/{case.number}/approval", {"decision": decision, "comment": comment})


def status_of(case: Case) -> str:
    return str(Order.objects.get(case=case).status)


def test_an_approver_approves_and_the_order_moves_on(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)  # Bob's private order: Aaron cannot list it, but is asked to approve it
    aaron = api_as(catalog.aaron)
    assert aaron.get(f"orders/{case.number}").status_code == 404
    response = approve(aaron, case, comment="Fine by me")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "open" and body["order_status"] == "approved"
    assert body["approval"]["state"] == "approved" and body["approval"]["approvals"] == 1
    [decision] = body["approval"]["decisions"]
    assert decision["approver"]["email"] == catalog.aaron.email and decision["channel"] == "api"
    assert decision["comment"] == "Fine by me"
    # Decided: a second decision is a conflict, by anyone.
    assert error_of(approve(aaron, case))["error"] == "conflict"
    assert approve(api_as(catalog.story.alice), case).status_code == 409
    read = api_as(catalog.story.bob).get(f"orders/{case.number}").json()
    assert read["status"] == "approved" and read["approval"]["decisions"][0]["comment"] == "Fine by me"


def test_a_rejection_needs_a_reason_and_closes_the_order(catalog: Catalog, order: OrderMaker) -> None:
    case = order(catalog.dns)
    alice = api_as(catalog.story.alice)
    no_reason = approve(alice, case, "reject")
    assert no_reason.status_code == 422 and "comment" in error_of(no_reason)["fields"]
    assert approve(alice, case, "maybe").status_code == 422
    response = approve(alice, case, "reject", "Not during the freeze")
    assert response.status_code == 200, response.content
    assert response.json()["order_status"] == "rejected" and response.json()["state"] == "closed"
    case.refresh_from_db()
    assert case.close_reason == CloseReason.REJECTED


def test_who_is_not_an_approver_is_refused(catalog: Catalog, order: OrderMaker) -> None:
    story = catalog.story
    case = order(catalog.dns)
    bob = api_as(story.bob)  # sees his order, may not approve it
    assert error_of(approve(bob, case))["error"] == "forbidden"
    assert approve(api_as(story.charlie), case).status_code == 404  # another organisation's
    assert approve(Api(secret_for(story.dana)), case).status_code == 403  # agents do not approve
    assert status_of(case) == "awaiting_approval"
    mailbox = order(catalog.mailbox)  # pre-approved: nothing to decide
    assert approve(api_as(story.alice), mailbox).status_code == 404


def test_a_revoked_approver_is_refused_and_the_order_keeps_waiting(
    catalog: Catalog, order: OrderMaker
) -> None:
    story = catalog.story
    case = order(catalog.dns, visibility="organization")  # shared: Alice keeps seeing it
    alice = api_as(story.alice)  # signed in while she could still approve
    org_services.membership_groups_set(
        actor=story.erin,
        channel="cli",
        user=story.alice,
        groups=groups("case-reporter", "organisation-cases", "user-manager"),
    )
    response = approve(alice, case)
    assert response.status_code == 403, response.content
    assert status_of(case) == "awaiting_approval"
    assert not ApprovalDecision.objects.filter(requirement_id=case.pk).exists()
    case.refresh_from_db()
    assert case.state == "on_hold"


def test_a_change_waits_for_approval_too(catalog: Catalog, order: OrderMaker) -> None:
    firewall = change_type_with_rule()
    case = order(firewall, actor=fresh(catalog.story.alice))
    response = approve(api_as(catalog.aaron), case)
    assert response.status_code == 200, response.content
    assert response.json()["order_status"] is None and response.json()["state"] == "open"


def test_tasks_wait_for_approval_then_fulfil_the_order(
    catalog: Catalog, order: OrderMaker, decide: Callable[..., Any]
) -> None:
    story = catalog.story
    case = order(catalog.dns)
    first, last = tasks_of(case)
    dana = Api(secret_for(story.dana))
    url = f"orders/{case.number}/tasks/{{}}/complete"
    waiting = dana.post(url.format(first.pk), {})
    assert waiting.status_code == 409 and "approval" in error_of(waiting)["detail"]
    decide(case, catalog.aaron, "approve")
    assert api_as(story.bob).post(url.format(first.pk), {}).status_code == 403
    assert api_as(story.charlie).post(url.format(first.pk), {}).status_code == 404
    done = dana.post(url.format(first.pk), {})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "in_fulfilment"
    assert [t["status"] for t in done.json()["tasks"]] == ["done", "open"]
    assert dana.post(url.format(first.pk), {}).status_code == 409
    other = order(catalog.mailbox)
    assert dana.post(url.format(tasks_of(other)[0].pk), {}).status_code == 404  # not this order's task
    assert dana.post(url.format(2**63), {}).status_code == 422
    skipped = dana.post(url.format(last.pk), {"skip": True})
    assert skipped.status_code == 200, skipped.content
    body = skipped.json()
    assert body["status"] == "fulfilled" and body["state"] == "resolved"
    assert [t["status"] for t in body["tasks"]] == ["done", "skipped"]
    assert body["tasks"][0]["done_by"]["email"] == story.dana.email
