"""De-escalating: agents only, one level down with a reason, never below 0; recorded in the history
both sides see, offered next to Escalate on the agent's case page."""

from __future__ import annotations

import pytest

from supportal.cases import services
from supportal.cases.lifecycle import State
from supportal.cases.models import CaseEvent, EventKind
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.models import EscalationLevel
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases


def test_agents_deescalate_one_level_with_a_reason(story: Story, cases: CaseMaker) -> None:
    EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    EscalationLevel.objects.create(organisation=story.acme, level=2, name="Director")
    case = cases()
    services.case_escalate(actor=story.alice, case=case, reason="Urgent", channel="portal")
    services.case_escalate(actor=story.alice, case=case, reason="Still urgent", channel="portal")
    with pytest.raises(InvalidInput):
        services.case_deescalate(actor=story.dana, case=case, reason="  ", channel="portal")
    with pytest.raises(Forbidden):
        services.case_deescalate(actor=story.alice, case=case, reason="Fine now", channel="portal")
    services.case_deescalate(actor=story.dana, case=case, reason="Workaround in place", channel="portal")
    assert fresh(case).escalation_level == 1
    event = CaseEvent.objects.get(case=case, kind=EventKind.DEESCALATED)
    assert event.public and event.data == {
        "old": 2, "new": 1, "reason": "Workaround in place", "level_name": "Duty manager",
    }  # fmt: skip
    services.case_deescalate(actor=story.dana, case=case, reason="Solved", channel="portal")
    with pytest.raises(Conflict):
        services.case_deescalate(actor=story.dana, case=case, reason="Lower still", channel="portal")
    assert fresh(case).escalation_level == 0


def test_the_agent_page_offers_deescalation_and_both_sides_see_it(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    page = dana.get(url("case", case)).content.decode()
    assert 'data-testid="deescalate-panel"' not in page  # level 0: nothing to lower
    dana.post(url("case_escalate", case), {"reason": "Payroll runs tonight"})
    refused = dana.post(url("case_deescalate", case), {"reason": ""})
    assert refused.status_code == 422
    assert 'data-testid="error-deescalate-reason">Say why the case may be de-escalated.' in (
        refused.content.decode()
    )
    response = dana.post(url("case_deescalate", case), {"reason": "Payroll ran fine"}, follow=True)
    body = response.content.decode()
    assert f"Case {case.number} is now at escalation level 0." in body
    assert "de-escalated the case to level 0" in body and "Payroll ran fine" in body
    assert fresh(case).escalation_level == 0
    again = dana.post(url("case_deescalate", case), {"reason": "Lower"})
    assert again.status_code == 409 and "The case is not escalated." in again.content.decode()
    portal = client_for(story.bob).get(f"/cases/{case.number}/").content.decode()
    assert "de-escalated the case to level 0" in portal and "Payroll ran fine" in portal
