"""Two agents press "Take" on the same New case at the same moment: one gets it, the other a Conflict."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent
from supportal.core.errors import Conflict
from supportal.orgs import services as org_services
from tests.conftest import Story


@pytest.mark.django_db(transaction=True)
def test_two_agents_take_at_once_and_exactly_one_wins(story: Story) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises whole transactions, so there is no race to lose.")
    eve = org_services.agent_create(
        actor=story.erin, channel="cli", email="eve@provider.example", name="Eve Agent",
        teams=[story.service_desk],
    )  # fmt: skip
    case = services.case_create(
        actor=story.alice, organisation=story.acme, subject="Disk full", channel="portal"
    )
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def take(agent_id: int) -> None:
        try:
            agent = User.objects.get(pk=agent_id)
            mine = Case.objects.get(pk=case.pk)  # each agent loaded the New case before pressing
            start.wait()
            services.case_transition(actor=agent, case=mine, action=Action.TAKE, channel="portal")
            outcome = "took"
        except Conflict:
            outcome = "conflict"
        except BaseException as error:
            outcome = repr(error)
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes[agent_id] = outcome

    threads = [threading.Thread(target=take, args=(a.pk,)) for a in (story.dana, eve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["conflict", "took"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "took")
    case.refresh_from_db()
    assert (case.state, case.assignee_id) == (State.OPEN, winner)
    takes = CaseEvent.objects.filter(case=case, kind="state_changed")
    assert [(e.data["action"], e.actor_id) for e in takes] == [("take", winner)]
