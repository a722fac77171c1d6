"""The case page's moves, escalation and assignment: each POST redirects back with a message when the
service agrees, and shows the page again with the refusal's status (422 for a form, 409 for a move the
state does not allow, 404 for customers) and nothing changed when it does not."""

from __future__ import annotations

from supportal.cases.lifecycle import State
from supportal.cases.models import Comment
from supportal.orgs.models import EscalationLevel, Team
from tests.agent.test_case_fixtures import bobs_case, client_for, fresh, page_url, url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

cases = case_fixtures.cases


def test_dana_takes_asks_resumes_and_resolves(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases)
    dana = client_for(story.dana)
    response = dana.post(url("case_action", case, "take"), follow=True)
    assert response.redirect_chain == [(page_url(case), 302)]
    assert f"You took case {case.number}." in response.content.decode()
    assert (fresh(case).state, fresh(case).assignee_id) == (State.OPEN, story.dana.pk)
    response = dana.post(url("case_action", case, "ask-info"), {"comment": "Which **office**?"}, follow=True)
    assert fresh(case).state == State.AWAITING_INFO
    assert "Which <strong>office</strong>?" in response.content.decode()
    assert Comment.objects.get(case=case).public
    bobs_case_reply = client_for(story.bob).post(f"/cases/{case.number}/comments/", {"body": "Ghent"})
    assert bobs_case_reply.status_code == 302 and fresh(case).state == State.OPEN
    assert dana.post(url("case_action", case, "hold"), {"comment": ""}).status_code == 302
    assert fresh(case).state == State.ON_HOLD
    assert dana.post(url("case_action", case, "resume")).status_code == 302
    response = dana.post(url("case_action", case, "resolve"), {"comment": "Rebooted the relay."}, follow=True)
    assert fresh(case).state == State.RESOLVED
    assert f"Case {case.number} is resolved" in response.content.decode()
    assert "Rebooted the relay." in response.content.decode()


def test_asking_for_information_needs_a_question(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    response = client_for(story.dana).post(url("case_action", case, "ask-info"), {"comment": "  "})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-ask-info-comment">Write what the customer should send.' in body
    assert '<details class="w-100 move-panel" open data-testid="action-ask-info-panel">' in body
    assert fresh(case).state == State.OPEN


def test_a_move_the_state_does_not_allow_is_409(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.NEW)
    response = client_for(story.dana).post(url("case_action", case, "resolve"), {"comment": "Done"})
    assert response.status_code == 409
    assert "cannot be moved by “Resolve”" in response.content.decode()
    assert fresh(case).state == State.NEW
    assert not Comment.objects.filter(case=case).exists()
    closed = bobs_case(story, cases, State.CLOSED)
    assert client_for(story.dana).post(url("case_action", closed, "take")).status_code == 409


def test_moves_the_workspace_does_not_offer_are_404(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.RESOLVED)
    dana = client_for(story.dana)
    for action in ("accept", "close", "merge", "no-such-move"):
        assert dana.post(url("case_action", case, action)).status_code == 404
    assert dana.get(url("case_action", case, "take")).status_code == 405
    assert fresh(case).state == State.RESOLVED


def test_customers_are_refused_everywhere(story: Story, cases: CaseMaker) -> None:
    """The requester himself gets a 404 on every one of the page's POSTs, and nothing changes."""
    case = bobs_case(story, cases, State.OPEN)
    bob = client_for(story.bob)
    for name, args in (
        ("case_action", ["resolve"]), ("case_escalate", []), ("case_assign", []), ("case_comment", []),
        ("case_preview", []), ("case_priority", []), ("case_classification", []), ("case_config_item", []),
        ("case_watcher_add", []), ("case_watcher_remove", []), ("case_link", []), ("case_merge", []),
        ("case_follow_up", []), ("case_presence", []),
    ):  # fmt: skip
        data = {"comment": "x", "reason": "x", "body": "x", "watcher": "x@acme.example", "number": "1"}
        assert bob.post(url(name, case, *args), data).status_code == 404, name
    assert bob.get(url("case_macro", case, 1)).status_code == 404
    assert fresh(case).state == State.OPEN and fresh(case).escalation_level == 0


def test_escalating_with_a_reason_up_to_the_top(story: Story, cases: CaseMaker) -> None:
    EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    case = bobs_case(story, cases, State.OPEN)
    dana = client_for(story.dana)
    refused = dana.post(url("case_escalate", case), {"reason": ""})
    assert refused.status_code == 422
    assert (
        'data-testid="error-escalate-reason">Say why the case needs escalating.' in refused.content.decode()
    )
    response = dana.post(url("case_escalate", case), {"reason": "Payroll runs tonight"}, follow=True)
    assert f"Case {case.number} is now at escalation level 1." in response.content.decode()
    assert fresh(case).escalation_level == 1
    assert 'data-testid="escalate-panel"' not in response.content.decode()  # the top of a 1-level matrix
    again = dana.post(url("case_escalate", case), {"reason": "Still down"})
    assert again.status_code == 409
    assert "already at the top escalation level (1)" in again.content.decode()


def test_assigning_to_a_team_an_agent_or_oneself(story: Story, cases: CaseMaker) -> None:
    cloud = Team.objects.create(name="Cloud Operations", slug="cloud-operations")
    case = bobs_case(story, cases, State.NEW)
    dana = client_for(story.dana)
    assert dana.post(url("case_assign", case), {"team": "", "assignee": ""}).status_code == 422
    response = dana.post(
        url("case_assign", case), {"team": cloud.pk, "assignee": story.frank.pk}, follow=True
    )
    assert f"Case {case.number} is assigned to Frank CSM (Cloud Operations)." in response.content.decode()
    case = fresh(case)
    assert (case.state, case.team_id, case.assignee_id) == (State.OPEN, cloud.pk, story.frank.pk)
    body = response.content.decode()
    assert 'data-testid="assign-to-me" data-shortcut="take"' in body  # Frank's case: Dana may take it over
    response = dana.post(url("case_assign", case), {"assignee": story.dana.pk}, follow=True)
    assert f"You took case {case.number}." in response.content.decode()
    assert fresh(case).assignee_id == story.dana.pk
    assert 'data-testid="assign-to-me"' not in response.content.decode()
    # Only agents: a customer is not in the list.
    assert dana.post(url("case_assign", case), {"assignee": story.bob.pk}).status_code == 422
