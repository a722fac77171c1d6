"""The create-a-case page in a real Chromium: the request type's fields swap in, the priority follows
urgency and impact, the item search narrows as you type, and the form goes up with its files through
case_form.js (progress bar, errors swapped in, then the redirect to the new case). No CSP violation."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from supportal.cases.models import Attachment, Case
from tests.accounts.test_browser_journeys import sign_in
from tests.browser import screenshot, watch_console
from tests.cases.test_attachments import png
from tests.conftest import PASSWORD, Story
from tests.web.cases import test_create_fixtures as create_fixtures
from tests.web.cases.test_create_fixtures import Catalogue

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
catalogue = create_fixtures.catalogue  # a catalogue with a field of every kind


def test_alice_opens_a_case_with_a_screenshot(
    page: Any, live_server: Any, story: Story, catalogue: Catalogue, settings: Any
) -> None:
    settings.SUPPORTAL_MAX_ATTACHMENT_BYTES = 4096
    problems = watch_console(page)
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    page.goto(f"{live_server.url}/cases/new/")

    page.get_by_test_id("request-type").select_option("cloud-incident")
    page.get_by_test_id("extra-service").wait_for()
    page.wait_for_url(re.compile(r"/cases/new/\?request_type=cloud-incident$"))

    page.get_by_test_id("urgency-high").check()
    page.get_by_test_id("impact-high").check()
    page.get_by_test_id("priority-value").filter(has_text="P1 Critical").wait_for()

    picker = page.get_by_test_id("picker-config_item")
    picker.get_by_test_id("config-item-search").fill("5f0c")
    picker.get_by_label(re.compile(r"^web01")).wait_for(state="detached")
    picker.get_by_label(re.compile(r"^db01")).check()

    page.get_by_label("Service").select_option("DNS")
    page.get_by_label("Started on").fill("2026-01-05")
    page.get_by_test_id("subject").fill("The VPN drops every ten minutes")
    page.get_by_test_id("description").fill("Since **Monday**.")
    page.get_by_test_id("files").set_input_files(
        [{"name": "dump.bin", "mimeType": "application/octet-stream", "buffer": b"x" * 5000}]
    )
    assert "it will be refused" in page.get_by_test_id("file-list").inner_text()
    screenshot(page, "create-case-filled.png")
    page.get_by_test_id("submit-case").click()

    # The server refuses the file: the form comes back in place, everything typed kept.
    page.get_by_test_id("error-file").wait_for()
    assert "the limit is 4 KB" in page.get_by_test_id("error-file").inner_text()
    assert page.get_by_test_id("subject").input_value() == "The VPN drops every ten minutes"
    assert page.get_by_test_id("urgency-high").is_checked()
    assert picker.get_by_label(re.compile(r"^db01")).is_checked()
    assert not Case.objects.exists()
    screenshot(page, "create-case-errors.png")

    page.get_by_test_id("files").set_input_files(
        [{"name": "screen.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_test_id("submit-case").click()
    page.wait_for_url(re.compile(r"/cases/\d{10}/\?created=1$"))
    case = Case.objects.get()
    assert f"Case {case.number} is open." in page.get_by_test_id("case-created").inner_text()
    assert (case.priority, case.config_item_id) == ("P1", catalogue.db01.pk)
    assert Attachment.objects.get(case=case).content_type == "image/png"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_the_form_fits_a_phone(page: Any, live_server: Any, story: Story, catalogue: Catalogue) -> None:
    problems = watch_console(page)
    sign_in(page, live_server, "alice@acme.example", PASSWORD)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/cases/new/?request_type=cloud-incident")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    page.get_by_test_id("request-type").focus()
    page.keyboard.press("Tab")  # the request type's first field comes next
    assert page.evaluate("document.activeElement.id") == "extra-service"
    screenshot(page, "create-case-360.png")
    assert not problems, problems
