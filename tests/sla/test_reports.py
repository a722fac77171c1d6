"""/agent/reports/sla/: met, breached and running clocks per organisation, priority and team over a
period of whole days in the agent's time zone; the chart, the table and the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from supportal.accounts.models import User
from supportal.sla.services.sweep import sla_sweep
from tests.cases.conftest import CaseMaker, reply
from tests.conftest import Story

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "/agent/reports/sla/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def table(html: str) -> list[list[str]]:
    rows = re.findall(r'<tr data-testid="sla-report-row">(.*?)</tr>', html, flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in rows
    ]


def known_clocks(story: Story, cases: CaseMaker) -> None:
    """On 2 March (UTC): Acme has a P3 answered in time and a P1 never answered (breached at 09:30);
    Globex a P3 answered in time. Every workaround and resolution clock still runs (due days later)."""
    with time_machine.travel(T0, tick=False) as traveller:
        answered = cases(urgency="medium", impact="low")
        cases(urgency="high", impact="high", subject="Everything is down")
        globex = cases(story.charlie, urgency="medium", impact="low")
        traveller.shift(HOUR)
        reply(answered, story.dana, "On it.")
        reply(globex, story.dana, "On it.")
        sla_sweep()


def test_attainment_per_organisation_over_the_period(story: Story, cases: CaseMaker) -> None:
    known_clocks(story, cases)
    with time_machine.travel(T0 + 2 * HOUR, tick=False):
        html = client_for(story.dana).get(URL + "?start=2026-03-01&end=2026-03-02").content.decode()
        later = client_for(story.dana).get(URL + "?start=2026-03-03&end=2026-03-31").content.decode()
        default = client_for(story.dana).get(URL).content.decode()
    assert table(html) == [
        ["Acme Corp", "First response", "1", "1", "0", "50.0%"],
        ["Acme Corp", "Workaround", "0", "0", "1", "-"],  # the P1's 8 h run to 17:00 on 2 March
        ["Acme Corp", "Resolution", "0", "0", "1", "-"],
        ["Globex", "First response", "1", "0", "0", "100.0%"],
    ]
    assert 'data-testid="sla-chart"' in html and "Acme Corp · First response: 50.0%" in html
    # the P3s' workaround and resolution (5 days) fall due on 7 March
    assert table(later) == [
        ["Acme Corp", "Workaround", "0", "0", "1", "-"],
        ["Acme Corp", "Resolution", "0", "0", "1", "-"],
        ["Globex", "Workaround", "0", "0", "1", "-"],
        ["Globex", "Resolution", "0", "0", "1", "-"],
    ]
    assert table(default) == table(html)  # the last 30 days: 1 February to 2 March


def test_priority_and_team_groupings(story: Story, cases: CaseMaker) -> None:
    known_clocks(story, cases)
    agent = client_for(story.dana)
    by_priority = table(
        agent.get(URL + "?start=2026-03-02&end=2026-03-02&grouping=priority").content.decode()
    )
    by_team = table(agent.get(URL + "?start=2026-03-02&end=2026-03-02&grouping=team").content.decode())
    responses = {row[0]: row[2:] for row in by_priority if row[1] == "First response"}
    assert responses["P1"] == ["0", "1", "0", "0.0%"]
    assert responses["P3"] == ["2", "0", "0", "100.0%"]
    assert sum(int(row[2]) + int(row[3]) for row in by_team if row[1] == "First response") == 3


def test_csv_has_the_same_rows(story: Story, cases: CaseMaker) -> None:
    known_clocks(story, cases)
    with time_machine.travel(T0 + 2 * HOUR, tick=False):
        response = client_for(story.dana).get(URL + "?start=2026-03-02&end=2026-03-02&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "sla-attainment-organisation-2026-03-02-2026-03-02.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["group", "metric", "met", "breached", "running", "attainment_percent"]
    assert rows[1:] == [
        ["Acme Corp", "First response", "1", "1", "0", "50.0"],
        ["Acme Corp", "Workaround", "0", "0", "1", ""],
        ["Acme Corp", "Resolution", "0", "0", "1", ""],
        ["Globex", "First response", "1", "0", "0", "100.0"],
    ]


def test_the_period_is_whole_days_in_the_agents_time_zone(story: Story, cases: CaseMaker) -> None:
    """A P3 opened at 19:30 UTC on 1 March breaches at 23:30 UTC: 2 March, 00:30 in Brussels."""
    with time_machine.travel(datetime(2026, 3, 1, 19, 30, tzinfo=UTC), tick=False) as traveller:
        cases(urgency="medium", impact="low")
        traveller.shift(5 * HOUR)
        sla_sweep()
    query = URL + "?start=2026-03-02&end=2026-03-02"
    assert table(client_for(story.dana).get(query).content.decode()) == []  # UTC: 1 March
    story.dana.time_zone = "Europe/Brussels"
    story.dana.save()
    html = client_for(story.dana).get(query).content.decode()
    assert table(html) == [["Acme Corp", "First response", "0", "1", "0", "0.0%"]]
    assert "Europe/Brussels" in html


def test_one_grouped_query_whatever_the_number_of_groups(story: Story, cases: CaseMaker) -> None:
    known_clocks(story, cases)
    agent = client_for(story.dana)
    agent.get(URL)
    counts = []
    for grouping in ("organisation", "priority", "team"):
        with CaptureQueriesContext(connection) as queries:
            agent.get(URL + f"?start=2026-03-01&end=2026-03-31&grouping={grouping}")
        counts.append(len([q for q in queries.captured_queries if "sla_slaclock" in q["sql"]]))
    assert counts == [1, 1, 1]


def test_bad_periods_fall_back_and_say_so(story: Story) -> None:
    html = client_for(story.dana).get(URL + "?start=2026-03-05&end=2026-03-01").content.decode()
    assert "The period ends before it starts." in html


def test_agents_only(story: Story) -> None:
    assert client_for(story.alice).get(URL).status_code == 404
    assert client_for(story.charlie).get(URL + "?format=csv").status_code == 404
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
