"""The portal's configuration items in a real Chromium: Alice opens them from the navigation, searches
(HTMX swaps the results), opens an item and sees its attributes, relations and her case about it; no
script error, no CSP violation."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from supportal.cases import services as case_services
from supportal.cmdb import services
from tests.browser import screenshot, sign_in_as, watch_console
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alice_searches_her_items_and_opens_one_with_its_cases(
    page: Any, live_server: Any, story: Story
) -> None:
    types = make_types(story)
    for n in range(30):
        add_item(story, types, f"app-{n:02d}")
    web = add_item(story, types, "shop-web", identifier="shop.acme.example", attributes={"os": "linux"})
    host = add_item(story, types, "shop-host")
    add_item(story, types, "shop-globex", organisation=story.globex)
    services.relation_add(actor=story.dana, channel="cli", source=web, target=host, kind="runs_on")
    case = case_services.case_create(
        actor=story.alice,
        organisation=story.acme,
        subject="The shop is slow",
        channel="portal",
        config_item=web,
    )
    problems = watch_console(page)
    sign_in_as(page, live_server, story.alice)
    page.goto(live_server.url)
    page.get_by_test_id("nav-organisation").get_by_role("button", name="Organisation").click()
    page.get_by_test_id("nav-config-items").click()
    rows = page.get_by_test_id("item-row")
    rows.first.wait_for()
    assert rows.count() == 25  # a page; the rest behind "Next page"
    page.get_by_label("Search by name or identifier").fill("shop")
    page.get_by_test_id("item-search").click()
    expect(rows).to_have_count(2)  # a locator wait: the page's CSP forbids evaluating strings
    assert "q=shop" in page.url  # the search is in the address, for Back and sharing
    assert rows.all_inner_texts()[0].startswith("shop-host")  # not Globex's shop-globex
    page.get_by_role("link", name="shop-web").click()
    page.get_by_test_id("item-name").wait_for()
    assert page.get_by_test_id("item-attributes").inner_text().split() == ["Operating", "system", "linux"]
    assert "Runs on shop-host" in page.get_by_test_id("item-relations").inner_text()
    screenshot(page, "cmdb-portal-item.png")
    page.get_by_test_id("item-cases").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/cases/{case.number}/")
    assert page.get_by_text("The shop is slow").first.is_visible()
    screenshot(page, "cmdb-portal-case.png")
    assert problems == []
