"""Routing rules send new cases to teams; round-robin and manual assignment give them to agents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, CaseType, RequestType, RoutingRule
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs import services as org_services
from supportal.orgs.models import Team
from tests.cases.conftest import CaseMaker, RequestTypeMaker, move
from tests.cmdb.factories import add_item, make_types
from tests.conftest import Story


@pytest.fixture
def team(story: Story) -> Callable[..., Team]:
    """`team("network", agents=2)`: a team and that many new agents in it."""

    def make(slug: str, agents: int = 0) -> Team:
        created = Team.objects.create(name=slug.title(), slug=slug)
        for n in range(agents):
            org_services.agent_create(
                actor=story.erin, channel="cli", email=f"{slug}{n}@provider.example", name=f"{slug} {n}",
                teams=[created],
            )  # fmt: skip
        return created

    return make


def rule(team: Team, position: int = 0, **conditions: Any) -> RoutingRule:
    return RoutingRule.objects.create(name=f"to {team.slug}", team=team, position=position, **conditions)


def incident() -> CaseType:
    return CaseType.objects.get(code="incident")


def test_without_rules_a_case_has_no_team(cases: CaseMaker) -> None:
    case = cases()
    assert (case.team, case.assignee, case.state) == (None, None, State.NEW)


def test_a_rule_by_case_type(cases: CaseMaker, team: Callable[..., Team]) -> None:
    network = team("network")
    rule(network, case_type=incident())
    assert cases(case_type=incident()).team == network
    assert cases(case_type=CaseType.objects.get(code="question")).team is None


def test_a_rule_by_request_type(
    cases: CaseMaker, team: Callable[..., Team], request_type: RequestTypeMaker
) -> None:
    onboarding: RequestType = request_type("staff-onboarding", case_type_code="onboarding")
    people = team("people")
    rule(people, request_type=onboarding)
    case = cases(request_type=onboarding)
    assert Case.objects.get(pk=case.pk).team == people
    assert cases().team is None


def test_a_rule_by_configuration_item_type(story: Story, cases: CaseMaker, team: Callable[..., Team]) -> None:
    types = make_types(story)
    server = add_item(story, types, "web-01")
    certificate = add_item(
        story, types, "www cert", item_type=types.certificate, attributes={"expires_on": "2027-01-01"}
    )
    cloud = team("cloud-ops")
    rule(cloud, config_item_type=types.server)
    assert cases(config_item=server).team == cloud
    assert cases(config_item=certificate).team is None
    assert cases().team is None


def test_a_rule_by_organisation(story: Story, cases: CaseMaker, team: Callable[..., Team]) -> None:
    premium = team("premium-desk")
    rule(premium, organisation=story.globex)
    assert cases(actor=story.charlie).team == premium
    assert cases(actor=story.alice).team is None


def test_the_first_matching_rule_by_position_wins(cases: CaseMaker, team: Callable[..., Team]) -> None:
    catch_all, network, unused = team("catch-all"), team("network"), team("unused")
    rule(catch_all, position=20)
    rule(network, position=10, case_type=incident())
    RoutingRule.objects.create(name="off", team=unused, position=1, is_active=False)
    assert cases(case_type=incident()).team == network
    assert cases(case_type=CaseType.objects.get(code="question")).team == catch_all


def test_routing_is_recorded_as_an_internal_event(cases: CaseMaker, team: Callable[..., Team]) -> None:
    network = team("network")
    rule(network)
    event = CaseEvent.objects.get(case=cases(), kind="assigned")
    assert (event.public, event.data["team"], event.data["rule"]) == (False, network.pk, "to network")


def test_round_robin_cycles_through_the_teams_active_agents(
    cases: CaseMaker, team: Callable[..., Team]
) -> None:
    network = team("network", agents=3)
    rule(network, assign_round_robin=True)
    first, second, third = User.objects.filter(teams=network).order_by("id")
    third.is_active = False
    third.save()
    assignees = [cases().assignee for _ in range(5)]
    assert assignees == [first, second, first, second, first]
    third.is_active = True
    third.save()
    assert [cases().assignee for _ in range(2)] == [second, third]


def test_manual_round_robin_needs_a_team_with_agents(
    story: Story, cases: CaseMaker, team: Callable[..., Team]
) -> None:
    case = cases()
    with pytest.raises(InvalidInput):
        services.case_assign(actor=story.dana, case=case, channel="portal", round_robin=True)
    with pytest.raises(Conflict):
        services.case_assign(
            actor=story.dana, case=case, channel="portal", team=team("empty"), round_robin=True
        )
    network = team("network", agents=2)
    first, second = User.objects.filter(teams=network).order_by("id")
    one = services.case_assign(
        actor=story.dana, case=cases(), channel="portal", team=network, round_robin=True
    )
    two = services.case_assign(
        actor=story.dana, case=cases(), channel="portal", team=network, round_robin=True
    )
    assert [(c.team, c.assignee, c.state) for c in (one, two)] == [
        (network, first, State.OPEN), (network, second, State.OPEN),
    ]  # fmt: skip


def test_assigning_a_new_case_opens_it(story: Story, cases: CaseMaker) -> None:
    case = services.case_assign(actor=story.erin, case=cases(), channel="portal", assignee=story.dana)
    assert (case.state, case.assignee, case.team) == (State.OPEN, story.dana, story.service_desk)
    changed = CaseEvent.objects.get(case=case, kind="state_changed")
    assert (changed.data["action"], changed.data["old"], changed.data["new"]) == ("assign", "new", "open")
    assigned = CaseEvent.objects.get(case=case, kind="assigned")
    assert (assigned.data["old"], assigned.data["new"]) == (None, story.dana.pk)


def test_reassigning_an_open_case_keeps_it_open(
    story: Story, cases: CaseMaker, team: Callable[..., Team]
) -> None:
    case = cases()
    move(case, story.dana, Action.TAKE)
    network = team("network", agents=1)
    other = User.objects.get(teams=network)
    case = services.case_assign(actor=story.dana, case=case, channel="portal", assignee=other)
    assert (case.state, case.assignee) == (State.OPEN, other)
    event = CaseEvent.objects.filter(case=case, kind="assigned").latest("id")
    assert (event.data["old"], event.data["new"]) == (story.dana.pk, other.pk)


def test_cases_are_assigned_to_active_agents_only(story: Story, cases: CaseMaker) -> None:
    case = cases()
    for someone in (story.alice, story.charlie):
        with pytest.raises(InvalidInput) as error:
            services.case_assign(actor=story.dana, case=case, channel="portal", assignee=someone)
        assert error.value.fields == {"assignee": ["Not an agent."]}
    with pytest.raises(Forbidden):
        services.case_assign(actor=story.alice, case=case, channel="portal", assignee=story.dana)
    case.refresh_from_db()
    assert (case.state, case.assignee) == (State.NEW, None)
    assert not CaseEvent.objects.filter(case=case, kind="assigned").exists()


def test_a_closed_case_cannot_be_assigned(story: Story, cases: CaseMaker) -> None:
    case = cases()
    move(case, story.alice, Action.CLOSE)
    with pytest.raises(Conflict):
        services.case_assign(actor=story.dana, case=case, channel="portal", assignee=story.dana)


def test_moving_a_case_back_from_a_stale_page_is_saved(
    story: Story, cases: CaseMaker, team: Callable[..., Team]
) -> None:
    case = cases()
    move(case, story.dana, Action.TAKE)
    stale = Case.objects.get(pk=case.pk)  # Dana's page: Service Desk
    network = team("network")
    services.case_assign(actor=story.erin, case=case, channel="portal", team=network)  # Erin moves it
    services.case_assign(actor=story.dana, case=stale, channel="portal", team=story.service_desk)
    assert Case.objects.get(pk=case.pk).team == story.service_desk


def test_a_team_change_records_the_old_and_new_team(
    story: Story, cases: CaseMaker, team: Callable[..., Team]
) -> None:
    case = cases()
    move(case, story.dana, Action.TAKE)
    network = team("network")
    services.case_assign(actor=story.dana, case=case, channel="portal", team=network)
    event = CaseEvent.objects.filter(case=case, kind="assigned").latest("id")
    assert event.data["team"] == network.pk
    assert event.data.get("old_team") == story.service_desk.pk
