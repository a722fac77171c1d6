"""Escalating and de-escalating through the API: `escalate` for agents and customers, `deescalate` for
agents only, each with a reason."""

from __future__ import annotations

from supportal.cases.models import CaseEvent
from tests.api.cases.conftest import open_case
from tests.api.conftest import Api, error_of
from tests.conftest import Story


def test_escalate_then_deescalate(story: Story, alice: Api, dana: Api) -> None:
    number = open_case(story.alice).number
    response = alice.post(f"cases/{number}/actions/escalate", {"reason": "Payroll runs tonight"})
    assert response.status_code == 200 and response.json()["escalation_level"] == 1
    refused = alice.post(f"cases/{number}/actions/deescalate", {"reason": "Fine now"})
    assert refused.status_code == 403 and error_of(refused)["error"] == "forbidden"
    missing = dana.post(f"cases/{number}/actions/deescalate", {})
    assert missing.status_code == 422 and "reason" in error_of(missing)["fields"]
    done = dana.post(f"cases/{number}/actions/deescalate", {"reason": "Workaround in place"})
    assert done.status_code == 200 and done.json()["escalation_level"] == 0
    event = CaseEvent.objects.get(case__number=number, kind="deescalated")
    assert (event.channel, event.data["reason"]) == ("api", "Workaround in place")
    again = dana.post(f"cases/{number}/actions/deescalate", {"reason": "Lower"})
    assert again.status_code == 409
