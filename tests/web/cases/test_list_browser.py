"""The case lists and home in a real Chromium: HTMX swaps the results as filters change (and the address
follows), "Next page" works, no CSP violation, no serious or critical axe finding, and at 360 px the
page does not scroll sideways."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from supportal.cases.models import Visibility
from supportal.web.cases import lists
from tests.accounts.test_browser_journeys import sign_in
from tests.browser import screenshot, watch_console
from tests.cases.conftest import move
from tests.cmdb.factories import add_item, make_types
from tests.conftest import PASSWORD, Story
from tests.web.cases.test_list_cases import open_case

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "axe" / "axe.min.js"


def serious_axe_findings(page: Any) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def rows(page: Any) -> list[str]:
    return [row.get_attribute("data-number") for row in page.get_by_test_id("case-row").all()]


def test_alice_filters_the_organisation_tab(
    page: Any, live_server: Any, story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    vpn = [open_case(story.bob, f"VPN drops {n}", visibility=Visibility.ORGANIZATION) for n in range(4)]
    printer = open_case(story.alice, "Printer jams")
    move(vpn[1], story.dana, "take")
    problems = watch_console(page)
    sign_in(page, live_server, "alice@acme.example", PASSWORD)

    page.get_by_role("button", name="Cases", exact=True).click()
    page.get_by_role("link", name="Organisation cases").click()
    page.wait_for_url(re.compile(r"/cases/\?scope=organization$"))
    assert len(rows(page)) == 3
    screenshot(page, "list-organisation-cases.png")

    page.get_by_test_id("next-page").click()  # HTMX: the results only, the address follows
    page.wait_for_url(re.compile(r"cursor="))
    assert len(rows(page)) == 2

    page.get_by_label("Search").fill("vpn")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url(re.compile(r"q=vpn"))
    page.get_by_text("VPN drops 3").wait_for()
    assert printer.number not in rows(page)
    page.get_by_label("Open", exact=True).check()
    page.wait_for_url(re.compile(r"status=open"))
    page.locator(f'[data-testid="case-row"][data-number="{vpn[2].number}"]').wait_for(state="detached")
    assert rows(page) == [vpn[1].number]
    assert page.get_by_label("Search").input_value() == "vpn"  # the form was not swapped

    page.go_back()
    page.wait_for_url(lambda url: "q=vpn" in url and "status=open" not in url)
    page.get_by_text("VPN drops 2").wait_for()
    assert len(rows(page)) == 3
    assert problems == []
    assert serious_axe_findings(page) == []


def test_pages_fit_a_phone(page: Any, live_server: Any, story: Story) -> None:
    for n in range(3):
        open_case(story.alice, f"A rather long subject line number {n} about the VPN that keeps dropping")
    problems = watch_console(page)
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    page.set_viewport_size({"width": 360, "height": 740})
    for path, shot in (("/cases/", "list-my-cases-360.png"), ("/", "home-360.png")):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, path
        assert serious_axe_findings(page) == [], path
        screenshot(page, shot)
    page.get_by_role("button", name="Menu").click()
    page.get_by_test_id("nav-create-case").wait_for()
    assert problems == []


def test_alice_finds_a_configuration_item_to_filter_on(page: Any, live_server: Any, story: Story) -> None:
    types = make_types(story)
    mail = add_item(story, types, "mail-01")
    for n in range(25):
        add_item(story, types, f"app-{n:02d}")
    on_mail = open_case(story.alice, "Mail queue stuck", config_item=mail)
    open_case(story.alice, "Printer jams")
    problems = watch_console(page)
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_test_id("more-filters").locator("summary").click()
    picker = page.get_by_test_id("picker-config_item")
    assert picker.get_by_test_id("config-item-option").count() == 20  # bounded: search for the rest
    picker.get_by_label("Find an item by name or identifier").fill("mail")
    picker.get_by_label("mail-01").check()  # swapped in by HTMX; choosing it filters the list
    page.wait_for_url(re.compile(rf"config_item={mail.pk}"))
    page.locator('[data-testid="case-row"]').nth(1).wait_for(state="detached")
    assert rows(page) == [on_mail.number]
    assert problems == []
    assert serious_axe_findings(page) == []
