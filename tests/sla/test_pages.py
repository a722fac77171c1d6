"""Clocks shown wherever a case is shown: the customer's case page, the agent's case page (with "Mark
workaround"), and the API's `sla` list; the `workaround` action in the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.test import Client

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.sla.models import SlaClock
from tests.api.conftest import Api, api_as, secret_for
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clocks_on(html: str) -> dict[str, tuple[str, str]]:
    """metric -> (status, the line's text) from the page's SLA card."""
    found = {}
    for metric, state, body in re.findall(
        r'data-testid="sla-(\w+)" data-status="(\w+)">(.*?)</li>', html, flags=re.S
    ):
        found[metric] = (state, " ".join(re.sub(r"<[^>]+>", " ", body).split()))
    return found


def answered_case(story: Story, cases: CaseMaker) -> Case:
    """Alice's P3 case at T0, answered by Dana an hour later; the page is read three hours in."""
    with time_machine.travel(T0, tick=False) as traveller:
        case = cases(urgency="medium", impact="low")
        traveller.shift(HOUR)
        reply(case, story.dana, "We are on it.")
    return case


def test_the_customer_sees_each_clock_with_its_due_time_in_their_zone(story: Story, cases: CaseMaker) -> None:
    case = answered_case(story, cases)
    story.alice.time_zone = "Europe/Brussels"
    story.alice.save()
    with time_machine.travel(T0 + 3 * HOUR, tick=False):
        html = client_for(story.alice).get(f"/cases/{case.number}/").content.decode()
    clocks = clocks_on(html)
    assert clocks["response"][0] == "met"
    assert "3 h before the due time" in clocks["response"][1]
    assert "was due 2 Mar, 14:00 CET" in clocks["response"][1]
    assert clocks["resolution"][0] == "running"
    assert "4 d 21 h left" in clocks["resolution"][1] and "due 7 Mar, 10:00 CET" in clocks["resolution"][1]
    assert "Mark workaround" not in html  # agents only


def test_breached_and_paused_clocks_say_so(story: Story, cases: CaseMaker) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        case = cases(urgency="medium", impact="low")
        move(case, story.dana, Action.TAKE)
        traveller.shift(5 * HOUR)
        move(case, story.dana, Action.HOLD)
        traveller.shift(HOUR)
        html = (
            client_for(story.bob if case.requester == story.bob else story.alice)
            .get(f"/cases/{case.number}/")
            .content.decode()
        )
    clocks = clocks_on(html)
    assert clocks["response"][0] == "breached" and "overdue by 1 h" in clocks["response"][1]
    assert clocks["resolution"][0] == "paused" and "4 d 19 h left" in clocks["resolution"][1]


def test_the_agent_marks_a_workaround_from_the_case_page(story: Story, cases: CaseMaker) -> None:
    case = answered_case(story, cases)
    dana = client_for(story.dana)
    with time_machine.travel(T0 + 2 * HOUR, tick=False):
        page = dana.get(f"/agent/cases/{case.number}/").content.decode()
        assert 'data-testid="mark-workaround"' in page
        assert clocks_on(page)["workaround"][0] == "running"
        response = dana.post(f"/agent/cases/{case.number}/workaround/")
        assert response.status_code == 302
        page = dana.get(f"/agent/cases/{case.number}/").content.decode()
    assert clocks_on(page)["workaround"][0] == "met" and 'data-testid="mark-workaround"' not in page
    assert CaseEvent.objects.filter(case=case, kind=EventKind.WORKAROUND, actor=story.dana).exists()
    with time_machine.travel(T0 + 3 * HOUR, tick=False):
        again = dana.post(f"/agent/cases/{case.number}/workaround/")
    assert again.status_code == 409 and "already recorded" in again.content.decode()
    assert client_for(story.alice).post(f"/agent/cases/{case.number}/workaround/").status_code == 404


def test_the_api_lists_the_clocks_and_marks_a_workaround(story: Story, cases: CaseMaker) -> None:
    case = answered_case(story, cases)
    dana, alice = Api(secret_for(story.dana)), api_as(story.alice)
    with time_machine.travel(T0 + 3 * HOUR, tick=False):
        body: dict[str, Any] = alice.get(f"cases/{case.number}").json()
        listed = alice.get("cases").json()["items"][0]
        refused = alice.post(f"cases/{case.number}/actions/workaround", {})
        marked = dana.post(f"cases/{case.number}/actions/workaround", {"comment": "Use the web client."})
    sla = {clock["metric"]: clock for clock in body["sla"]}
    assert listed["sla"] == body["sla"]
    assert sla["response"] == {
        "metric": "response", "status": "met", "target": "4 h", "calendar": "24/7",
        "due_at": "2026-03-02T13:00:00Z", "remaining_seconds": 3 * 3600, "warning": False,
        "started_at": "2026-03-02T09:00:00Z", "stopped_at": "2026-03-02T10:00:00Z",
    }  # fmt: skip
    assert sla["resolution"]["status"] == "running"
    assert sla["resolution"]["remaining_seconds"] == 5 * 24 * 3600 - 3 * 3600
    assert refused.status_code == 403
    assert marked.status_code == 200, marked.content
    after = {clock["metric"]: clock for clock in marked.json()["sla"]}
    assert after["workaround"]["status"] == "met"
    assert after["workaround"]["stopped_at"] == "2026-03-02T12:00:00Z"
    assert SlaClock.objects.get(case=case, metric="workaround").stopped_by == "workaround"


def test_the_history_tells_of_workarounds_and_breaches_customers_not_of_warnings(
    story: Story, cases: CaseMaker
) -> None:
    from supportal.cases import services
    from supportal.sla.services import sla_sweep

    with time_machine.travel(T0, tick=False) as traveller:
        case = cases(urgency="medium", impact="low")
        traveller.shift(3 * HOUR)
        sla_sweep()  # the response warning
        traveller.shift(HOUR)
        sla_sweep()  # its breach
        services.case_mark_workaround(actor=story.dana, case=case, channel="portal")
        customer = client_for(story.alice).get(f"/cases/{case.number}/").content.decode()
        agent = client_for(story.dana).get(f"/agent/cases/{case.number}/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", customer).split())
    assert "recorded that the first response target was missed" in text
    assert "gave a workaround" in text
    assert "due soon" not in text  # warnings are the agents' business
    agent_text = " ".join(re.sub(r"<[^>]+>", " ", agent).split())
    assert "warned that the first response target is due soon" in agent_text


def test_lists_show_the_next_due_target(story: Story, cases: CaseMaker) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        late = cases(subject="Late one", urgency="medium", impact="low")  # response due T0 + 4 h
        traveller.shift(4 * HOUR + HOUR / 2)
        fresh = cases(subject="Fresh one", urgency="high", impact="high")  # P1: response in 30 min
        queue = client_for(story.dana).get("/agent/").content.decode()
        mine = client_for(story.alice).get("/cases/").content.decode()
    for html in (queue, mine):
        badges = dict(
            re.findall(r'data-(?:case-)?number="(\d+)".*?data-testid="sla-due"[^>]*>([^<]+)<', html, re.S)
        )
        assert badges[late.number] == "SLA overdue 30 min"
        assert badges[fresh.number] == "SLA 30 min"
