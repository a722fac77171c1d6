"""Deduplication, counts, recovery and flapping, with Alertmanager's real notifications and a frozen clock
(the flap window is 10 minutes by default)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from supportal.cases import services as case_services
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseEvent, CloseReason, Comment
from supportal.channels.alerts.models import AlertIntegration, AlertState
from tests.channels.alerts.conftest import Monitoring, alert_events, globex_monitoring, raw

MINUTE = 60


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel("2026-12-01 10:00Z", tick=False) as traveller:
        yield traveller


def fire(monitoring: Monitoring, name: str = "alertmanager_firing") -> dict[str, Any]:
    response = monitoring.send("alertmanager", raw(name))
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()["results"][0]
    return result


def recover(monitoring: Monitoring) -> dict[str, Any]:
    return fire(monitoring, "alertmanager_resolved")


def test_repeats_count_on_one_case_and_add_an_event_once_per_window(
    monitoring: Monitoring, clock: Any
) -> None:
    first = fire(monitoring)
    for minutes in (2, 3):  # Alertmanager's group_interval re-sends: within the window, counted only
        clock.shift(minutes * MINUTE)
        assert fire(monitoring, "alertmanager_repeat") | {"count": 0} == first | {
            "outcome": "updated",
            "count": 0,
        }
    case = Case.objects.get()
    assert alert_events(case) == []
    clock.shift(10 * MINUTE)  # the flap window since the case opened has passed
    assert fire(monitoring, "alertmanager_repeat")["count"] == 4
    (event,) = alert_events(case)
    assert (event["status"], event["count"], event["notifications"]) == ("firing", 4, 3)
    clock.shift(1 * MINUTE)
    fire(monitoring, "alertmanager_repeat")
    assert len(alert_events(case)) == 1
    assert AlertState.objects.get().firing_count == 5 and Case.objects.count() == 1


def test_recovery_is_recorded_and_left_to_the_engineers_by_default(
    monitoring: Monitoring, clock: Any
) -> None:
    case_number = fire(monitoring)["case"]
    clock.shift(20 * MINUTE)
    assert (recover(monitoring)["outcome"], recover(monitoring)["outcome"]) == ("recovered", "ignored")
    case = Case.objects.get(number=case_number)
    assert case.state == State.NEW
    (event,) = alert_events(case)
    assert (event["status"], event["flapping"]) == ("resolved", False)
    assert CaseEvent.objects.filter(case=case, kind="alert").get().actor == monitoring.user


def test_resolve_on_recovery_resolves_the_case_through_the_recover_move(
    monitoring: Monitoring, clock: Any
) -> None:
    monitoring.integration(resolve_on_recovery=True)
    case_number = fire(monitoring)["case"]
    clock.shift(15 * MINUTE)
    assert recover(monitoring)["outcome"] == "resolved"
    case = Case.objects.get(number=case_number)
    assert (case.state, case.resolved_at is not None) == (State.RESOLVED, True)
    moved = case.events.filter(kind="state_changed").get()
    assert (moved.data["old"], moved.data["new"], moved.data["action"]) == ("new", "resolved", "recover")
    assert moved.actor is not None and moved.actor.email.startswith("alerts@")
    assert "recovered" in moved.data["reason"]


def test_a_firing_soon_after_a_recovery_reopens_and_a_flapping_alert_stays_open(
    monitoring: Monitoring, clock: Any
) -> None:
    monitoring.integration(resolve_on_recovery=True)
    case_number = fire(monitoring)["case"]
    clock.shift(15 * MINUTE)
    recover(monitoring)
    clock.shift(3 * MINUTE)  # back within the window: a flap
    again = fire(monitoring)
    assert (again["outcome"], again["case"]) == ("reopened", case_number)
    case = Case.objects.get(number=case_number)
    assert case.state == State.OPEN
    reply = Comment.objects.get(case=case)
    assert reply.author == monitoring.user and "firing again" in reply.body
    events_before = len(alert_events(case))
    for _ in range(3):  # it keeps flapping: counted, not resolved, no new events within the window
        clock.shift(1 * MINUTE)
        assert recover(monitoring)["outcome"] == "recovered"
        clock.shift(1 * MINUTE)
        assert fire(monitoring)["outcome"] == "updated"
    case.refresh_from_db()
    assert case.state == State.OPEN and Case.objects.count() == 1
    assert len(alert_events(case)) == events_before
    state = AlertState.objects.get(is_open=True)
    assert (state.firing_count, state.flap_count, state.unrecorded) == (5, 4, 6)
    clock.shift(30 * MINUTE)
    result = recover(monitoring)
    assert (result["outcome"], result["detail"]) == ("recovered", "Flapping: left open.")
    last = alert_events(case)[-1]
    assert (last["status"], last["flapping"], last["notifications"]) == ("resolved", True, 7)


def test_a_firing_long_after_a_resolved_case_opens_a_new_case_naming_it(
    monitoring: Monitoring, clock: Any
) -> None:
    monitoring.integration(resolve_on_recovery=True)
    old = fire(monitoring)["case"]
    clock.shift(5 * MINUTE)
    recover(monitoring)
    clock.shift(2 * 60 * MINUTE)
    new = fire(monitoring)
    assert new["outcome"] == "created" and new["case"] != old
    assert f"It fired before on case {old}" in Case.objects.get(number=new["case"]).description
    assert Case.objects.get(number=old).state == State.RESOLVED
    assert list(AlertState.objects.order_by("id").values_list("is_open", flat=True)) == [False, True]


def test_a_firing_on_a_case_still_being_worked_on_is_recorded_there(
    monitoring: Monitoring, clock: Any
) -> None:
    case_number = fire(monitoring)["case"]
    case_services.case_transition(
        actor=monitoring.story.dana,
        case=Case.objects.get(number=case_number),
        action=Action.TAKE,
        channel="portal",
    )
    clock.shift(5 * MINUTE)
    recover(monitoring)
    clock.shift(60 * MINUTE)
    result = fire(monitoring)  # an hour after the recovery: not a flap, and the case is still worked on
    assert (result["outcome"], result["case"]) == ("updated", case_number)
    case = Case.objects.get(number=case_number)
    statuses = [e["status"] for e in alert_events(case)]
    assert statuses == ["resolved", "firing"]
    assert Case.objects.count() == 1


def test_closed_is_final_a_firing_opens_a_new_case(monitoring: Monitoring, clock: Any) -> None:
    old = Case.objects.get(number=fire(monitoring)["case"])
    case_services.case_transition(
        actor=monitoring.story.alice, case=old, action=Action.CLOSE, channel="portal"
    )
    clock.shift(1 * MINUTE)
    assert recover(monitoring)["outcome"] == "ignored"  # nothing more may change on a closed case
    new = fire(monitoring)
    assert new["outcome"] == "created" and new["case"] != old.number
    old.refresh_from_db()
    assert (old.state, old.close_reason) == (State.CLOSED, CloseReason.WITHDRAWN)


def test_a_recovery_without_an_open_case_changes_nothing(monitoring: Monitoring) -> None:
    result = recover(monitoring)
    assert (result["outcome"], result["case"]) == ("ignored", None)
    assert not Case.objects.exists() and not AlertState.objects.exists()


def test_an_alert_case_merged_into_another_sends_repeats_to_the_survivor(
    monitoring: Monitoring, clock: Any
) -> None:
    duplicate = Case.objects.get(number=fire(monitoring)["case"])
    survivor = case_services.case_create(
        actor=monitoring.story.alice,
        organisation=monitoring.story.acme,
        subject="Web shop slow",
        channel="portal",
    )
    case_services.case_merge(
        actor=monitoring.story.dana, duplicate=duplicate, survivor=survivor, channel="portal"
    )
    clock.shift(30 * MINUTE)
    assert (fire(monitoring)["outcome"], fire(monitoring)["case"]) == ("updated", survivor.number)
    assert alert_events(survivor)[0]["count"] == 2


def test_an_acme_token_never_touches_globex_even_with_the_same_key(
    monitoring: Monitoring, clock: Any
) -> None:
    monitoring.integration(resolve_on_recovery=True)
    globex_user, globex_api = globex_monitoring(monitoring.story)
    AlertIntegration.objects.create(user=globex_user, resolve_on_recovery=True)
    acme_case = fire(monitoring)["case"]
    globex = monitoring.send("alertmanager", raw("alertmanager_firing"), api=globex_api).json()["results"][0]
    assert globex["outcome"] == "created" and globex["case"] != acme_case
    globex_case = Case.objects.get(number=globex["case"])
    assert globex_case.organisation == monitoring.story.globex and globex_case.config_item is None
    clock.shift(15 * MINUTE)
    monitoring.send("alertmanager", raw("alertmanager_resolved"), api=globex_api)
    assert Case.objects.get(number=acme_case).state == State.NEW  # Globex's recovery is Globex's
    assert Case.objects.get(number=globex["case"]).state == State.RESOLVED
    assert globex_api.get(f"cases/{acme_case}").status_code == 404
    assert monitoring.api.get(f"cases/{globex['case']}").status_code == 404
