"""In a real Chromium, the order journeys of issue 9:

(a) Bob orders a DNS change that needs approval from the catalog; Alice approves it from the link of her
    approval email (not signed in); Nora (Network) and Dana (Service Desk) complete their fulfilment
    tasks on the agent's case page; Bob finds the order Fulfilled under Orders.
(b) Another order is rejected with a reason on the portal case page; Bob sees Rejected and the reason.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail

from supportal.accounts.models import User
from supportal.cases import services as case_services
from supportal.cases.models import Case, Visibility
from supportal.catalog.models import CatalogItem, Order, OrderStatus
from supportal.orgs import services as org_services
from supportal.orgs.models import Team
from tests.browser import screenshot, sign_in_as, watch_console
from tests.catalog.conftest import allow_ordering, catalog_item
from tests.conftest import Story, verified

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def dns_change(story: Story) -> tuple[CatalogItem, User]:
    """The DNS change item (one approval; "Update the zone" by Network, then "Check resolution" by the
    Service Desk) and Nora of the Network team; Bob may order services."""
    network = Team.objects.create(name="Network", slug="network")
    nora = verified(
        org_services.agent_create(
            actor=story.erin,
            channel="cli",
            email="nora@provider.example",
            name="Nora Network",
            teams=[network],
        )
    )
    item = catalog_item(
        "dns-change",
        name="DNS change",
        approvals_required=1,
        steps=[("Update the zone", network), ("Check resolution", story.service_desk)],
        case_type_code="change",
        fulfilment_days=2,
    )
    story.bob = allow_ordering(story, story.bob)
    return item, nora


def complete_task(page: Any, live_server: Any, agent: User, case: Case, name: str) -> None:
    sign_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/agent/cases/{case.number}/")
    task = page.get_by_test_id("order-task").filter(has_text=name)
    task.get_by_test_id("order-task-done").click()
    page.locator('[data-testid="order-task"][data-task-status="done"]', has_text=name).wait_for()


def test_an_order_is_approved_from_the_email_and_fulfilled_by_two_teams(
    page: Any, second_page: Any, live_server: Any, story: Story
) -> None:
    item, nora = dns_change(story)
    mail.outbox.clear()
    problems = watch_console(page, ignore_failed_loads=True)

    # Bob orders from the catalog.
    sign_in_as(page, live_server, story.bob)
    page.goto(f"{live_server.url}/catalog/")
    card = page.get_by_test_id("catalog-item").filter(has_text="DNS change")
    assert "Needs approval" in card.inner_text()
    card.get_by_test_id("order-item").click()
    page.wait_for_url(re.compile(r"/cases/new/\?request_type=dns-change$"))
    page.get_by_test_id("subject").fill("Point www at the new web server")
    page.get_by_test_id("description").fill("www.acme.example A 192.0.2.10")
    page.get_by_test_id("submit-case").click()
    page.wait_for_url(re.compile(r"/cases/\d{10}/\?created=1$"))
    case = Case.objects.get(request_type=item.request_type)
    assert page.get_by_test_id("order-status").inner_text() == "Awaiting approval"
    assert page.get_by_test_id("approval-state").inner_text() == "Waiting for approval"

    # Alice opens the link of her approval email, without signing in, and approves.
    [message] = [m for m in mail.outbox if m.to == [story.alice.email] and "/approvals/" in m.body]
    link = urlsplit(next(word for word in message.body.split() if "/approvals/" in word)).path
    second_page.goto(f"{live_server.url}{link}")
    assert "Point www at the new web server" in second_page.locator("h1").inner_text()
    assert "DNS change" in second_page.get_by_test_id("summary-item").inner_text()
    assert "Bob Acme" in second_page.get_by_test_id("summary-requester").inner_text()
    second_page.get_by_label("Comment").fill("Go ahead.")
    second_page.get_by_test_id("approve").click()
    second_page.get_by_test_id("approval-done").wait_for()
    assert Order.objects.get(pk=case.pk).status == OrderStatus.APPROVED

    # Two agents of two teams complete their tasks on the agent's case page.
    complete_task(second_page, live_server, nora, case, "Update the zone")
    assert Order.objects.get(pk=case.pk).status == OrderStatus.IN_FULFILMENT
    complete_task(second_page, live_server, story.dana, case, "Check resolution")
    assert Order.objects.get(pk=case.pk).status == OrderStatus.FULFILLED

    # Bob sees it fulfilled under Orders, and on its page the steps done.
    page.goto(f"{live_server.url}/orders/")
    row = page.get_by_test_id("case-row").filter(has_text="Point www at the new web server")
    assert row.get_by_test_id("case-status").inner_text() == "Fulfilled"
    row.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/cases/{case.number}/")
    assert page.get_by_test_id("order-progress").inner_text() == "2 of 2 steps finished"
    assert "Alice Acme" in page.get_by_test_id("approval-decisions").inner_text()
    screenshot(page, "order-fulfilled.png")
    assert not problems, problems


def test_an_order_is_rejected_with_a_reason_on_the_case_page(
    page: Any, second_page: Any, live_server: Any, story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    item, _ = dns_change(story)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_create(
            actor=story.bob, organisation=story.acme, subject="Delete the MX records",
            request_type=item.request_type, channel="portal", visibility=Visibility.ORGANIZATION,
        )  # fmt: skip
    problems = watch_console(second_page, ignore_failed_loads=True)

    sign_in_as(second_page, live_server, story.alice)
    second_page.goto(f"{live_server.url}/cases/{case.number}/")
    form = second_page.get_by_test_id("approval-form")
    form.get_by_test_id("reject").click()  # no reason: refused, nothing decided
    second_page.get_by_test_id("approval-comment-error").wait_for()
    assert Order.objects.get(pk=case.pk).status == OrderStatus.AWAITING_APPROVAL
    second_page.get_by_label("Comment").fill("Mail would stop: not without a migration plan.")
    second_page.get_by_test_id("reject").click()
    second_page.wait_for_url(f"**/cases/{case.number}/#approvals")
    assert Order.objects.get(pk=case.pk).status == OrderStatus.REJECTED

    sign_in_as(page, live_server, story.bob)
    page.goto(f"{live_server.url}/orders/")
    row = page.get_by_test_id("case-row").filter(has_text="Delete the MX records")
    assert row.get_by_test_id("case-status").inner_text() == "Rejected"
    page.goto(f"{live_server.url}/cases/{case.number}/")
    assert page.get_by_test_id("order-status").inner_text() == "Rejected"
    assert "not without a migration plan" in page.get_by_test_id("approval-comment").inner_text()
    assert not problems, problems
