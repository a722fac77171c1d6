"""A real Chromium (Debian's), driven by Playwright, for the few end-to-end browser journeys.

Use with pytest-django's `live_server`; mark tests `@pytest.mark.browser` and
`@pytest.mark.django_db(transaction=True)`. Fixtures: `page`, and `second_page` for a second person in a
browser of their own. Helpers: `sign_in_as`, `watch_console`, `screenshot`, and for the agent
workspace's queue table `queue_numbers` and `active_row`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def _browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("SUPPORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed, and SUPPORTAL_REQUIRE_BROWSER=1")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own browser context (its own cookies), closed afterwards."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(_browser: object) -> Iterator[object]:
    """A fresh page in its own browser context (no cookies shared between tests)."""
    yield from _new_page(_browser)


@pytest.fixture
def second_page(_browser: object) -> Iterator[object]:
    """A second person's page beside `page`, in a browser context of its own (its own cookies)."""
    yield from _new_page(_browser)


def sign_in_as(page: object, live_server: object, user: object) -> None:
    """Sign `user` in without the sign-in form (for journeys that are not about signing in): Django's
    test client opens a session and its cookie goes into the page's browser context. Clears any
    earlier session of that context first, so that switching people is one call."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    name = settings.SESSION_COOKIE_NAME
    url = live_server.url  # type: ignore[attr-defined]
    context = page.context  # type: ignore[attr-defined]
    context.clear_cookies()
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": url}])


def watch_console(page: Any, *, ignore_failed_loads: bool = False) -> list[str]:
    """The list the page's console errors and uncaught script errors (a CSP violation is one) are
    collected into from now on. `ignore_failed_loads`: leave out Chromium's "Failed to load resource"
    lines, which a refused form (422) or a forbidden URL (404) logs as the page's own answer."""
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        if ignore_failed_loads and "Failed to load resource" in message.text:
            return
        problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def screenshot(page: Any, name: str) -> None:
    """A full-page screenshot into $SUPPORTAL_ARTEFACTS, when set (CI keeps them). caret="initial":
    hiding the caret injects a <style> (and style="" on inputs) that the page's CSP rightly reports."""
    folder = os.environ.get("SUPPORTAL_ARTEFACTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, name), full_page=True, caret="initial")


# --- The agent workspace's queue table


def queue_numbers(page: Any) -> list[str]:
    """The case numbers of the queue table's rows, top to bottom."""
    return [row.get_attribute("data-case-number") for row in page.locator("[data-queue-list] tbody tr").all()]


def active_row(page: Any) -> Any:
    """The case number of the row the keyboard is on (None when there is none)."""
    return page.evaluate(
        "() => { const r = document.querySelector('tr.table-active'); return r && r.dataset.caseNumber; }"
    )
