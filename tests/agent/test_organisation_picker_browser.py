"""In a real Chromium: Dana narrows the All queue to Globex with the organisation picker (search as she
types, choose the radio button); the results swap with HTMX and the address keeps the choice, never the
search's own URL; a reload shows it chosen. No CSP violation, no serious or critical axe finding."""

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


def test_dana_filters_a_queue_by_an_organisation_she_searched(
    page: Any, live_server: Any, story: Story
) -> None:
    acme = open_case(story.alice, "Printer jams")
    globex = open_case(story.charlie, "VPN drops")
    problems = watch_console(page)
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/queues/all/")
    assert set(queue_numbers(page)) == {acme.number, globex.number}

    page.get_by_test_id("more-filters").locator("summary").click()
    picker = page.get_by_test_id("organisation")
    picker.get_by_label("Search organisations by name").fill("GLO")
    picker.get_by_label("Acme Corp").wait_for(state="detached")
    assert page.url.endswith("/agent/queues/all/")  # the search does not move the address
    picker.get_by_label("Globex").check()
    page.wait_for_url(re.compile(rf"organisation={story.globex.pk}"))
    page.wait_for_function("document.querySelectorAll('[data-queue-list] tbody tr').length === 1")
    assert queue_numbers(page) == [globex.number]
    assert serious_axe_findings(page) == []

    page.reload()
    assert page.get_by_test_id("organisation").get_by_label("Globex").is_checked()
    assert queue_numbers(page) == [globex.number]
    assert problems == []
