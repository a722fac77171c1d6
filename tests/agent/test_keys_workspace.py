"""The keyboard shortcuts on the workspace's real pages, in a real Chromium: Dana goes through the New
queue with j/k/x/Enter, walks its cases with j/k, writes with r and n (a "j" typed in the composer stays
there), takes a case with a, resolves it with s, goes back with u, and opens the help with "?"."""

from __future__ import annotations

import os
from typing import Any

import pytest

from supportal.cases import services
from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from tests.browser import active_row, sign_in_as, watch_console
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_cases(story: Story) -> list[Case]:
    return [
        services.case_create(
            actor=story.alice,
            organisation=story.acme,
            channel="portal",
            subject=f"Printer {n} jams",
            urgency="low",
            impact="low",
        )
        for n in range(3)
    ]


def test_dana_works_the_new_queue_from_the_keyboard(
    page: Any, live_server: Any, story: Story, new_cases: list[Case]
) -> None:
    problems = watch_console(page)
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/")
    rows = page.get_by_test_id("queue-row")
    rows.first.wait_for()
    numbers = [rows.nth(i).get_attribute("data-case-number") for i in range(rows.count())]
    assert sorted(numbers) == sorted(c.number for c in new_cases)

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert active_row(page) == numbers[0]
    page.keyboard.press("x")
    assert page.get_by_label(f"Select case {numbers[0]}").is_checked()
    page.keyboard.press("x")
    assert not page.get_by_label(f"Select case {numbers[0]}").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/agent/cases/{numbers[0]}/")

    page.keyboard.press("j")
    page.wait_for_url(f"**/agent/cases/{numbers[1]}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/agent/cases/{numbers[0]}/")

    page.keyboard.press("a")  # a New case: "Assign to me" among the moves
    page.get_by_test_id("action-resolve-open").wait_for()
    case = Case.objects.get(number=numbers[0])
    assert case.assignee == story.dana and case.state == State.OPEN

    page.keyboard.press("r")
    assert page.get_by_test_id("mode-public").is_checked()
    assert page.evaluate("() => document.activeElement.id") == "composer-body"
    page.keyboard.type("j")  # typing, not navigating
    assert page.get_by_test_id("composer-body").input_value().strip() == "j"
    assert page.url.endswith(f"/agent/cases/{numbers[0]}/")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    assert page.get_by_test_id("mode-note").is_checked()
    page.get_by_test_id("composer-body").fill("")
    page.keyboard.press("Escape")

    page.keyboard.press("s")
    panel = page.get_by_test_id("action-resolve-panel")
    assert panel.get_attribute("open") is not None
    page.keyboard.type("Cleared the paper path.")
    panel.get_by_test_id("action-resolve").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == State.RESOLVED

    page.keyboard.press("?")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for(state="hidden")
    page.keyboard.press("u")
    page.wait_for_url(f"{live_server.url}/agent/")
    assert problems == []
