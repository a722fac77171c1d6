"""A real Chromium (Debian's), driven by Playwright, for the few end-to-end browser journeys.

Use with pytest-django's `live_server`; mark tests `@pytest.mark.browser` and
`@pytest.mark.django_db(transaction=True)`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

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


@pytest.fixture
def page(_browser: object) -> Iterator[object]:
    """A fresh page in its own browser context (no cookies shared between tests)."""
    context = _browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


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
