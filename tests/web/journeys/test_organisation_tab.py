"""Journey 3: Alice on the Organisation cases tab searches for a word and then filters by status; the
results narrow each time (through HTMX, the URL following), and the tab fits her phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supportal.cases.lifecycle import Action
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story
from tests.web.journeys.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED = "organization"


def test_search_then_status_filter_narrow_the_organisation_tab(
    journey: Journey, story: Story, cases: CaseMaker
) -> None:
    new_cert = cases(story.alice, subject="Certificate of shop.acme.example expires", visibility=SHARED)
    vpn_cert = cases(story.bob, subject="Renew the VPN certificate", visibility=SHARED)
    printer = cases(story.bob, subject="The printer on floor 3 jams", visibility=SHARED)
    mail = cases(story.bob, subject="Mail is delayed", visibility=SHARED)
    for case in (vpn_cert, printer, mail):
        move(case, story.dana, Action.TAKE)
    reply(printer, story.dana, "The print server's certificate had expired; we renewed it.")
    reply(mail, story.dana, "Kerberos keytab rotated.", public=False)  # an internal note
    cases(story.charlie, subject="Globex certificate expires", visibility=SHARED)
    shown = {case.number for case in (new_cert, vpn_cert, printer, mail)}

    page = journey.page
    rows = page.get_by_test_id("case-row")
    journey.as_(story.alice).open("/cases/?scope=organization")
    assert page.get_by_test_id("tab-organisation").get_attribute("aria-current") == "page"
    assert {r.get_attribute("data-number") for r in rows.all()} == shown

    # Search: the subjects and the public comments match; the list narrows in place.
    page.get_by_label("Search").fill("certificate")
    page.get_by_label("Search").press("Enter")
    page.wait_for_url(re.compile(r"scope=organization.*q=certificate"))
    expect(rows).to_have_count(3)
    assert {r.get_attribute("data-number") for r in rows.all()} == shown - {mail.number}

    # Then the status: only the Open ones among them.
    page.get_by_test_id("case-filters").get_by_label("Open", exact=True).check()
    page.wait_for_url(re.compile(r"status=open"))
    expect(rows).to_have_count(2)
    assert {r.get_attribute("data-number") for r in rows.all()} == {vpn_cert.number, printer.number}
    assert set(page.get_by_test_id("case-status").all_inner_texts()) == {"Open"}
    journey.fits_phone()
    journey.shot("journey-3-organisation-search.png")

    # An internal note's words find nothing for a customer.
    page.get_by_label("Search").fill("kerberos")
    page.get_by_label("Search").press("Enter")
    page.get_by_test_id("empty-state").wait_for()
    assert "No cases match these filters." in page.get_by_test_id("empty-state").inner_text()
    journey.clean()
