"""What `supportal bench run` sends to the alert webhook: Prometheus Alertmanager's notifications
(payload version 4, one alert each) posted to the real endpoint, `POST /api/v1/alerts/alertmanager`,
with the token of the largest organisation's integration user, as a monitoring system would.

- `alert_new`: every notification is a new alert (the run and `{n}` make each fingerprint unique):
  store the body, parse, open an incident (priority from the severity, configuration item from
  `instance`, team).
- `alert_repeat`: the same REPEAT_KEYS alerts firing again and again (Alertmanager's repeat and group
  intervals, or several Alertmanagers in a cluster): each one is counted on its open case. The first
  round (in the warm-up) opens their cases.

One alert per request, so requests per second are alerts per second. The integration's settings are
the defaults (made on its first alert): dedup by fingerprint, flap window 10 minutes.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.operations import Operation

PATH = "/api/v1/alerts/alertmanager"
REPEAT_KEYS = 20


def notification(fingerprint: str, instance: str, severity: str = "major") -> str:
    """One firing alert, as Alertmanager's webhook sends it."""
    labels = {"alertname": "HostHighCpuLoad", "instance": instance, "job": "node", "severity": severity}
    annotations = {"summary": "Host high CPU load", "description": f"CPU load is > 90% on {instance}"}
    alert = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations,
        "startsAt": "2026-12-01T09:52:26.739Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.bench.example:9090/graph?g0.expr=node_load1+%3E+4&g0.tab=1",
        "fingerprint": fingerprint,
    }
    return json.dumps(
        {
            "receiver": "supportal",
            "status": "firing",
            "alerts": [alert],
            "groupLabels": {"alertname": "HostHighCpuLoad"},
            "commonLabels": labels,
            "commonAnnotations": annotations,
            "externalURL": "http://alertmanager.bench.example:9093",
            "version": "4",
            "groupKey": '{}:{alertname="HostHighCpuLoad"}',
            "truncatedAlerts": 0,
        }
    )


def alert_operations(headers: dict[str, str]) -> tuple[Operation, ...]:
    from bench.operations import Operation

    run = f"{time.time_ns():x}"  # `{n}` is unique within a run only: new alerts stay new in the next run

    return (
        Operation(
            "alert_new",
            "Alert webhook: new alert (Alertmanager)",
            method="POST",
            paths=(PATH,),
            headers=headers,
            bodies=(notification(f"bench-{run}-{{n}}", f"bench-{run}-{{n}}.example:9100"),),
        ),
        Operation(
            "alert_repeat",
            "Alert webhook: repeat of an open alert",
            method="POST",
            paths=(PATH,),
            headers=headers,
            bodies=tuple(
                notification(f"bench-repeat-{k}", f"repeat-{k}.example:9100") for k in range(REPEAT_KEYS)
            ),
        ),
    )
