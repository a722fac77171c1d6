"""Monitoring systems post their real notifications to /api/v1/alerts/*: incidents open with the right
priority, configuration item and team; what arrived is stored as it was; bad bodies are refused."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseType, Channel, EventKind, Priority
from supportal.channels.alerts.models import AlertPayload, AlertRule, DedupBy, Outcome
from supportal.orgs.models import Team
from tests.api.conftest import error_of
from tests.channels.alerts.conftest import Monitoring, data, raw


def test_an_alertmanager_firing_opens_an_incident_for_the_organisation(monitoring: Monitoring) -> None:
    response = monitoring.send("alertmanager", raw("alertmanager_firing"))
    assert response.json()["results"] == [
        {"key": "alert:8a1f5e0c2b7d4e61", "status": "firing", "outcome": "created",
         "case": response.json()["results"][0]["case"], "count": 1, "alerts": 1, "detail": ""},
    ]  # fmt: skip
    case = monitoring.case(response)
    acme = monitoring.story.acme
    assert (case.organisation, case.requester, case.filed_by) == (acme, acme.virtual_user, monitoring.user)
    assert (case.channel, case.case_type.code, case.state) == (Channel.ALERT, "incident", State.NEW)
    assert (case.priority, case.urgency, case.impact) == (Priority.P1, "high", "high")  # severity=critical
    assert case.config_item == monitoring.web_1  # instance web-1.acme.example:9100, port dropped
    assert case.subject == "HostHighCpuLoad on web-1.acme.example:9100: Host high CPU load"
    assert case.filed_reason == "Alert from Alertmanager (supportal)"
    assert (
        "CPU load is > 90%" in case.description
        and "[Runbook](https://runbooks.acme.example/cpu)" in case.description
    )
    created = case.events.get(kind=EventKind.CREATED)
    assert (created.actor, created.channel, created.data["priority"]) == (monitoring.user, "alert", "P1")


def test_the_raw_body_is_kept_byte_for_byte_with_what_became_of_it(monitoring: Monitoring) -> None:
    body = raw("alertmanager_firing")
    response = monitoring.send("alertmanager", body)
    payload = AlertPayload.objects.get(pk=response.json()["payload"])
    assert bytes(payload.body) == body and payload.size == len(body)
    assert (payload.source, payload.outcome, payload.alerts, payload.organisation) == (
        "alertmanager", Outcome.PROCESSED, 1, monitoring.story.acme,
    )  # fmt: skip
    assert payload.results[0]["case"] == monitoring.case(response).number


def test_malformed_bodies_get_a_4xx_with_the_reason_and_are_kept(monitoring: Monitoring) -> None:
    truncated = raw("alertmanager_firing")[:300]
    cases = {
        "truncated": (truncated, 400, "not valid JSON"),
        "wrong version": (json.dumps({**data("alertmanager_firing"), "version": "2"}), 422, "version 4"),
        "no alerts": (json.dumps({**data("alertmanager_firing"), "alerts": None}), 422, "alerts"),
    }
    for name, (body, status, reason) in cases.items():
        response = monitoring.send("alertmanager", body)
        assert response.status_code == status, name
        assert reason in error_of(response)["detail"], (name, response.json())
        stored = AlertPayload.objects.latest("id")
        assert bytes(stored.body) == (body if isinstance(body, bytes) else body.encode()), name
        assert stored.outcome == Outcome.REJECTED and reason in stored.error, name
    assert not Case.objects.exists()


def test_a_grouped_notification_opens_a_case_per_alert_by_default(monitoring: Monitoring) -> None:
    response = monitoring.send("alertmanager", raw("alertmanager_grouped"))
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created"] * 3
    cases = [Case.objects.get(number=r["case"]) for r in results]
    assert [c.priority for c in cases] == [Priority.P3, Priority.P2, Priority.P3]  # warning, major, warning
    assert [c.config_item for c in cases] == [monitoring.db_1, monitoring.db_1, None]  # no files-1 item


def test_dedup_by_group_opens_one_case_for_the_group(monitoring: Monitoring) -> None:
    monitoring.integration(dedup_by=DedupBy.GROUP)
    response = monitoring.send("alertmanager", raw("alertmanager_grouped"))
    (result,) = response.json()["results"]
    assert (result["key"], result["alerts"], result["outcome"]) == (
        'group:{}:{alertname="DiskSpaceLow"}',
        3,
        "created",
    )
    case = monitoring.case(response)
    assert case.priority == Priority.P2  # the worst of the group: major
    assert case.subject == "DiskSpaceLow: Disk space low (3 alerts)"
    again = monitoring.send("alertmanager", raw("alertmanager_grouped")).json()["results"]
    assert [(r["outcome"], r["case"], r["count"]) for r in again] == [("updated", case.number, 2)]
    monitoring.send("alertmanager", raw("alertmanager_grouped_resolved"))
    assert Case.objects.count() == 1
    assert case.alert_states.get().status == "resolved"


def test_grafana_firing_and_resolved(monitoring: Monitoring) -> None:
    monitoring.integration(resolve_on_recovery=True)
    case = monitoring.case(monitoring.send("grafana", raw("grafana_firing")))
    assert (case.priority, case.config_item, case.subject) == (
        Priority.P2, monitoring.web_1, "High memory usage on web-1.acme.example: Memory above 92% on web-1",
    )  # fmt: skip
    assert "[Dashboard](https://grafana.acme.example/d/rYdddlPWk)" in case.description
    results = monitoring.send("grafana", raw("grafana_resolved")).json()["results"]
    assert [(r["outcome"], r["case"]) for r in results] == [("resolved", case.number)]
    case.refresh_from_db()
    assert case.state == State.RESOLVED and case.resolved_at is not None


def test_the_generic_shape(monitoring: Monitoring) -> None:
    case = monitoring.case(monitoring.send("generic", raw("generic")))
    assert case.subject == "Backup job 'nightly-files' failed on files-1"
    assert case.priority == Priority.P2 and case.filed_reason == "Alert from Zabbix"
    assert "Last good backup: 29 November." in case.description
    assert "[Source](https://zabbix.acme.example/tr_events.php?triggerid=18342)" in case.description
    response = monitoring.send("generic", {"alerts": [{"key": "   ", "status": "firing"}]})
    assert response.status_code == 422 and "alerts.0.key" in error_of(response)["fields"]


def test_the_integrations_type_team_and_priority_map_and_its_rules(monitoring: Monitoring) -> None:
    network = Team.objects.create(name="Network", slug="network")
    web = Team.objects.create(name="Web", slug="web")
    change = CaseType.objects.get(code="change")
    integration = monitoring.integration(team=network, priorities={"critical": "P2"}, config_item_label="")
    AlertRule.objects.create(integration=integration, position=1, name="Grafana web", matchers='team="web"',
                             team=web, priority="P4", case_type=change)  # fmt: skip
    am = monitoring.case(monitoring.send("alertmanager", raw("alertmanager_firing")))
    assert (am.team, am.priority, am.case_type.code, am.config_item) == (
        network,
        Priority.P2,
        "incident",
        None,
    )
    grafana = monitoring.case(monitoring.send("grafana", raw("grafana_firing")))
    assert (grafana.team, grafana.priority, grafana.case_type) == (web, Priority.P4, change)
    assert monitoring.send("alertmanager", raw("alertmanager_grouped")).json()["results"][0]["detail"] == ""


def test_only_integration_users_may_post_alerts(monitoring: Monitoring) -> None:
    from tests.api.conftest import Api, api_as, secret_for

    story = monitoring.story
    for api in (Api(secret_for(story.dana)), Api(secret_for(story.erin)), api_as(story.alice), Api()):
        response = monitoring.send("alertmanager", raw("alertmanager_firing"), api=api)
        assert response.status_code in (401, 403), response.content
        if response.status_code == 403:
            assert "integration token" in error_of(response)["detail"]
    read_only = Api(secret_for(monitoring.user, scope="read"))
    assert monitoring.send("alertmanager", raw("alertmanager_firing"), api=read_only).status_code == 403
    assert not AlertPayload.objects.exists() and not Case.objects.exists()


def test_a_switched_off_integration_is_refused_and_the_body_kept(monitoring: Monitoring) -> None:
    monitoring.integration(is_active=False)
    response = monitoring.send("alertmanager", raw("alertmanager_firing"))
    assert response.status_code == 403 and "switched off" in error_of(response)["detail"]
    assert AlertPayload.objects.get().outcome == Outcome.REJECTED
    assert not Case.objects.exists()


def test_a_plan_without_the_api_channel_refuses_alerts(monitoring: Monitoring) -> None:
    acme = monitoring.story.acme
    acme.plan = monitoring.story.free
    acme.save()
    response = monitoring.send("alertmanager", raw("alertmanager_grouped"))
    assert response.status_code == 403 and "plan" in error_of(response)["detail"]
    payload = AlertPayload.objects.get()
    assert payload.outcome == Outcome.REJECTED and len(payload.results) == 3
    assert not Case.objects.exists()


def test_the_case_page_tells_the_alert_history(monitoring: Monitoring) -> None:
    import time_machine

    with time_machine.travel("2026-12-01 10:00Z", tick=False) as clock:
        case = monitoring.case(monitoring.send("alertmanager", raw("alertmanager_firing")))
        clock.shift(3600)
        monitoring.send("alertmanager", raw("alertmanager_repeat"))
        clock.shift(600)
        monitoring.send("alertmanager", raw("alertmanager_resolved"))
    client = Client()
    client.force_login(monitoring.story.dana)
    page = client.get(f"/agent/cases/{case.number}/").content.decode()
    assert "reported that “HostHighCpuLoad” is firing again (2 firing notifications)" in page
    assert "reported that “HostHighCpuLoad” recovered (2 firing notifications)" in page
    # Shared with the organisation: Alice (who sees its cases) follows it; Bob (his own only) does not.
    client.force_login(monitoring.story.alice)
    assert "is firing again" in client.get(f"/cases/{case.number}/").content.decode()
    client.force_login(monitoring.story.bob)
    assert client.get(f"/cases/{case.number}/").status_code == 404


def test_a_repeat_costs_a_fixed_handful_of_queries(
    monitoring: Monitoring, django_assert_max_num_queries: Any
) -> None:
    monitoring.send("alertmanager", raw("alertmanager_firing"))
    for n in range(3):  # however many came before
        with django_assert_max_num_queries(20):  # auth and throttle included
            assert (
                monitoring.send("alertmanager", raw("alertmanager_repeat")).json()["results"][0]["count"]
                == n + 2
            )


def test_alerts_have_a_rate_budget_of_their_own(monitoring: Monitoring, settings: Any) -> None:
    """Alertmanager drops a notification answered 4xx, so alerts do not share the API's 429 budget."""
    settings.API_RATE_LIMIT = "2/m"
    statuses = [monitoring.send("generic", raw("generic")).status_code for _ in range(4)]
    assert statuses == [200] * 4
    settings.API_ALERT_RATE_LIMIT = "5/m"
    assert monitoring.send("generic", raw("generic")).status_code == 200
    refused = monitoring.send("generic", raw("generic"))
    assert refused.status_code == 429 and refused["Retry-After"]
