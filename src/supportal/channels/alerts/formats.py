"""The three payloads the alert webhooks accept, as pydantic models: Prometheus Alertmanager's webhook
(version 4), Grafana alerting's webhook contact point, and Supportal's own small generic shape.

Unknown fields are ignored (monitoring systems add fields over time); what is described here is what
Supportal reads. `openapi_schema` gives each model as a self-contained JSON schema for the API document.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

AlertStatusName = Literal["firing", "resolved"]
Labels = dict[str, str]

MAX_ALERTS = 1000  # per payload; Alertmanager's `max_alerts` and Grafana keep groups far smaller


class Input(BaseModel):
    """Text the databases can store: no NUL characters, no lone surrogates (`"\\ud800"` in JSON)."""

    @field_validator("*", mode="after")
    @classmethod
    def _check_storable(cls, value: Any) -> Any:
        if not _storable(value):
            raise ValueError("Must not contain NUL characters or invalid Unicode.")
        return value


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    return True


class AlertmanagerAlert(Input):
    status: AlertStatusName
    labels: Labels = Field(description="Identify the alert; `alertname`, `severity`, `instance`, ...")
    annotations: Labels = Field(default_factory=dict, description="`summary`, `description`, ...")
    startsAt: str = Field("", description="RFC 3339, as sent.")
    endsAt: str = ""
    generatorURL: str = Field("", description="A link to the alert's source (Prometheus' graph).")
    fingerprint: str = Field("", description="Identifies the alert; computed from its labels if empty.")


class AlertmanagerPayload(Input):
    """Prometheus Alertmanager's webhook notification (`webhook_configs`), version 4."""

    version: Literal["4"] = Field(description="Only version 4 is understood.")
    groupKey: str = Field("", description="Identifies the notification group.")
    truncatedAlerts: int = Field(0, ge=0, description="Alerts left out because of `max_alerts`.")
    status: AlertStatusName
    receiver: str = ""
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[AlertmanagerAlert] = Field(min_length=1, max_length=MAX_ALERTS)


class GrafanaAlert(AlertmanagerAlert):
    silenceURL: str = ""
    dashboardURL: str = ""
    panelURL: str = ""
    imageURL: str = ""
    values: dict[str, Any] | None = Field(None, description="The query values that made it fire.")
    valueString: str = ""


class GrafanaPayload(Input):
    """Grafana alerting's webhook contact point (the same shape as Alertmanager's, with Grafana's links)."""

    receiver: str = ""
    status: AlertStatusName
    orgId: int | None = None
    alerts: list[GrafanaAlert] = Field(min_length=1, max_length=MAX_ALERTS)
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: str = ""
    version: str = ""
    groupKey: str = Field("", description="Identifies the notification group.")
    truncatedAlerts: int = Field(0, ge=0)
    title: str = ""
    state: str = ""
    message: str = ""


class GenericAlert(Input):
    key: str = Field(
        min_length=1,
        max_length=500,
        description="Identifies the alert: a firing with a key whose case is still open adds to it.",
    )
    status: AlertStatusName = "firing"
    title: str = Field("", max_length=500, description="The case's subject (default: the key).")
    description: str = Field("", max_length=20_000, description="Plain text or Markdown.")
    severity: str = Field(
        "", max_length=100, description="critical, major, warning, info, ... (the integration's map)."
    )
    labels: Labels = Field(
        default_factory=dict, description="Matched by the rules; `instance` names a configuration item."
    )
    url: str = Field("", max_length=2000, description="A link to the alert in the monitoring system.")

    @field_validator("key")
    @classmethod
    def _key_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("The key must not be blank.")
        return value.strip()


class GenericPayload(Input):
    """Supportal's own shape, for any monitoring system that can send JSON."""

    source: str = Field("", max_length=100, description="The sending system's name, shown on the case.")
    group: str = Field(
        "", max_length=500, description="A group key: with dedup by group, one case per group."
    )
    alerts: list[GenericAlert] = Field(min_length=1, max_length=MAX_ALERTS)


def openapi_schema(model: type[Input]) -> dict[str, Any]:
    """The model's JSON schema with its definitions inlined (the API document holds it as it is)."""
    schema = model.model_json_schema()
    definitions: dict[str, Any] = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(definitions[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    inlined: dict[str, Any] = inline(schema)
    return inlined
