"""Receiving a monitoring system's webhook: store the body as it arrived, parse it, then let each alert
(or group) open, count on, reopen or resolve its case through the case services (dedup.py).

    receipt = alerts_receive(actor=integration_user, source="alertmanager", raw_body=request.body)

The actor is an organisation's integration user (its token is what the monitoring system sends); cases
land in that organisation, filed for its virtual user. A refused or malformed payload is still stored,
with the reason, and the error is raised for the adapter to answer (403, 400 or 422).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.accounts.services import system_user
from supportal.cases.models import CaseType
from supportal.channels.alerts.models import AlertIntegration, AlertPayload, AlertRule, Outcome, Source
from supportal.channels.alerts.parse import Unit, parse, units
from supportal.channels.alerts.rules import Decision, RuleSpec, decide, parse_matchers
from supportal.core.errors import DomainError, Forbidden, InvalidInput
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor, organisation_id_of

DEFAULT_CASE_TYPE = "incident"
ERROR_MAX = 2000


@dataclass
class UnitResult:
    """What became of one alert (or group): created, updated, reopened, resolved, recovered, ignored,
    failed; the case it is on and how many firing notifications it has had."""

    key: str
    status: str
    outcome: str
    case: str | None = None
    count: int = 0
    alerts: int = 1
    detail: str = ""
    error: DomainError | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "outcome": self.outcome,
            "case": self.case,
            "count": self.count,
            "alerts": self.alerts,
            "detail": self.detail,
        }


@dataclass
class Receipt:
    payload: int
    source: str
    outcome: str
    results: list[UnitResult]


@dataclass
class Context:
    """One payload's processing: who sends, for whom, by which settings, and when."""

    actor: User
    integration: AlertIntegration
    organisation: Organisation
    rules: list[RuleSpec]
    now: datetime

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.integration.flap_window_minutes)

    @cached_property
    def case_type(self) -> CaseType | None:
        """The integration's, else Incident (looked up only when a case is opened)."""
        default = CaseType.objects.filter(code=DEFAULT_CASE_TYPE, is_active=True)
        return self.integration.case_type or default.first()

    @property
    def recoverer(self) -> User:
        """The system actor that resolves a case when its alert recovers (a `recover` move)."""
        return system_user("alerts", "Monitoring alerts")

    def decide(self, unit: Unit) -> Decision:
        integration = self.integration
        return decide(
            unit,
            rules=self.rules,
            case_type=self.case_type,
            team=integration.team,
            severity_label=integration.severity_label or "severity",
            priorities=integration.priorities if isinstance(integration.priorities, dict) else {},
            resolve_on_recovery=integration.resolve_on_recovery,
        )


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def integration_for(actor: Actor) -> tuple[AlertIntegration, Organisation]:
    """The actor's alert integration (made with the defaults on first use) and its organisation.
    Forbidden for anyone but an organisation's integration user."""
    if getattr(actor, "kind", None) != UserKind.INTEGRATION or not actor.is_active:
        raise Forbidden(
            "Alert webhooks take an organisation's integration token; people and agents file cases "
            "through /api/v1/cases."
        )
    organisation_id = organisation_id_of(actor)
    organisation = (
        Organisation.objects.filter(pk=organisation_id).select_related("plan").first()
        if organisation_id is not None
        else None
    )
    if organisation is None:
        raise Forbidden("This integration user belongs to no organisation.")
    integration, _ = AlertIntegration.objects.select_related("team", "case_type").get_or_create(user=actor)
    return integration, organisation


def alerts_receive(*, actor: Actor, source: str, raw_body: bytes, now: datetime | None = None) -> Receipt:
    """Store, parse and process one webhook payload; see the module's docstring."""
    from supportal.channels.alerts.dedup import process_unit

    if source not in Source.values:
        raise InvalidInput(f"Unknown alert source {source!r}.", fields={"source": ["Unknown source."]})
    integration, organisation = integration_for(actor)
    payload = AlertPayload.objects.create(
        source=source,
        integration=integration,
        organisation=organisation,
        body=bytes(raw_body),
        size=len(raw_body),
        received_at=now or timezone.now(),
    )
    try:
        if not integration.is_active:
            raise Forbidden("This alert integration is switched off; an admin may switch it on.")
        if not organisation.is_active:
            raise Forbidden("The organisation is not active; its alerts open no cases.")
        notification = parse(source, raw_body)
    except DomainError as error:
        _finish(payload, Outcome.REJECTED, error=error.detail)
        raise
    context = Context(
        actor=actor,  # type: ignore[arg-type]  # an integration user, checked above
        integration=integration,
        organisation=organisation,
        rules=_rules(integration),
        now=now or timezone.now(),
    )
    payload.alerts = len(notification.alerts)
    results: list[UnitResult] = []
    try:
        for unit in units(notification, dedup_by=integration.dedup_by):
            results.append(process_unit(context, unit))
    except Exception as error:
        _finish(payload, Outcome.FAILED, error=f"{type(error).__name__}: {error}", results=results)
        raise
    failed = [result for result in results if result.outcome == "failed"]
    outcome = Outcome.PROCESSED if not failed else Outcome.PARTIAL
    if failed and len(failed) == len(results):
        outcome = Outcome.REJECTED
    _finish(payload, outcome, error="; ".join(r.detail for r in failed), results=results)
    if outcome == Outcome.REJECTED and failed[0].error is not None:
        raise failed[0].error
    return Receipt(payload=payload.pk, source=source, outcome=outcome, results=results)


def _rules(integration: AlertIntegration) -> list[RuleSpec]:
    specs = []
    for rule in AlertRule.objects.filter(integration=integration).select_related("case_type", "team"):
        specs.append(
            RuleSpec(
                name=rule.name,
                matchers=tuple(parse_matchers(rule.matchers)),
                case_type=rule.case_type,
                priority=rule.priority,
                team=rule.team,
                resolve_on_recovery=rule.resolve_on_recovery,
            )
        )
    return specs


def _finish(
    payload: AlertPayload, outcome: str, *, error: str = "", results: list[UnitResult] | None = None
) -> None:
    """Record what became of the payload (in its own transaction: it outlives a failed alert)."""
    payload.outcome = outcome
    payload.error = error.replace("\x00", "")[:ERROR_MAX]
    payload.results = [result.as_json() for result in results or []]
    payload.processed_at = timezone.now()
    with transaction.atomic():
        payload.save(update_fields=["outcome", "error", "results", "alerts", "processed_at"])
