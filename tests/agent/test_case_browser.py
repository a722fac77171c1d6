"""The workspace's case page in a real Chromium: Dana opens Bob's case, sees Frank (in his own browser)
on it, writes an internal note and previews it, then resolves the case with a macro whose text she
edits; no script error and no CSP violation on the way."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Comment
from tests.agent.test_case_fixtures import bobs_case, macro
from tests.browser import screenshot, sign_in_as, watch_console
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
cases = case_fixtures.cases
HEARTBEAT_WAIT_MS = 25_000  # the notice refreshes every 15 s


def test_dana_notes_previews_and_resolves_with_a_macro_while_frank_looks_on(
    page: Any, second_page: Any, live_server: Any, story: Story, cases: CaseMaker
) -> None:
    franks_page = second_page  # Frank's own browser, beside Dana's
    macro(
        name="Solved: relay restarted",
        body="Hello {{ requester.first_name }},\n\n"
        "we restarted the mail relay; case {{ case.number }} is solved.",
        set_action="resolve",
    )
    case = bobs_case(story, cases, State.OPEN, subject="Mail relay rejects our invoices")
    path = f"/agent/cases/{case.number}/"
    problems = watch_console(page, ignore_failed_loads=True)

    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}{path}")
    assert page.get_by_test_id("case-state").inner_text() == "Open"
    sign_in_as(franks_page, live_server, story.frank)
    franks_page.goto(f"{live_server.url}{path}")
    franks_page.get_by_test_id("presence-viewer").filter(has_text="Dana Agent is viewing").wait_for()

    # Dana writes an internal note and previews it.
    page.get_by_test_id("composer-form").get_by_text("Internal note", exact=True).click()
    assert page.get_by_test_id("mode-note").is_checked()
    assert page.get_by_test_id("composer-submit").inner_text() == "Add internal note"
    page.get_by_label("Message", exact=True).fill(
        "Relay on the **blocklist**; <script>alert(1)</script> stays text."
    )
    page.get_by_test_id("composer-preview-button").click()
    page.get_by_test_id("preview-error").wait_for()  # active HTML is refused before sending
    page.get_by_label("Message", exact=True).fill("Relay on the **blocklist** since Monday.")
    page.get_by_test_id("composer-preview-button").click()
    page.get_by_test_id("preview-body").locator("strong", has_text="blocklist").wait_for()
    page.get_by_test_id("composer-submit").click()
    page.get_by_text("Your internal note was added.").wait_for()
    note = page.locator("[data-visibility=internal]")
    assert note.get_by_test_id("internal-note-label").text_content() == "Internal note"
    assert "blocklist" in note.inner_text()
    assert not Comment.objects.get(case=case).public

    # Frank starts writing: Dana's notice says so at its next heartbeat.
    franks_page.get_by_label("Message", exact=True).fill("I know this relay")
    page.get_by_test_id("presence-viewer").filter(has_text="Frank CSM is replying").wait_for(
        timeout=HEARTBEAT_WAIT_MS
    )
    screenshot(page, "agent-case-note-and-presence.png")

    # Dana resolves with the macro, editing its text first.
    page.get_by_label("Macro").select_option(label="Solved: relay restarted")
    chosen = page.get_by_test_id("macro-chosen")
    chosen.wait_for()
    assert "Then: Resolve" in chosen.inner_text() and "Adds a public reply" in chosen.inner_text()
    body = page.get_by_label("Message", exact=True)
    assert re.search(
        rf"Hello Bob,\s+we restarted the mail relay; case {case.number} is solved.", body.input_value()
    )
    body.fill(body.input_value() + "\n\nIt was on a blocklist.")
    assert page.get_by_test_id("composer-submit").inner_text() == "Send with the macro"
    page.get_by_test_id("composer-submit").click()
    page.get_by_text("Macro “Solved: relay restarted” applied.").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    reply = page.locator("[data-visibility=public]").last
    assert reply.get_by_test_id("public-reply-label").text_content() == "Public reply"
    assert "It was on a blocklist." in reply.inner_text()
    assert Case.objects.get(pk=case.pk).state == State.RESOLVED
    screenshot(page, "agent-case-resolved.png")
    page.set_viewport_size({"width": 360, "height": 800})  # on a phone it stacks, without sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not problems, problems
