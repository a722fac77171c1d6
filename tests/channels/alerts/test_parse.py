"""Parsing the three payloads into one list of alerts, the dedup units, the rules and the case's words:
pure functions, no database."""

from __future__ import annotations

import json

import pytest

from supportal.cases.models import Priority
from supportal.channels.alerts import describe
from supportal.channels.alerts.models import SEVERITY_PRIORITIES
from supportal.channels.alerts.parse import MalformedPayload, fingerprint_of, parse, units
from supportal.channels.alerts.rules import (
    MatcherError,
    RuleSpec,
    config_item_candidates,
    decide,
    parse_matchers,
    unit_priority,
)
from supportal.core.errors import InvalidInput
from supportal.core.markdown import check_markdown
from tests.channels.alerts.conftest import data, raw


def test_alertmanager_firing_is_one_alert_with_its_links() -> None:
    notification = parse("alertmanager", raw("alertmanager_firing"))
    assert (notification.status, notification.group_key) == (
        "firing", '{}/{severity="critical"}:{alertname="HostHighCpuLoad"}',
    )  # fmt: skip
    (alert,) = notification.alerts
    assert alert.fingerprint == "8a1f5e0c2b7d4e61"
    assert alert.labels["instance"] == "web-1.acme.example:9100"
    assert alert.annotations["description"].startswith("CPU load is > 90%")  # \u003e decoded
    titles = [title for title, _ in alert.links]
    assert titles == ["Source", "Runbook"]
    assert "&g0.tab=1" in alert.links[0][1]
    assert notification.source_name == "Alertmanager (supportal)"


def test_grafana_alert_brings_its_dashboard_panel_and_silence_links() -> None:
    notification = parse("grafana", raw("grafana_firing"))
    (alert,) = notification.alerts
    assert [t for t, _ in alert.links] == ["Source", "Dashboard", "Panel", "Silence", "Runbook"]
    assert notification.status == "firing" and alert.fingerprint == "c6eadffa33fcdf37"
    assert parse("grafana", raw("grafana_resolved")).alerts[0].status == "resolved"


def test_generic_alert_keeps_its_key_title_and_severity() -> None:
    (alert,) = parse("generic", raw("generic")).alerts
    assert (alert.fingerprint, alert.severity, alert.status) == ("zbx-trigger-18342", "major", "firing")
    assert alert.title.startswith("Backup job 'nightly-files' failed")


NASTY_LABEL = b'{"version": "4", "status": "firing", "alerts": [{"status": "firing", "labels": {"a": "%s"}}]}'


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (raw("alertmanager_firing")[:-40], 400, None),  # truncated in transit
        (b"", 400, None),
        (b"\xff\xfe{not utf-8", 400, None),
        (b"[1, 2]", 422, "body"),
        (json.dumps({**data("alertmanager_firing"), "version": "3"}).encode(), 422, "version"),
        (json.dumps({**data("alertmanager_firing"), "alerts": None}).encode(), 422, "alerts"),
        (json.dumps({k: v for k, v in data("alertmanager_firing").items() if k != "alerts"}).encode(),
         422, "alerts"),
        (json.dumps({**data("alertmanager_firing"), "alerts": []}).encode(), 422, "alerts"),
        (json.dumps({**data("alertmanager_firing"), "status": "burning"}).encode(), 422, "status"),
        (NASTY_LABEL % b"\\u0000", 422, "alerts.0.labels"),
        (NASTY_LABEL % b"\\ud800", 422, "alerts.0.labels"),
    ],
)  # fmt: skip
def test_malformed_payloads_are_refused_with_the_reason(body: bytes, status: int, field: str | None) -> None:
    with pytest.raises((MalformedPayload, InvalidInput)) as refused:
        parse("alertmanager", body)
    assert refused.value.status == status and refused.value.detail
    if field:
        assert field in refused.value.fields, refused.value.fields


def test_wrong_version_says_which_it_understands() -> None:
    with pytest.raises(InvalidInput, match="Only version 4"):
        parse("alertmanager", json.dumps({**data("alertmanager_firing"), "version": "3"}).encode())


def test_dedup_by_alert_gives_a_unit_per_fingerprint_and_by_group_one_per_group() -> None:
    grouped = parse("alertmanager", raw("alertmanager_grouped"))
    per_alert = units(grouped, dedup_by="alert")
    assert [u.key for u in per_alert] == [
        "alert:1b7c9e4f0a2d3c55",
        "alert:5d0e3a8b9c1f2e47",
        "alert:e4a2f6b1d8c07391",
    ]
    (group,) = units(grouped, dedup_by="group")
    assert group.key == 'group:{}:{alertname="DiskSpaceLow"}' and len(group.alerts) == 3
    assert group.labels == {"alertname": "DiskSpaceLow", "job": "node"}
    generic = parse("generic", raw("generic"))
    assert [u.key for u in units(generic, dedup_by="group")] == ["alert:zbx-trigger-18342"]  # no group given


def test_an_alert_without_a_fingerprint_gets_one_from_its_labels() -> None:
    body = data("alertmanager_firing")
    body["alerts"][0]["fingerprint"] = ""
    alert = parse("alertmanager", json.dumps(body).encode()).alerts[0]
    assert alert.fingerprint == fingerprint_of(alert.labels)
    reordered = dict(reversed(list(alert.labels.items())))
    assert fingerprint_of(reordered) == alert.fingerprint


def test_severity_gives_the_priority_and_a_group_takes_its_worst() -> None:
    (alert,) = units(parse("alertmanager", raw("alertmanager_firing")), dedup_by="alert")
    assert unit_priority(alert, severity_label="severity", priorities=SEVERITY_PRIORITIES) == Priority.P1
    (group,) = units(parse("alertmanager", raw("alertmanager_grouped")), dedup_by="group")
    assert unit_priority(group, severity_label="severity", priorities=SEVERITY_PRIORITIES) == Priority.P2
    assert unit_priority(alert, severity_label="level", priorities=SEVERITY_PRIORITIES) == Priority.P3


def test_matchers_work_as_in_alertmanager() -> None:
    matchers = parse_matchers('severity="critical"\n\n  instance =~ "web-.*"\njob!="blackbox"\nteam!~qa|test')
    labels = {"severity": "critical", "instance": "web-1.acme.example:9100", "job": "node"}
    assert all(m.holds(labels) for m in matchers)
    assert not parse_matchers('instance=~"web"')[0].holds(labels)  # the whole value must match
    assert parse_matchers('env!=""')[0].holds({"env": "prod"})
    with pytest.raises(MatcherError, match="Line 2"):
        parse_matchers('a="b"\nnot a matcher')
    with pytest.raises(MatcherError, match="regular expression"):
        parse_matchers('a=~"(unclosed"')


def test_the_first_matching_rule_overrides_the_integrations_settings() -> None:
    (alert,) = units(parse("alertmanager", raw("alertmanager_firing")), dedup_by="alert")
    rules = [
        RuleSpec("Databases", tuple(parse_matchers('instance=~"db-.*"')), team="dba"),
        RuleSpec("Web", tuple(parse_matchers('instance=~"web-.*"')), priority="P2", resolve_on_recovery=True),
        RuleSpec("Everything", (), team="never reached"),
    ]
    decision = decide(
        alert, rules=rules, case_type="incident", team="ops", severity_label="severity",
        priorities=SEVERITY_PRIORITIES, resolve_on_recovery=False,
    )  # fmt: skip
    assert (decision.rule, decision.priority, decision.team, decision.resolve_on_recovery) == (
        "Web", Priority.P2, "ops", True,
    )  # fmt: skip
    assert (decision.urgency, decision.impact) == ("high", "medium")


def test_config_item_candidates_drop_the_port() -> None:
    assert config_item_candidates("Web-1.acme.example:9100") == [
        "Web-1.acme.example:9100", "Web-1.acme.example", "web-1.acme.example:9100", "web-1.acme.example",
    ]  # fmt: skip
    assert config_item_candidates("[2001:db8::1]:9100")[1] == "2001:db8::1"
    assert config_item_candidates("10.0.0.5") == ["10.0.0.5"]
    assert config_item_candidates("  ") == []


def test_the_description_shows_hostile_labels_as_code_and_passes_the_markdown_check() -> None:
    body = data("alertmanager_firing")
    alert = body["alerts"][0]
    alert["labels"]["evil"] = "<script>alert(1)</script> ``` `x`"
    alert["annotations"]["summary"] = "<img src=x onerror=alert(1)>"
    alert["generatorURL"] = "javascript:alert(1)"
    (unit,) = units(parse("alertmanager", json.dumps(body).encode()), dedup_by="alert")
    text = describe.description(unit)
    check_markdown(text, field="description")  # no active HTML gets through
    assert "```` <script>alert(1)</script> ``` `x` ````" in text
    assert "[Source](javascript" not in text and "Source: `javascript:alert(1)`" in text
    assert (
        describe.subject(unit) == "HostHighCpuLoad on web-1.acme.example:9100: <img src=x onerror=alert(1)>"
    )


def test_subjects_fit_and_name_the_group() -> None:
    (group,) = units(parse("alertmanager", raw("alertmanager_grouped")), dedup_by="group")
    assert describe.subject(group) == "DiskSpaceLow: Disk space low (3 alerts)"
    body = data("generic")
    body["alerts"][0]["title"] = "x" * 400
    (long,) = units(parse("generic", json.dumps(body).encode()), dedup_by="alert")
    assert len(describe.subject(long)) == describe.SUBJECT_MAX
    text = describe.description(group)
    assert text.count("- **firing**") == 3 and "`files-1.acme.example:9100`" in text
