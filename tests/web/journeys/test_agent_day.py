"""An agent's day, in a real Chromium, with the customer in a browser of his own.

Dana picks up Bob's new case from New and unassigned, asks him for information; Bob answers in the
portal and the case is Open again; Dana resolves it with a macro and Bob sees the solution to accept.
Then she bulk-assigns three more new cases to herself, merges Bob's duplicate into the first, and files a
case for Alice, who phoned. Each step goes through the pages a person uses; the database is only read.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, Channel, CloseReason, EventKind, Macro
from tests.browser import queue_numbers, sign_in_as, watch_console
from tests.conftest import Story
from tests.web.cases.test_list_cases import open_case

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(case: Case) -> str:
    return Case.objects.get(pk=case.pk).state


def test_an_agents_day(page: Any, second_page: Any, live_server: Any, story: Story) -> None:
    bobs_page = second_page  # Bob's own browser (his own cookies), beside Dana's
    Macro.objects.create(
        name="Solved: please confirm",
        body="Hello {{ requester.first_name }}, the VPN profile is renewed. Please accept the solution.",
        set_action="resolve",
    )
    vpn = open_case(story.bob, "VPN drops every ten minutes")
    others = [open_case(story.alice, f"Printer {floor} jams") for floor in (1, 2, 3)]
    duplicate = open_case(story.bob, "VPN keeps dropping (again)")
    problems = watch_console(page)
    sign_in_as(page, live_server, story.dana)
    sign_in_as(bobs_page, live_server, story.bob)

    # 1. Pick up a new case: New and unassigned, open it, assign it to herself.
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"/agent/$"))
    assert set(queue_numbers(page)) == {vpn.number, duplicate.number, *(c.number for c in others)}
    page.locator(f'tr[data-case-number="{vpn.number}"] a[data-case-link]').click()
    page.wait_for_url(f"**/agent/cases/{vpn.number}/")
    page.get_by_test_id("action-take").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-state").inner_text() == "Open"

    # 2. Ask Bob for information.
    page.get_by_test_id("action-ask-info-open").click()
    page.get_by_test_id("action-ask-info-panel").get_by_role("textbox").fill("Which VPN client version?")
    page.get_by_test_id("action-ask-info").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-state").inner_text() == "Awaiting Info"

    # 3. Bob answers in the portal: the case is Open again, and Dana sees his answer.
    bobs_page.goto(f"{live_server.url}/cases/{vpn.number}/")
    assert "Which VPN client version?" in bobs_page.locator("main").inner_text()
    bobs_page.get_by_test_id("comment-form").get_by_role("textbox").first.fill("Version 5.2 on Windows 11.")
    bobs_page.get_by_test_id("comment-submit").click()
    bobs_page.wait_for_load_state()
    assert _state(vpn) == State.OPEN
    page.reload()
    assert page.get_by_test_id("case-state").inner_text() == "Open"
    assert "Version 5.2 on Windows 11." in page.locator("main").inner_text()

    # 4. Resolve with a macro; Bob is asked to accept the solution.
    page.get_by_label("Macro").select_option(label="Solved: please confirm")
    page.get_by_test_id("macro-chosen").wait_for()
    assert "Hello Bob" in page.get_by_label("Message", exact=True).input_value()
    page.get_by_test_id("composer-submit").click()
    page.get_by_text("Macro “Solved: please confirm” applied.").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    bobs_page.reload()
    assert "the VPN profile is renewed" in bobs_page.locator("main").inner_text()
    assert bobs_page.get_by_role("button", name=re.compile("Accept")).count() >= 1

    # 5. Bulk-assign the three printer cases to herself.
    page.goto(f"{live_server.url}/agent/")
    for case in others:
        page.get_by_label(f"Select case {case.number}").check()
    page.get_by_label("Action").select_option("assign")
    page.get_by_label("Agent", exact=True).select_option(label="Dana Agent (me)")
    page.get_by_test_id("bulk-apply").click()
    page.wait_for_load_state()
    assert "3 cases assigned to Dana Agent." in page.get_by_role("alert").inner_text()
    assert queue_numbers(page) == [duplicate.number]
    assert all(Case.objects.get(pk=c.pk).assignee == story.dana for c in others)
    assigned = CaseEvent.objects.filter(kind=EventKind.ASSIGNED, actor=story.dana)
    assert all(assigned.filter(case=c).count() == 1 for c in others)  # one event on each case

    # 6. Merge Bob's duplicate into the VPN case; Dana lands on the VPN case.
    page.locator(f'tr[data-case-number="{duplicate.number}"] a[data-case-link]').click()
    page.wait_for_url(f"**/agent/cases/{duplicate.number}/")
    page.get_by_test_id("merge-panel").locator("summary").click()
    merge = page.get_by_test_id("merge-form")
    merge.get_by_label("Merge into case number").fill(vpn.number)
    merge.get_by_label("Why is this case a duplicate?").fill("Same VPN drops as the first case.")
    merge.get_by_label(re.compile("^Yes: close this case")).check()
    page.get_by_test_id("merge-submit").click()
    page.wait_for_load_state()
    merged = Case.objects.get(pk=duplicate.pk)
    assert merged.state == State.CLOSED and merged.close_reason == CloseReason.MERGED
    assert merged.merged_into_id == vpn.pk
    page.wait_for_url(f"**/agent/cases/{vpn.number}/")  # on to the case that stays
    assert f"Case {duplicate.number} is merged into this case" in page.get_by_role("alert").inner_text()

    # 7. Alice phones: Dana files the case for her.
    page.goto(f"{live_server.url}/agent/")
    page.get_by_test_id("file-case").click()
    page.wait_for_url("**/agent/cases/new/")
    organisation = page.get_by_test_id("organisation")
    organisation.get_by_test_id("organisation-search").fill("acme")
    organisation.get_by_label("Globex").wait_for(state="detached")
    organisation.get_by_label("Acme Corp").check()
    page.get_by_test_id("requester").get_by_text("Alice Acme (alice@acme.example)").wait_for(state="attached")
    page.get_by_test_id("requester").select_option(label="Alice Acme (alice@acme.example)")
    page.get_by_test_id("channel-phone").check()
    page.get_by_test_id("filed-reason").fill("Alice called the service desk")
    page.get_by_test_id("subject").fill("Scanner on floor 2 sends blank pages")
    page.get_by_test_id("description").fill("Since the firmware update this morning.")
    page.get_by_test_id("submit-filing").click()
    page.wait_for_url(re.compile(r"/agent/cases/\d{10}/$"))
    filed = Case.objects.get(subject="Scanner on floor 2 sends blank pages")
    assert filed.requester == story.alice and filed.filed_by == story.dana
    assert filed.channel == Channel.PHONE and filed.filed_reason == "Alice called the service desk"
    assert page.url.endswith(f"/agent/cases/{filed.number}/")
    assert problems == []
