"""/agent/sla/: the clocks of open cases due within 1, 4 or 24 hours, and those already overdue."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.sla.services.sweep import sla_sweep
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_on(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="sla-soon-row" data-case="([^"]+)" data-metric="(\w+)"', html)


def test_soonest_first_with_the_overdue_ones_and_the_chosen_horizon(story: Story, cases: CaseMaker) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        late = cases(urgency="medium", impact="low", subject="Printer on fire")  # P3: response due T0+4h
        traveller.shift(2 * HOUR)
        soon = cases(urgency="medium", impact="low")  # response due T0+6h
        answered = cases(urgency="medium", impact="low")
        reply(answered, story.dana, "On it.")  # its response clock stops
        done = cases(urgency="medium", impact="low")
        move(done, story.dana, Action.TAKE)
        move(done, story.dana, Action.RESOLVE)  # every clock stops
        traveller.shift(3 * HOUR)  # T0+5h: `late` is overdue by an hour, `soon` due in an hour
        sla_sweep()
        agent = client_for(story.dana)
        within_4 = agent.get("/agent/sla/").content.decode()
        within_1 = agent.get("/agent/sla/?hours=1").content.decode()
        within_24 = agent.get("/agent/sla/?hours=24").content.decode()
    assert rows_on(within_4) == [(late.number, "response"), (soon.number, "response")]
    assert rows_on(within_1) == rows_on(within_4)  # `soon` is due in exactly one hour
    assert "overdue by 1 h" in within_4 and "1 h left" in within_4 and "Printer on fire" in within_4
    assert "Acme" in within_4 and "Unassigned" in within_4
    assert rows_on(within_24) == rows_on(within_4)  # workaround and resolution are days away
    assert answered.number not in within_24 and done.number not in within_24


def test_the_same_queries_for_3_and_30_rows(
    story: Story, cases: CaseMaker, django_assert_num_queries: Any
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            move(cases(urgency="medium", impact="low"), story.dana, Action.TAKE)
        traveller.shift(3 * HOUR)
        agent = client_for(story.dana)
        agent.get("/agent/sla/")  # the session's first reads
        with CaptureQueriesContext(connection) as three:
            html = agent.get("/agent/sla/").content.decode()
        assert len(rows_on(html)) == 3 and "Dana Agent" in html
        for _ in range(27):
            move(cases(urgency="medium", impact="low"), story.dana, Action.TAKE)
        with django_assert_num_queries(len(three.captured_queries)):
            html = agent.get("/agent/sla/").content.decode()
    assert len(rows_on(html)) == 30


def test_agents_only(story: Story) -> None:
    assert client_for(story.alice).get("/agent/sla/").status_code == 404
    response = Client().get("/agent/sla/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client_for(story.dana).get("/agent/").content.decode()
    assert 'href="/agent/sla/"' in page  # the workspace's nav
