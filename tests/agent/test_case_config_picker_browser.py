"""The case page's configuration item edit in a real Chromium: Dana searches the organisation's items
(HTMX swaps the radio buttons), chooses one and changes the case's item; no script error, no CSP
violation."""

from __future__ import annotations

import os
from typing import Any

import pytest

from supportal.cases.lifecycle import State
from tests.agent.test_case_fixtures import bobs_case, fresh
from tests.browser import sign_in_as, watch_console
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
cases = case_fixtures.cases


def test_dana_finds_and_sets_the_configuration_item(
    page: Any, live_server: Any, story: Story, cases: CaseMaker
) -> None:
    types = make_types(story)
    for n in range(25):
        add_item(story, types, f"app-{n:02d}")
    db01 = add_item(story, types, "db01")
    add_item(story, types, "db-globex", organisation=story.globex)
    case = bobs_case(story, cases, State.OPEN)
    problems = watch_console(page, ignore_failed_loads=True)
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/cases/{case.number}/")
    page.get_by_test_id("config-item-panel").locator("summary").click()
    picker = page.get_by_test_id("picker-config_item")
    assert picker.get_by_test_id("config-item-option").count() == 20  # bounded: search for the rest
    picker.get_by_label("Search the organisation's items by name or identifier").fill("db")
    picker.get_by_label("db01").check()  # swapped in by HTMX
    assert picker.get_by_test_id("config-item-option").count() == 1  # not Globex's db-globex
    page.get_by_test_id("config-item-submit").click()
    page.get_by_text("The configuration item is now db01.").wait_for()
    assert fresh(case).config_item_id == db01.pk
    assert problems == []
