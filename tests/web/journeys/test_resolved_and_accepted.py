"""Journey 1: Alice opens a case about one of Acme's servers, with Bob and an outside address on the
watchlist and a screenshot attached; Dana takes it and resolves it in the agent workspace; Alice accepts
the solution on her phone, and the case page shows it Closed with every step in its history."""

from __future__ import annotations

import re

import pytest

from supportal.cases.lifecycle import State
from supportal.cases.models import Attachment, Case
from tests.cases.test_attachments import png
from tests.conftest import Story
from tests.web.journeys.conftest import Catalogue, Journey, in_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_with_an_item_watchers_and_a_file_is_resolved_and_accepted(
    journey: Journey, story: Story, catalogue: Catalogue
) -> None:
    page = journey.page
    journey.as_(story.alice).open("/cases/new/")

    page.get_by_test_id("request-type").select_option("cloud-incident")
    page.locator("[data-testid=request-type-fields][data-request-type=cloud-incident]").wait_for()
    page.get_by_label("Service").fill("Web shop")
    page.get_by_test_id("subject").fill("The web shop answers 502")
    page.get_by_test_id("description").fill("Since **09:10**, every second request.")
    page.get_by_test_id("urgency-high").check()
    page.get_by_test_id("impact-medium").check()
    page.get_by_test_id("priority-value").filter(has_text="P2 High").wait_for()

    picker = page.get_by_test_id("picker-config_item")
    picker.get_by_test_id("config-item-search").fill("app0")
    picker.get_by_label(re.compile(r"^db01")).wait_for(state="detached")
    picker.get_by_label(re.compile(r"^app01")).check()

    page.get_by_test_id("watchlist").locator("summary").click()
    page.get_by_test_id("watcher-bob@acme.example").check()
    page.get_by_test_id("watcher-emails").fill("ops@acme.example")
    page.get_by_test_id("reference").fill("ACME-4711")
    page.get_by_test_id("files").set_input_files(
        [{"name": "error.png", "mimeType": "image/png", "buffer": png()}]
    )
    page.get_by_test_id("submit-case").click()
    page.wait_for_url(re.compile(r"/cases/\d+/\?created=1$"))

    case = Case.objects.get()
    assert f"Case {case.number} is open." in page.get_by_test_id("case-created").inner_text()
    assert "app01" in page.get_by_test_id("case-config-item").inner_text()
    assert page.get_by_test_id("case-reference").inner_text() == "ACME-4711"
    watchers = " ".join(page.get_by_test_id("watcher").all_inner_texts())
    assert "Bob Acme" in watchers and "ops@acme.example" in watchers
    assert page.get_by_test_id("attachment-link").filter(has_text="error.png").count() == 1
    assert (case.priority, case.config_item_id) == ("P2", catalogue.app01.pk)
    assert Attachment.objects.get(case=case).content_type == "image/png"

    # Dana follows the link of her notification to the workspace's case page, takes the case and
    # resolves it, with a word for Alice.
    journey.as_(story.dana).case_page(case)
    page.wait_for_url(re.compile(rf"/agent/cases/{case.number}/$"))
    page.get_by_test_id("action-take").click()
    page.get_by_text(f"You took case {case.number}.").wait_for()
    page.get_by_test_id("action-resolve-open").click()
    page.get_by_test_id("action-resolve-panel").get_by_label("Solution (the customer sees it)").fill(
        "We restarted the **app01** pool; it answers again."
    )
    page.get_by_test_id("action-resolve").click()
    page.get_by_text(f"Case {case.number} is resolved").wait_for()

    # Alice, on her phone, accepts the solution.
    journey.as_(story.alice, phone=True).case_page(case)
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    assert "restarted the app01 pool" in page.get_by_test_id("case-history").inner_text()
    journey.fits_phone()
    page.get_by_test_id("action-accept").click()
    page.get_by_text(f"you accepted the solution and case {case.number} is closed").wait_for()
    assert page.get_by_test_id("case-state").inner_text() == "Closed"
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    in_order(
        journey.history(),
        r"^Alice Acme opened the case",
        r"^Alice Acme added a file",
        r"^Dana Agent changed the state from New to Open",
        r"^Dana Agent assigned the case to Dana Agent \(Service Desk\)",
        r"^Dana Agent wrote .*restarted the app01 pool",
        r"^Dana Agent changed the state from Open to Resolved",
        r"^Alice Acme changed the state from Resolved to Closed",
    )
    page.get_by_test_id("follow-ups").wait_for()
    journey.fits_phone()
    journey.shot("journey-1-closed.png")
    journey.clean()
