"""Journey 4: private versus shared. Bob's private case is neither on Alice's Organisation tab nor at
its URL; once Bob shares it (the case page offers no visibility control, so through the service the
API uses) and opens a shared case through the portal, Alice sees both. Charlie, of Globex, never does:
each URL is a 404 for him."""

from __future__ import annotations

import re

import pytest

from supportal.cases import services
from supportal.cases.models import Case, Visibility
from tests.cases.conftest import CaseMaker
from tests.conftest import Story
from tests.web.journeys.conftest import Catalogue, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _listed(journey: Journey) -> set[str | None]:
    journey.open("/cases/?scope=organization")
    return {row.get_attribute("data-number") for row in journey.page.get_by_test_id("case-row").all()}


def test_only_shared_cases_reach_the_organisation_and_never_another_one(
    journey: Journey, story: Story, catalogue: Catalogue, cases: CaseMaker
) -> None:
    page = journey.page
    private = cases(story.bob, subject="My laptop's disk is full")

    journey.as_(story.alice)
    assert private.number not in _listed(journey)
    assert journey.case_page(private).status == 404

    # Bob shares his case, and opens a shared one through the portal.
    services.case_update(actor=story.bob, case=private, channel="portal", visibility=Visibility.ORGANIZATION)
    journey.as_(story.bob).open("/cases/new/")
    page.get_by_test_id("request-type").select_option("question")
    page.locator("[data-testid=request-type-fields][data-request-type=question]").wait_for()
    page.get_by_test_id("subject").fill("Which VPN client should the team use?")
    page.get_by_test_id("visibility-organization").check()
    page.get_by_test_id("submit-case").click()
    page.wait_for_url(re.compile(r"/cases/\d+/\?created=1$"))
    shared = Case.objects.exclude(pk=private.pk).get()
    assert page.get_by_test_id("case-visibility").inner_text() == "Shared with the organisation"

    journey.as_(story.alice)
    assert _listed(journey) == {private.number, shared.number}
    journey.fits_phone()
    journey.shot("journey-4-organisation-shared.png")
    assert journey.case_page(shared).status == 200
    history = journey.history()
    assert journey.case_page(private).status == 200
    assert "Bob Acme changed the visibility to shared with the organisation" in " ".join(journey.history())
    assert history and history[0].startswith("Bob Acme opened the case")

    journey.as_(story.charlie)
    for case in (private, shared):
        assert journey.case_page(case).status == 404
        assert case.subject not in page.content()
    journey.open("/cases/")
    assert page.get_by_test_id("case-row").count() == 0
    journey.clean()
