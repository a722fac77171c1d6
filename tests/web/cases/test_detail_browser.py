"""The case page in a real Chromium at 360 px: a customer rejects a solution (the reason is asked for
first), replies with a file and then accepts, all by keyboard and without horizontal scrolling or any
CSP violation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Attachment, Case
from tests.accounts.test_browser_journeys import sign_in
from tests.browser import screenshot, watch_console
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move, reply
from tests.cases.test_attachments import png
from tests.conftest import PASSWORD, Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
cases = case_fixtures.cases


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at a 360 px viewport"


def test_bob_rejects_then_accepts_on_a_phone(
    page: Any, live_server: Any, story: Story, cases: CaseMaker, tmp_path: Path
) -> None:
    # Console errors but the page's own answers (a 422 is how a refused form comes back; no favicon).
    problems = watch_console(page, ignore_failed_loads=True)
    case = cases(story.bob, subject="Our VPN drops every ten minutes", description="Since *Monday*.")
    move(case, story.dana, Action.TAKE)
    reply(case, story.dana, "We replaced the **tunnel** configuration; please try again.")
    move(case, story.dana, Action.RESOLVE)

    sign_in(page, live_server, "bob@acme.example", PASSWORD)  # wide: the menu folds away at 360 px
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/cases/{case.number}/")
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    _fits(page)
    screenshot(page, "detail-resolved-360.png")

    # Reject without a reason: the message sits next to the field, and the state has not changed.
    page.get_by_test_id("action-reject-open").focus()
    page.keyboard.press("Enter")
    page.get_by_test_id("action-reject").click()
    page.get_by_test_id("error-reject-reason").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    page.get_by_label("Why is the problem not solved?").fill("It still drops at 10:00.")
    page.get_by_label("Why is the problem not solved?").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("You rejected the solution").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Open"
    assert "It still drops at 10:00." in page.get_by_test_id("case-history").inner_text()

    # A reply with a screenshot.
    shot = tmp_path / "drop.png"
    shot.write_bytes(png())
    page.get_by_label("Your reply").fill("Here is the **log** of the drop.")
    page.get_by_label("Attach files").set_input_files(str(shot))
    page.get_by_test_id("comment-submit").click()
    page.get_by_text("Your reply was added.").wait_for()
    assert page.get_by_test_id("attachment-link").filter(has_text="drop.png").count() == 1
    assert Attachment.objects.filter(case=case, filename="drop.png").exists()

    move(case, story.dana, Action.RESOLVE)
    page.reload()
    page.get_by_test_id("action-accept").click()
    page.get_by_text("you accepted the solution").wait_for()
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    page.get_by_test_id("follow-ups").wait_for()
    _fits(page)
    screenshot(page, "detail-closed-360.png")
    assert not problems, problems
