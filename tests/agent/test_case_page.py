"""The workspace's case page (/agent/cases/<number>/): what it shows in each state, the context column,
that only agents reach it (and reach it from the portal's link), and that it costs a fixed number of
queries however long the history is."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.cases import services
from supportal.cases.lifecycle import State
from supportal.cases.models import CaseEvent
from supportal.core.files import check_upload
from supportal.orgs.models import AccountStatus, EscalationContact, EscalationLevel
from tests.agent.test_case_fixtures import bobs_case, client_for, page_url
from tests.cases import conftest as case_fixtures
from tests.cases.conftest import CaseMaker, move, reply
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story
from tests.web.cases.test_detail_page import grow_history

cases = case_fixtures.cases
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64

# The moves (by test id) an agent is offered in each state.
MOVES: dict[State, set[str]] = {
    State.NEW: {"take"},
    State.OPEN: {"ask-info", "hold", "resolve"},
    State.AWAITING_INFO: set(),
    State.ON_HOLD: {"resume", "resolve"},
    State.RESOLVED: set(),
    State.CLOSED: set(),
}
ALL_MOVES = {"take", "ask-info", "hold", "resume", "resolve"}


@pytest.mark.parametrize("state", list(State))
def test_the_page_in_every_state(story: Story, cases: CaseMaker, state: State) -> None:
    case = bobs_case(story, cases, state, description="Since **Monday**.")
    body = client_for(story.dana).get(page_url(case)).content.decode()
    assert f'data-case-number="{case.number}"' in body
    assert f'data-testid="case-state">{State(state).label}<' in body
    assert "Since <strong>Monday</strong>." in body
    for move_name in ALL_MOVES:
        offered = f'data-testid="action-{move_name}"' in body
        assert offered == (move_name in MOVES[state]), (state, move_name)
    closed = state == State.CLOSED
    assert ('id="composer-body"' in body) is not closed
    assert ('data-shortcut="reply"' in body) is not closed
    assert ('data-shortcut="note"' in body) is not closed
    assert ('data-testid="follow-up-form"' in body) is closed
    assert ('data-testid="merge-form"' in body) is not closed
    assert ('data-testid="escalate-panel"' in body) is not closed
    assert ('data-testid="priority-form"' in body) is not closed
    # "Assign to me": the take move of a New case, else the assignment's button (once, for the keys).
    assert body.count('data-shortcut="take"') == (0 if closed or (state != State.NEW and _mine(state)) else 1)
    assert body.count('data-shortcut="resolve"') == (1 if "resolve" in MOVES[state] else 0)


def _mine(state: State) -> bool:
    """Dana took the case on the way to these states, so it is hers already."""
    return state in (State.OPEN, State.AWAITING_INFO, State.ON_HOLD, State.RESOLVED)


def test_the_header_names_everything_about_the_case(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    item = add_item(story, types, "db01", identifier="db01.acme.example", attributes={"cpus": 8})
    case = services.case_create(
        actor=story.dana, organisation=story.acme, requester=story.bob, subject="Database is slow",
        channel="phone", filed_reason="Bob called the hotline", config_item=item, reference="PO-9",
        urgency="high", impact="high",
    )  # fmt: skip
    move(case, story.dana, "take")
    services.case_escalate(actor=story.dana, case=case, reason="Payroll tonight", channel="portal")
    body = client_for(story.dana).get(page_url(case)).content.decode()
    assert 'data-testid="case-requester">Bob Acme' in body
    assert 'data-testid="case-filed-by">Dana Agent: Bob called the hotline<' in body
    assert 'data-testid="case-organisation">Acme Corp<' in body
    assert 'data-testid="case-team">Service Desk<' in body
    assert 'data-testid="case-assignee">Dana Agent<' in body
    assert 'data-testid="case-channel">Phone<' in body
    assert 'data-testid="case-config-item">db01<' in body
    assert 'data-testid="case-priority">P1 Critical<' in body
    assert 'data-testid="case-escalation">Escalation level 1<' in body
    assert 'data-testid="case-kind">Support case<' in body
    assert 'data-testid="case-reference">PO-9<' in body
    assert "Payroll tonight" in body
    # Shared login: the person's own name, and the login it came through.
    story.acme.shared_login = True
    story.acme.save()
    shared = cases(story.bob, requester_name="Jane Door")
    body = client_for(story.dana).get(page_url(shared)).content.decode()
    assert 'data-testid="case-requester">Jane Door <span class="text-muted">(through Bob Acme)' in body


def test_internal_notes_stand_apart_from_public_replies(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    reply(case, story.dana, "Could you send the **log**?")
    upload = check_upload(name="trace.png", stream=PNG)
    reply(case, story.dana, "Relay blocklist hit", public=False, files=[upload])
    body = client_for(story.dana).get(page_url(case)).content.decode()
    assert body.count('data-visibility="public"') == 1
    assert body.count('data-visibility="internal"') == 1
    assert 'class="timeline-entry timeline-note"' in body
    assert 'data-testid="internal-note-label">Internal note<' in body
    assert 'data-testid="public-reply-label">Public reply<' in body
    assert "Could you send the <strong>log</strong>?" in body and "Relay blocklist hit" in body
    assert "trace.png" in body


def test_the_context_column(story: Story, cases: CaseMaker) -> None:
    types = make_types(story)
    item = add_item(story, types, "app01", attributes={"cpus": 4, "os": "linux", "monitored": True})
    story.acme.account_status = AccountStatus.AMBER
    story.acme.save()
    level = EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    EscalationContact.objects.create(level=level, name="Acme Boss", role="CTO", email="boss@acme.example")
    case = cases(story.bob, config_item=item, subject="This one")
    others = [cases(story.bob, subject=f"Other {n}", config_item=item if n < 2 else None) for n in range(7)]
    move(others[0], story.bob, "close")  # closed: not an open case any more
    cases(story.alice, subject="Alice's own")
    body = client_for(story.dana).get(page_url(case)).content.decode()
    assert 'data-testid="context-plan">Standard<' in body
    assert 'data-testid="context-account-status">Amber<' in body
    assert 'data-testid="context-csm">Frank CSM<' in body
    assert "Duty manager" in body and "Acme Boss, CTO" in body
    requester = body.split('data-testid="context-requester-cases"')[1].split("</section>")[0]
    assert requester.count('data-testid="context-case"') == 5  # at most five, the latest first
    assert "Other 6" in requester and "Other 0" not in requester and "This one" not in requester
    assert "Alice's own" not in requester
    item_part = body.split('data-testid="context-config-item"')[1].split("</section>")[0]
    assert 'data-testid="context-item-type">Server<' in item_part
    assert "CPUs" in item_part and "Operating system" in item_part and ">Yes<" in item_part
    assert item_part.count('data-testid="context-case"') == 2  # Other 0 (closed) and Other 1
    assert "This one" not in item_part


def test_only_agents_open_it(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    for customer in (story.bob, story.alice, story.charlie):
        assert client_for(customer).get(page_url(case)).status_code == 404
    assert client_for(story.dana).get(page_url("2601999999")).status_code == 404
    assert client_for(story.dana).get(page_url("not-a-number")).status_code == 404
    anonymous = Client().get(page_url(case))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(story.dana).post(page_url(case)).status_code == 405


def test_agents_following_a_portal_link_land_in_the_workspace(story: Story, cases: CaseMaker) -> None:
    case = cases(story.bob)
    response = client_for(story.frank).get(f"/cases/{case.number}/", follow=True)
    assert response.redirect_chain == [(page_url(case), 302)]
    assert 'data-testid="agent-case"' in response.content.decode()
    # Customers keep the portal page.
    assert client_for(story.bob).get(f"/cases/{case.number}/").status_code == 200


def test_the_page_is_labelled_and_has_no_inline_script_or_style(story: Story, cases: CaseMaker) -> None:
    case = bobs_case(story, cases, State.OPEN)
    body = client_for(story.dana).get(page_url(case)).content.decode()
    assert "style=" not in body and "onclick" not in body and "<script>" not in body
    assert "supportal/agent_case.js" in body
    for control in (
        "composer-body", "composer-attachments", "macro-choice", "assign-team", "assign-assignee",
        "classify-case_type", "classify-request_type", "ci-config_item-q", "priority-urgency",
        "priority-reason", "watcher-watcher", "link-number", "merge-number", "merge-reason",
        "merge-confirm", "escalate-reason", "ask-info-comment", "resolve-comment",
    ):  # fmt: skip
        if f'id="{control}"' in body:
            assert f'for="{control}"' in body, control
        else:
            assert control == "macro-choice", f"{control} is missing"  # only when there are macros
    assert 'aria-live="polite"' in body


def test_the_page_runs_a_fixed_number_of_queries(
    story: Story, cases: CaseMaker, django_assert_num_queries: Any
) -> None:
    types = make_types(story)
    item = add_item(story, types, "app01", attributes={"cpus": 4})
    level = EscalationLevel.objects.create(organisation=story.acme, level=1, name="Duty manager")
    EscalationContact.objects.create(level=level, name="Acme Boss", role="CTO", email="boss@acme.example")
    case = bobs_case(story, cases, State.OPEN, config_item=item)
    services.case_escalate(actor=story.dana, case=case, reason="Payroll", channel="portal")
    services.case_link(actor=story.dana, case=case, other=cases(story.bob), channel="portal")
    grow_history(case, story, 3, editor=story.dana)
    client = client_for(story.dana)
    client.get(page_url(case))  # warm up the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(page_url(case)).status_code == 200
    grow_history(case, story, 50, editor=story.dana)
    for n in range(6):
        cases(story.bob, subject=f"More {n}", config_item=item)
    assert CaseEvent.objects.filter(case=case).count() >= 50
    with django_assert_num_queries(len(small)):
        page = client.get(page_url(case))
    assert page.content.decode().count('data-testid="history-entry"') >= 50
    print(f"case page: {len(small)} queries")
    assert len(small) <= 30, [q["sql"] for q in small.captured_queries]
