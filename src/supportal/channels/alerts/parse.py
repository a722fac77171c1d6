"""From a webhook's bytes to one normalized list of alerts, whatever sent them; then the units that are
deduplicated (each alert, or each notification group). Pure functions: no database.

    notification = parse("alertmanager", raw_body)      # MalformedPayload (400) or InvalidInput (422)
    for unit in units(notification, dedup_by="alert"): ...
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from supportal.channels.alerts.formats import (
    AlertmanagerAlert,
    AlertmanagerPayload,
    GenericPayload,
    GrafanaAlert,
    GrafanaPayload,
)
from supportal.core.errors import DomainError, InvalidInput

M = TypeVar("M", bound=BaseModel)
FIRING, RESOLVED = "firing", "resolved"
SOURCE_NAMES = {"alertmanager": "Alertmanager", "grafana": "Grafana", "generic": "Monitoring"}


class MalformedPayload(DomainError):
    """The body is not JSON at all (truncated, not UTF-8): answered 400."""

    code = "bad_request"
    status = 400


@dataclass(frozen=True)
class Alert:
    status: str
    fingerprint: str
    labels: dict[str, str]
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (title, url)
    title: str = ""  # the generic shape's own title and description
    description: str = ""
    severity: str = ""  # the generic shape's severity; otherwise read from the labels

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "") or self.title


@dataclass(frozen=True)
class Notification:
    source: str
    status: str
    alerts: tuple[Alert, ...]
    group_key: str = ""
    common_labels: dict[str, str] = field(default_factory=dict)
    common_annotations: dict[str, str] = field(default_factory=dict)
    sender: str = ""  # the system's name or URL, shown on the case
    truncated: int = 0

    @property
    def source_name(self) -> str:
        return self.sender or SOURCE_NAMES.get(self.source, self.source)


@dataclass(frozen=True)
class Unit:
    """What dedup works on: one alert, or one notification group with its alerts."""

    key: str  # "alert:<fingerprint>" or "group:<group key>"
    status: str
    labels: dict[str, str]
    annotations: dict[str, str]
    alerts: tuple[Alert, ...]
    notification: Notification

    @property
    def is_group(self) -> bool:
        return self.key.startswith("group:")

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "") or next((a.name for a in self.alerts if a.name), "")


def parse(source: str, raw: bytes) -> Notification:
    data = _json(raw)
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", fields={"body": ["Expected a JSON object."]})
    if source == "alertmanager":
        if "version" in data and data["version"] != "4":
            problem = (
                f"Only version 4 of Alertmanager's webhook payload is understood, not {data['version']!r}."
            )
            raise InvalidInput(problem, fields={"version": [problem]})
        return _alertmanager(_validate(AlertmanagerPayload, data))
    if source == "grafana":
        return _grafana(_validate(GrafanaPayload, data))
    if source == "generic":
        return _generic(_validate(GenericPayload, data))
    raise InvalidInput(f"Unknown alert source {source!r}.")


def _json(raw: bytes) -> Any:
    if not raw.strip():
        raise MalformedPayload("The body is empty; send the alert notification as JSON.")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise MalformedPayload("The body is not UTF-8 encoded JSON.") from None
    except json.JSONDecodeError as error:
        raise MalformedPayload(
            f"The body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:
        raise MalformedPayload("The body's JSON is nested too deeply.") from None


def _validate(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors(include_url=False, include_input=False):
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            message = str(problem["msg"]).removeprefix("Value error, ").replace("\x00", "")
            fields.setdefault(where, []).append(message)
        first, messages = next(iter(fields.items()))
        raise InvalidInput(f"The payload is not valid: {first}: {messages[0]}", fields=fields) from None


def fingerprint_of(labels: dict[str, str]) -> str:
    """A stable identity for an alert sent without a fingerprint: its labels."""
    text = json.dumps(sorted(labels.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _links(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((title, url.strip()) for title, url in pairs if url and url.strip())


def _prometheus_alert(alert: AlertmanagerAlert, *extra: tuple[str, str]) -> Alert:
    return Alert(
        status=alert.status,
        fingerprint=alert.fingerprint.strip() or fingerprint_of(alert.labels),
        labels=dict(alert.labels),
        annotations=dict(alert.annotations),
        starts_at=alert.startsAt,
        links=_links(
            ("Source", alert.generatorURL),
            *extra,
            ("Runbook", alert.annotations.get("runbook_url", "")),
        ),
    )


def _alertmanager(payload: AlertmanagerPayload) -> Notification:
    return Notification(
        source="alertmanager",
        status=payload.status,
        alerts=tuple(_prometheus_alert(alert) for alert in payload.alerts),
        group_key=payload.groupKey,
        common_labels={**payload.groupLabels, **payload.commonLabels},
        common_annotations=dict(payload.commonAnnotations),
        sender=f"Alertmanager ({payload.receiver})" if payload.receiver else "Alertmanager",
        truncated=payload.truncatedAlerts,
    )


def _grafana_alert(alert: GrafanaAlert) -> Alert:
    return _prometheus_alert(
        alert, ("Dashboard", alert.dashboardURL), ("Panel", alert.panelURL), ("Silence", alert.silenceURL)
    )


def _grafana(payload: GrafanaPayload) -> Notification:
    return Notification(
        source="grafana",
        status=payload.status,
        alerts=tuple(_grafana_alert(alert) for alert in payload.alerts),
        group_key=payload.groupKey,
        common_labels={**payload.groupLabels, **payload.commonLabels},
        common_annotations=dict(payload.commonAnnotations),
        sender=f"Grafana ({payload.receiver})" if payload.receiver else "Grafana",
        truncated=payload.truncatedAlerts,
    )


def _generic(payload: GenericPayload) -> Notification:
    alerts = tuple(
        Alert(
            status=alert.status,
            fingerprint=alert.key,
            labels=dict(alert.labels),
            links=_links(("Source", alert.url)),
            title=alert.title.strip() or alert.key,
            description=alert.description,
            severity=alert.severity.strip(),
        )
        for alert in payload.alerts
    )
    status = FIRING if any(a.status == FIRING for a in alerts) else RESOLVED
    return Notification(
        source="generic",
        status=status,
        alerts=alerts,
        group_key=payload.group.strip(),
        sender=payload.source.strip(),
    )


def units(notification: Notification, *, dedup_by: str) -> list[Unit]:
    """One unit per group (dedup by group, when the payload names its group) or per alert."""
    if dedup_by == "group" and notification.group_key:
        first = notification.alerts[0]
        labels = notification.common_labels or first.labels
        annotations = notification.common_annotations or (
            first.annotations if len(notification.alerts) == 1 else {}
        )
        return [
            Unit(
                key=f"group:{notification.group_key}",
                status=notification.status,
                labels=dict(labels),
                annotations=dict(annotations),
                alerts=notification.alerts,
                notification=notification,
            )
        ]
    return [
        Unit(
            key=f"alert:{alert.fingerprint}",
            status=alert.status,
            labels=alert.labels,
            annotations=alert.annotations,
            alerts=(alert,),
            notification=notification,
        )
        for alert in notification.alerts
    ]
