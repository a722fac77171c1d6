"""Held email in a real Chromium: Dana opens Email from the workspace, finds the message of a sender
nobody knows, searches the customers for Bob, creates a case for him from it, and lands on the new case
in the workspace. No console error, no CSP violation."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from supportal.cases.models import Case
from supportal.channels.email.models import Status
from tests.browser import screenshot, sign_in_as, watch_console
from tests.channels.email.test_held import STRANGER, stranger_mail
from tests.conftest import Story

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dana_makes_a_case_for_bob_from_a_strangers_email(page: Any, live_server: Any, story: Story) -> None:
    message = stranger_mail()
    problems = watch_console(page)
    sign_in_as(page, live_server, story.dana)
    page.goto(f"{live_server.url}/agent/")
    assert page.get_by_test_id("held-email").inner_text() == "1 held"
    page.get_by_test_id("email-link").click()
    page.wait_for_url("**/agent/email/")
    row = page.get_by_test_id("inbound-row")
    assert STRANGER in row.inner_text() and "has no account" in row.inner_text()
    row.get_by_test_id("inbound-link").click()
    page.wait_for_url(f"**/agent/email/{message.pk}/")
    assert "the printer on the third floor is on fire" in page.get_by_test_id("inbound-text").inner_text()

    picker = page.get_by_test_id("requester")
    picker.get_by_test_id("requester-search").fill("bob")  # search as you type: HTMX swaps the options
    picker.get_by_label(re.compile(r"^Alice Acme")).wait_for(state="detached")
    picker.get_by_label(re.compile(r"^Bob Acme \(bob@acme\.example\)")).check()
    screenshot(page, "inbound-create-case.png")
    page.get_by_test_id("create-case-submit").click()

    page.wait_for_url(re.compile(r"/agent/cases/\d{10}/$"))
    case = Case.objects.get()
    assert page.url.endswith(f"/agent/cases/{case.number}/")
    assert case.requester == story.bob and case.subject == "Printer on fire"
    assert "opened for Bob Acme" in page.get_by_role("alert").filter(has_text=case.number).inner_text()
    message.refresh_from_db()
    assert message.status == Status.DONE and message.case == case
    assert problems == []
