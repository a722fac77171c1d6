"""The portal's Escalate form (the `#escalate` anchor emails link to): a reason, one level up, and the
level and who escalated when shown on the page."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.orgs.models import EscalationLevel
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases


def test_a_customer_escalates_from_the_case_page(story: Story, cases: CaseMaker) -> None:
    EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    case = bobs_case(story, cases, State.OPEN)
    bob = client_for(story.bob)
    page = bob.get(f"/cases/{case.number}/").content.decode()
    assert 'id="escalate"' in page and f'action="/cases/{case.number}/escalate/"' in page
    refused = bob.post(f"/cases/{case.number}/escalate/", {"reason": " "})
    assert refused.status_code == 422
    assert (
        'data-testid="error-escalate-reason">Say why the case needs escalating.' in refused.content.decode()
    )
    response = bob.post(f"/cases/{case.number}/escalate/", {"reason": "Payroll runs tonight"}, follow=True)
    body = response.content.decode()
    assert f"Case {case.number} is now at escalation level 1." in body
    assert "escalated the case to level 1 (Duty manager)" in body and "Payroll runs tonight" in body
    assert 'data-testid="case-escalation">Escalation level 1' in body
    assert 'id="escalate"' not in body  # the top of a 1-level matrix
    assert fresh(case).escalation_level == 1
    again = bob.post(f"/cases/{case.number}/escalate/", {"reason": "Still down"})
    assert again.status_code == 409 and "already at the top escalation level (1)" in again.content.decode()


def test_people_who_may_not_act_on_the_case_cannot_escalate_it(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    assert (
        client_for(story.charlie).post(f"/cases/{case.number}/escalate/", {"reason": "x"}).status_code == 404
    )
    assert fresh(case).escalation_level == 0
