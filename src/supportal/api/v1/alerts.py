"""/api/v1/alerts: monitoring systems' webhooks (Prometheus Alertmanager, Grafana, a generic shape).

Only an organisation's integration user may call them (its token, as `Authorization: Bearer`); cases
land in that organisation. The body is read as it arrived (`request.body`) and stored before it is
parsed, so the operations take no body parameter: the documented body is given to the OpenAPI
document as it is. See docs/alerts.md.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from supportal.api.v1.auth import ApiRateThrottle, actor_of
from supportal.api.v1.errors import errors
from supportal.channels.alerts import formats
from supportal.channels.alerts.services import Receipt, alerts_receive


class AlertRateThrottle(ApiRateThrottle):
    """Alert webhooks have a budget of their own, per token (settings.API_ALERT_RATE_LIMIT, 6000 a minute;
    a rate set on the token wins), far above the API's: Alertmanager never retries a 4xx, so a 429 loses
    the alerts, and its grouping keeps a healthy sender well below."""

    scope = "alerts"
    setting = "API_ALERT_RATE_LIMIT"


router = Router(tags=["alerts"], throttle=[AlertRateThrottle()])

Outcome = Literal["created", "updated", "reopened", "resolved", "recovered", "ignored", "failed"]


class AlertResultOut(Schema):
    key: str = Field(description="`alert:<fingerprint>` or `group:<group key>`: what was deduplicated.")
    status: Literal["firing", "resolved"]
    outcome: Outcome = Field(
        description="created: a new case; updated: counted on its open case; reopened: a Resolved case "
        "reopened (it flapped); resolved: recovered and the case resolved; recovered: recorded, the case "
        "left as it is; ignored: nothing to do; failed: see `detail`."
    )
    case: str | None = Field(description="The case's number.")
    count: int = Field(description="Firing notifications received for it so far.")
    alerts: int = Field(description="Alerts in this unit (a group has several).")
    detail: str


class AlertsReceivedOut(Schema):
    payload: int = Field(description="The stored payload's id (kept as it arrived).")
    outcome: Literal["processed", "partial"] = Field(description="partial: some alerts failed.")
    results: list[AlertResultOut]


def _body(model: type[formats.Input]) -> dict[str, Any]:
    schema = formats.openapi_schema(model)
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _receive(request: HttpRequest, source: str) -> AlertsReceivedOut:
    receipt: Receipt = alerts_receive(actor=actor_of(request), source=source, raw_body=request.body)
    return AlertsReceivedOut(
        payload=receipt.payload,
        outcome="partial" if receipt.outcome == "partial" else "processed",
        results=[AlertResultOut(**result.as_json()) for result in receipt.results],
    )


@router.post(
    "/alertmanager",
    response={200: AlertsReceivedOut, **errors()},
    summary="Receive Alertmanager alerts",
    openapi_extra=_body(formats.AlertmanagerPayload),
)
def alertmanager(request: HttpRequest) -> AlertsReceivedOut:
    """Prometheus Alertmanager's webhook (`webhook_configs`, payload version 4). A body that is not JSON
    answers 400, one of the wrong shape or version 422; it is stored either way."""
    return _receive(request, "alertmanager")


@router.post(
    "/grafana",
    response={200: AlertsReceivedOut, **errors()},
    summary="Receive Grafana alerts",
    openapi_extra=_body(formats.GrafanaPayload),
)
def grafana(request: HttpRequest) -> AlertsReceivedOut:
    """Grafana alerting's webhook contact point."""
    return _receive(request, "grafana")


@router.post(
    "/generic",
    response={200: AlertsReceivedOut, **errors()},
    summary="Receive alerts (generic JSON)",
    openapi_extra=_body(formats.GenericPayload),
)
def generic(request: HttpRequest) -> AlertsReceivedOut:
    """Any monitoring system: `{"alerts": [{"key", "status", "title", "description", "severity",
    "labels", "url"}]}`; `key` identifies an alert across notifications."""
    return _receive(request, "generic")
