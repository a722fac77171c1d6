"""In a real Chromium: Dana selects three new cases, bulk-assigns them to herself, and finds them under
Mine; the filters swap the results with HTMX (the address follows); no CSP violation, no serious or
critical axe finding."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from tests.browser import queue_numbers, sign_in_as, watch_console
from tests.conftest import Story
from tests.web.cases.test_list_browser import serious_axe_findings
from tests.web.cases.test_list_cases import open_case

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dana_bulk_assigns_three_new_cases_to_herself(page: Any, live_server: Any, story: Story) -> None:
    made = [open_case(story.alice, f"Printer {n} jams") for n in range(4)]
    problems = watch_console(page)
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/")
    assert set(queue_numbers(page)) == {c.number for c in made}
    assert serious_axe_findings(page) == []

    chosen = made[:3]
    for case in chosen:
        page.get_by_label(f"Select case {case.number}").check()
    assert page.locator("[data-selected-count]").inner_text() == "(3 selected)"
    page.get_by_label("Action").select_option("assign")
    assert page.get_by_label("Reason for the new priority").is_hidden()  # only the assign fields show
    page.get_by_label("Agent", exact=True).select_option(label="Dana Agent (me)")
    page.get_by_test_id("bulk-apply").click()
    page.wait_for_load_state()
    assert "3 cases assigned to Dana Agent." in page.get_by_role("alert").inner_text()
    assert queue_numbers(page) == [made[3].number]  # the rest of New and unassigned

    page.get_by_role("link", name=re.compile(r"^Mine")).click()
    page.wait_for_url(re.compile(r"/agent/queues/mine/$"))
    assert set(queue_numbers(page)) == {c.number for c in chosen}
    assert (
        page.get_by_test_id("queue-sidebar")
        .get_by_role("link", name=re.compile(r"^Mine"))
        .inner_text()
        .endswith("3")
    )

    page.get_by_label("Search", exact=True).fill("printer 1")
    page.get_by_label("Search", exact=True).press("Enter")  # HTMX: the results only, the address follows
    page.wait_for_url(re.compile(r"q=printer(\+|%20)1"))
    page.wait_for_function("document.querySelectorAll('[data-queue-list] tbody tr').length === 1")
    assert queue_numbers(page) == [made[1].number]
    assert problems == []
