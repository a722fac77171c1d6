"""Journey 2: Bob's case is resolved, but the problem is still there: on his phone he rejects the
solution, saying why; the case is Open again and its history shows his reason."""

from __future__ import annotations

import pytest

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story
from tests.web.journeys.conftest import Journey, in_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "The report still times out after 30 seconds."


def test_bob_rejects_the_solution_with_a_reason(journey: Journey, story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob, subject="The monthly report times out")
    move(case, story.dana, Action.TAKE)
    reply(case, story.dana, "We added an index; the report is fast again.")
    move(case, story.dana, Action.RESOLVE)

    page = journey.page
    journey.as_(story.bob, phone=True).case_page(case)
    assert page.get_by_test_id("case-state").inner_text() == "Resolved"
    journey.fits_phone()

    page.get_by_test_id("action-reject-open").click()
    page.get_by_label("Why is the problem not solved?").fill(REASON)
    page.get_by_test_id("action-reject").click()
    page.get_by_text(f"You rejected the solution; case {case.number} is open again.").wait_for()

    assert page.get_by_test_id("case-state").inner_text() == "Open"
    assert Case.objects.get(pk=case.pk).state == State.OPEN
    in_order(
        journey.history(),
        r"^Dana Agent changed the state from Open to Resolved",
        rf"^Bob Acme changed the state from Resolved to Open .*Reason: {REASON}",
    )
    # The case is Open: the customer's moves are gone, the reply form stays.
    assert page.get_by_test_id("action-accept").count() == 0
    page.get_by_test_id("comment-form").wait_for()
    journey.fits_phone()
    journey.shot("journey-2-reopened.png")
    journey.clean()
