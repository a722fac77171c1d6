"""One alert (or group) against its open state: open a case, count a repeat, reopen after a flap,
record a recovery and resolve — always through the case services.

The rules (docs/alerts.md, "Deduplication"):

- No open state for the key: a firing opens a case (and an open state); a recovery is ignored.
- Firing while firing (a repeat): the count goes up; an `alert` event records it unless one was
  recorded less than the flap window ago (then only the count moves).
- Recovery while firing: an `alert` event records it; with resolve-on-recovery the case is resolved by
  the `recover` move, unless the alert is flapping (then the case stays open for an engineer).
- Firing after a recovery: within the flap window it is a flap (counted; a Resolved case is reopened by
  the integration's reply); later, a Resolved case is left alone and a new case opens, while a case
  still being worked on gets the firing recorded.
- A Closed case is final: a firing opens a new case that names it.

Concurrent deliveries of one key are safe: the open state is unique per organisation and key, so the
second inserter's unique violation rolls its attempt back and it retries as a repeat (PostgreSQL makes
it wait for the first to commit; SQLite has one writer at a time).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel, EventKind, Visibility
from supportal.cases.services import case_create, case_transition, comment_add, history
from supportal.channels.alerts.describe import description, subject
from supportal.channels.alerts.models import AlertState, AlertStatus
from supportal.channels.alerts.parse import FIRING, Unit
from supportal.channels.alerts.rules import config_item_candidates
from supportal.channels.alerts.services import Context, UnitResult, key_hash
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import DomainError

ATTEMPTS = 3  # a lost race on the open state is retried as a repeat
KEY_SHOWN = 300
RECOVERABLE = frozenset({State.NEW, State.OPEN, State.AWAITING_INFO, State.ON_HOLD})


def process_unit(ctx: Context, unit: Unit) -> UnitResult:
    """In its own transaction; a domain error (the plan refuses alerts, ...) fails this unit only."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _process(ctx, unit)
        except IntegrityError:
            if attempt + 1 == ATTEMPTS:
                raise
        except DomainError as error:
            return _result(unit, "failed", detail=error.detail, error=error)
    raise AssertionError("unreachable")  # pragma: no cover


def _result(
    unit: Unit,
    outcome: str,
    case: Case | None = None,
    state: AlertState | None = None,
    *,
    detail: str = "",
    error: DomainError | None = None,
) -> UnitResult:
    return UnitResult(
        key=unit.key[:KEY_SHOWN],
        status=unit.status,
        outcome=outcome,
        case=case.number if case is not None else None,
        count=state.firing_count if state is not None else 0,
        alerts=len(unit.alerts),
        detail=detail,
        error=error,
    )


def _process(ctx: Context, unit: Unit) -> UnitResult:
    state = (
        AlertState.objects.select_for_update(of=("self",))  # the case services lock the case themselves
        .select_related("case")
        .filter(organisation=ctx.organisation, key_hash=key_hash(unit.key), is_open=True)
        .first()
    )
    if state is None:
        if unit.status != FIRING:
            return _result(unit, "ignored", detail="No open case for this alert: nothing to recover.")
        return _open(ctx, unit)
    case = _current_case(state)
    if unit.status == FIRING:
        return _firing(ctx, unit, state, case)
    return _recovered(ctx, unit, state, case)


def _current_case(state: AlertState) -> Case:
    """The state's case, or the case it was merged into (agents merge duplicate alert cases)."""
    case = state.case
    assert case is not None, "an open state always has its case (both are made in one transaction)"
    for _ in range(10):  # merged cases are closed, so a chain is short
        if case.merged_into is None:
            break
        case = case.merged_into
    if case.pk != state.case_id:
        state.case = case
        state.save(update_fields=["case"])
    return case


def _open(ctx: Context, unit: Unit, previous: Case | None = None) -> UnitResult:
    now = ctx.now
    state = AlertState.objects.create(
        organisation=ctx.organisation,
        integration=ctx.integration,
        key_hash=key_hash(unit.key),
        key=unit.key,
        first_seen=now,
        last_seen=now,
        last_event_at=now,
    )  # a concurrent twin fails here (unique open state) and retries as a repeat
    decision = ctx.decide(unit)
    case = case_create(
        actor=ctx.actor,
        organisation=ctx.organisation,
        subject=subject(unit),
        description=description(unit, previous_case=previous.number if previous else ""),
        channel=Channel.ALERT,
        case_type=decision.case_type,
        urgency=decision.urgency,
        impact=decision.impact,
        priority=decision.priority,
        team=decision.team,
        config_item=_config_item(ctx, unit),
        filed_reason=f"Alert from {unit.notification.source_name}"[:300],
        visibility=Visibility.ORGANIZATION,  # the organisation's monitoring: its people may follow it
    )
    state.case = case
    state.save(update_fields=["case"])
    return _result(unit, "created", case, state, detail=f"Rule: {decision.rule}" if decision.rule else "")


def _config_item(ctx: Context, unit: Unit) -> ConfigItem | None:
    label = ctx.integration.config_item_label
    candidates = config_item_candidates(unit.labels.get(label, "")) if label else []
    if not candidates:
        return None
    return (
        ConfigItem.objects.filter(organisation=ctx.organisation, identifier__in=candidates, is_active=True)
        .order_by("id")
        .first()
    )


def _close(state: AlertState) -> None:
    state.is_open = False
    state.save(update_fields=["is_open", "status", "resolved_at", "last_seen"])


def _firing(ctx: Context, unit: Unit, state: AlertState, case: Case) -> UnitResult:
    now = ctx.now
    state.last_seen = now
    if case.state == State.CLOSED:
        _close(state)
        return _open(ctx, unit, previous=case)
    if state.status == AlertStatus.FIRING:  # a repeat
        state.firing_count += 1
        _count(ctx, unit, state, case, noisy=True)
        return _result(unit, "updated", case, state)
    recent = state.resolved_at is not None and now - state.resolved_at <= ctx.window
    if case.state == State.RESOLVED and not recent:
        _close(state)
        return _open(ctx, unit, previous=case)
    state.status = AlertStatus.FIRING
    state.firing_count += 1
    state.flap_count = state.flap_count + 1 if recent else 0
    if case.state == State.RESOLVED:  # flapped within the window: the integration's reply reopens it
        comment_add(
            actor=ctx.actor,
            case=case,
            body=f"The alert is firing again ({state.firing_count} firing notifications, "
            f"{state.flap_count} within {ctx.integration.flap_window_minutes} minutes of a recovery).",
            channel=Channel.ALERT,
        )
        _saved(state, recorded=True, now=now)
        return _result(unit, "reopened", case, state)
    _count(ctx, unit, state, case, noisy=recent)
    return _result(unit, "updated", case, state)


def _recovered(ctx: Context, unit: Unit, state: AlertState, case: Case) -> UnitResult:
    now = ctx.now
    state.last_seen = now
    if state.status == AlertStatus.RESOLVED:  # told twice
        _saved(state, recorded=False, now=now)
        return _result(unit, "ignored", case, state, detail="Recovered already.")
    state.status = AlertStatus.RESOLVED
    state.resolved_at = now
    if case.state == State.CLOSED:
        _close(state)
        return _result(unit, "ignored", case, state, detail="The case is closed.")
    flapping = state.flap_count > 0
    _count(ctx, unit, state, case, noisy=flapping, flapping=flapping)
    decision = ctx.decide(unit)
    if decision.resolve_on_recovery and not flapping and case.state in RECOVERABLE:
        case_transition(
            actor=ctx.recoverer,
            case=case,
            action=Action.RECOVER,
            channel=Channel.ALERT,
            reason=f"{unit.name or 'The alert'} recovered ({unit.notification.source_name}).",
        )
        return _result(unit, "resolved", case, state)
    return _result(unit, "recovered", case, state, detail="Flapping: left open." if flapping else "")


def _count(
    ctx: Context, unit: Unit, state: AlertState, case: Case, *, noisy: bool, flapping: bool = False
) -> None:
    """Record an `alert` event, unless this is noise within the flap window of the last one."""
    due = ctx.now - state.last_event_at >= ctx.window
    if noisy and not due:
        _saved(state, recorded=False, now=ctx.now)
        return
    history.record(
        case,
        EventKind.ALERT,
        actor=ctx.actor,
        channel=Channel.ALERT,
        data={
            "status": unit.status,
            "alertname": unit.name[:200],
            "count": state.firing_count,
            "flaps": state.flap_count,
            "notifications": state.unrecorded + 1,
            "flapping": flapping,
            "key": unit.key[:KEY_SHOWN],
        },
        publish_as="case.alert",
    )
    _saved(state, recorded=True, now=ctx.now)


def _saved(state: AlertState, *, recorded: bool, now: datetime) -> None:
    if recorded:
        state.unrecorded = 0
        state.last_event_at = now
    else:
        state.unrecorded += 1
    state.save()
