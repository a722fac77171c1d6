"""The demo's monitoring: Globex Bank's Alertmanager as an integration user with its alert settings
(Cloud Operations, resolve on recovery; no token: an admin makes one in the organisation's token page
or with `supportal token create`), and one real Alertmanager notification about the online-banking
server, delivered twice (the repeat is counted on the same incident). Both go through the real service
(`alerts_receive`), as the webhook would. Loading again adds nothing: the integration's first payload
marks it done."""

from __future__ import annotations

import json
from typing import Any

from supportal.accounts.models import User, UserKind
from supportal.audit.services import AuditChannel
from supportal.channels.alerts.models import AlertIntegration, AlertPayload
from supportal.channels.alerts.services import alerts_receive
from supportal.orgs.models import Organisation, Team
from supportal.orgs.services import customer_user_create

EMAIL = "alertmanager@globex.example"
INSTANCE = "glx-ob-app-01.globex.example:9100"


def _notification(value: str) -> bytes:
    """Alertmanager's webhook body (version 4), as `webhook_configs` sends it."""
    labels = {
        "alertname": "HostMemoryPressure",
        "instance": INSTANCE,
        "job": "node",
        "service": "online-banking",
        "severity": "major",
    }
    annotations = {
        "summary": "Memory pressure on the online-banking server",
        "description": f"Available memory on {INSTANCE} has been below 8% for 10 minutes (now {value}).",
        "runbook_url": "https://runbooks.globex.example/host-memory",
    }
    alert: dict[str, Any] = {
        "status": "firing",
        "labels": labels,
        "annotations": annotations,
        "startsAt": "2026-11-30T06:41:12.417Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.globex.example:9090/graph?g0.expr=node_memory_MemAvailable_bytes"
        "+%2F+node_memory_MemTotal_bytes+%3C+0.08&g0.tab=1",
        "fingerprint": "3f9c1d7ae2b84c06",
    }
    return json.dumps(
        {
            "receiver": "supportal",
            "status": "firing",
            "alerts": [alert],
            "groupLabels": {"alertname": "HostMemoryPressure"},
            "commonLabels": labels,
            "commonAnnotations": annotations,
            "externalURL": "http://alertmanager.globex.example:9093",
            "version": "4",
            "groupKey": '{}/{service="online-banking"}:{alertname="HostMemoryPressure"}',
            "truncatedAlerts": 0,
        }
    ).encode()


def load_demo_alerts() -> int:
    """Deliver the demo's notifications (once); returns how many were delivered now."""
    user = User.objects.filter(email=EMAIL).first()
    if user is not None and AlertPayload.objects.filter(integration__user=user).exists():
        return 0
    if user is None:
        user = customer_user_create(
            actor=User.objects.get(email="erin@provider.example"),
            channel=AuditChannel.CLI,
            organisation=Organisation.objects.get(name="Globex Bank"),
            email=EMAIL,
            name="Globex Alertmanager",
            kind=UserKind.INTEGRATION,
        )
    AlertIntegration.objects.update_or_create(
        user=user,
        defaults={"team": Team.objects.filter(slug="cloud-operations").first(), "resolve_on_recovery": True},
    )
    for value in ("7.1%", "6.4%"):  # the first opens the incident; the repeat is counted on it
        alerts_receive(actor=user, source="alertmanager", raw_body=_notification(value))
    return 2
