"""Journey 5: a case that arrived by email starts at P3 Medium; its requester raises the priority on
the case page, on her phone, and must say why; the history shows the change and the reason."""

from __future__ import annotations

import pytest

from supportal.cases.models import Case
from tests.cases.conftest import CaseMaker
from tests.conftest import Story
from tests.web.journeys.conftest import Journey, in_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Checkout fails for half of our customers."


def test_the_requester_raises_the_priority_of_an_email_case(
    journey: Journey, story: Story, cases: CaseMaker
) -> None:
    case = cases(story.alice, subject="Checkout fails", channel="email", urgency="low", impact="low")
    assert case.priority == "P3"

    page = journey.page
    form = page.get_by_test_id("priority-form")
    journey.as_(story.alice, phone=True).case_page(case)
    assert page.get_by_test_id("case-priority").inner_text() == "P3 Medium"
    journey.fits_phone()

    form.get_by_label("Urgency").select_option("high")
    form.get_by_label("Impact").select_option("medium")
    page.get_by_test_id("priority-submit").click()
    # No reason: the message sits next to the field, and the choices are kept.
    assert "Say why the priority should change." in page.get_by_test_id("error-priority-reason").inner_text()
    assert form.get_by_label("Urgency").input_value() == "high"
    assert Case.objects.get(pk=case.pk).priority == "P3"

    form.get_by_label("Why should the priority change?").fill(REASON)
    page.get_by_test_id("priority-submit").click()
    page.get_by_text("The priority is now P2 High.").wait_for()
    assert page.get_by_test_id("case-priority").inner_text() == "P2 High"
    in_order(
        journey.history(),
        r"^Alice Acme opened the case .* via Email",
        rf"^Alice Acme changed the priority from P3 Medium to P2 High .*Reason: {REASON}",
    )
    journey.fits_phone()
    journey.shot("journey-5-priority-raised.png")
    journey.clean()
