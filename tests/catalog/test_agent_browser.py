"""The agents' side of an order in a real Chromium: Dana finds Bob's DNS change waiting for approval
(its Done buttons disabled, saying why); once Alice approves, Nora of Network takes the first step from
her tasks list and marks it done, Dana finishes the second, and the order shows Fulfilled; no script
error and no CSP violation on the way."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.catalog.models import ApprovalDecision, Order, OrderStatus
from tests.browser import screenshot, sign_in_as, watch_console
from tests.catalog.conftest import Catalog, OrderMaker, tasks_of

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agents_fulfil_an_approved_order_step_by_step(
    page: Any,
    live_server: Any,
    catalog: Catalog,
    order: OrderMaker,
    decide: Callable[..., ApprovalDecision],
) -> None:
    case = order(catalog.dns, subject="Point www at the new host")
    zone, check = tasks_of(case)
    path = f"/agent/cases/{case.number}/"
    problems = watch_console(page)

    # Waiting for approval: nothing can be done yet, and the panel says why.
    sign_in_as(page, live_server, catalog.story.dana)
    page.goto(f"{live_server.url}{path}")
    panel = page.get_by_test_id("order-panel")
    assert panel.get_by_test_id("order-status").inner_text() == "Awaiting approval"
    done_buttons = panel.get_by_test_id("order-task-done")
    assert done_buttons.count() == 2
    assert all(done_buttons.nth(i).is_disabled() for i in range(2))
    assert "nothing is fulfilled before the approvers decide" in panel.inner_text()
    # Dana gives the first step to Nora meanwhile.
    first = panel.locator(f"[data-task-id='{zone.pk}']")
    first.get_by_label("Assigned agent").select_option(label="Nora Network")
    first.get_by_test_id("order-task-assign").click()
    page.get_by_text("“Update the zone” is assigned to Nora Network.").wait_for()

    decide(case, catalog.story.alice, "approve", "Go ahead")

    # Nora finds it among her tasks and does it.
    sign_in_as(page, live_server, catalog.nora)
    page.goto(f"{live_server.url}/agent/tasks/?show=mine")
    row = page.get_by_test_id("task-row")
    assert row.count() == 1 and "Update the zone" in row.inner_text()
    assert row.get_by_test_id("task-order-status").inner_text() == "Approved"
    row.get_by_role("link", name=case.number).click()
    page.get_by_test_id("order-panel").wait_for()
    first = page.locator(f"[data-task-id='{zone.pk}']")
    first.get_by_test_id("order-task-done").click()
    page.get_by_text("“Update the zone” is done.").wait_for()
    assert page.get_by_test_id("order-status").inner_text() == "In fulfilment"

    # Dana does the last step: the order is fulfilled.
    sign_in_as(page, live_server, catalog.story.dana)
    page.goto(f"{live_server.url}{path}")
    page.locator(f"[data-task-id='{check.pk}']").get_by_test_id("order-task-done").click()
    page.get_by_text("“Check resolution” is done.").wait_for()
    assert page.get_by_test_id("order-status").inner_text() == "Fulfilled"
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    assert page.get_by_test_id("order-task-done").count() == 0
    screenshot(page, "agent-order-fulfilled.png")
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED
    assert Order.objects.get(pk=case.pk).status == OrderStatus.FULFILLED
    assert not problems, problems
