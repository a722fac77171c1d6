"""Journey 6: an organisation whose staff share one login. On a phone, the create form asks who is
writing; the case page, its history and the list show that person's name."""

from __future__ import annotations

import re

import pytest

from supportal.cases.models import Case
from supportal.orgs import services as org_services
from tests.conftest import Story, groups
from tests.web.journeys.conftest import Catalogue, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shared_login_says_who_opened_the_case(
    journey: Journey, story: Story, catalogue: Catalogue
) -> None:
    kiosk = org_services.organisation_create(
        actor=story.erin, channel="cli", name="Kiosk Ltd", plan=story.standard, shared_login=True
    )
    front_desk = org_services.customer_user_create(
        actor=story.erin, channel="cli", organisation=kiosk, email="desk@kiosk.example",
        name="Kiosk Front Desk", groups=groups("case-reporter"),
    )  # fmt: skip

    page = journey.page
    journey.as_(front_desk, phone=True).open("/cases/new/")
    name = page.get_by_test_id("requester-name")
    assert name.get_attribute("required") is not None
    assert "Kiosk Ltd shares one login" in page.locator("#requester_name-help").inner_text()
    name.fill("Greta Lind")
    page.get_by_test_id("request-type").select_option("question")
    page.locator("[data-testid=request-type-fields][data-request-type=question]").wait_for()
    page.get_by_test_id("subject").fill("How do I add a second till?")
    journey.fits_phone()
    journey.shot("journey-6-create-shared-login.png")
    page.get_by_test_id("submit-case").click()
    page.wait_for_url(re.compile(r"/cases/\d+/\?created=1$"))

    case = Case.objects.get()
    assert case.requester_name == "Greta Lind"
    requester = " ".join(page.get_by_test_id("case-requester").inner_text().split())
    assert requester == "Greta Lind through the shared login Kiosk Front Desk"
    assert journey.history()[0].startswith("Kiosk Front Desk opened the case (for Greta Lind)")
    journey.fits_phone()
    journey.shot("journey-6-case-shared-login.png")

    journey.open("/cases/")
    row = page.get_by_test_id("case-row")
    assert row.locator("td[data-label=Requester]").inner_text() == "Greta Lind"
    journey.clean()
