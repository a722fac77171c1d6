"""Clocks follow the case's history: `cases.services.history.record` calls `clocks_follow` for every
event, inside the transaction of the change (the case row is locked by its service), so the clocks are
exactly as current as the case. `apply_event` is the one place that says which event does what; the
rebuild (`sla.services.rebuild`) replays a case's whole history through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportal.cases.lifecycle import State
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.orgs.models import Organisation
from supportal.sla.models import SlaClock
from supportal.sla.services import clocks
from supportal.sla.targeting import ChosenTarget, targets_for
from supportal.sla.targets import Metric

PAUSING = frozenset({State.AWAITING_INFO.value, State.ON_HOLD.value})
# The events that may change a clock; anything else costs no query.
_KINDS = frozenset({
    EventKind.CREATED, EventKind.COMMENTED, EventKind.STATE_CHANGED, EventKind.PRIORITY_CHANGED,
    EventKind.FIELD_CHANGED, EventKind.WORKAROUND, EventKind.CHAT,
})  # fmt: skip


@dataclass(frozen=True)
class Facts:
    """What a case's targets depend on."""

    plan_id: int
    case_type_id: int | None
    priority: str
    request_type_id: int | None = None

    def targets(self) -> dict[Metric, ChosenTarget]:
        return targets_for(
            plan_id=self.plan_id,
            case_type_id=self.case_type_id,
            priority=self.priority,
            request_type_id=self.request_type_id,
        )


def facts_of(case: Case) -> Facts:
    if "organisation" in case._state.fields_cache:
        plan_id = case.organisation.plan_id
    else:
        plan_id = Organisation.objects.values_list("plan_id", flat=True).get(pk=case.organisation_id)
    return Facts(
        plan_id=plan_id,
        case_type_id=case.case_type_id,
        priority=case.priority,
        request_type_id=case.request_type_id,
    )


def concerns_clocks(kind: str, data: dict[str, Any], *, public: bool, by_agent: bool) -> bool:
    if kind not in _KINDS:
        return False
    if kind == EventKind.COMMENTED:
        return public and by_agent
    if kind == EventKind.FIELD_CHANGED:
        return data.get("field") == "case_type"
    return True


def clocks_follow(case: Case, event: CaseEvent, *, by_agent: bool) -> None:
    """Bring the case's clocks up to date with one new event (inside its transaction)."""
    if not concerns_clocks(event.kind, event.data, public=event.public, by_agent=by_agent):
        return
    if event.kind == EventKind.CREATED:
        chosen = facts_of(case).targets()
        SlaClock.objects.bulk_create([clocks.new_clock(case.pk, m, chosen[m], event.at) for m in Metric])
        return
    rows = {row.metric: row for row in SlaClock.objects.select_for_update().filter(case_id=case.pk)}
    if not rows:
        return  # a case older than its clocks (see sla.services.rebuild)
    unbreached = {metric for metric, row in rows.items() if row.breached_at is None}
    changed = apply_event(
        rows, kind=event.kind, data=event.data, at=event.at, public=event.public, by_agent=by_agent,
        facts=lambda: facts_of(case),
    )  # fmt: skip
    if changed:
        SlaClock.objects.bulk_update(changed, clocks.SAVED_FIELDS)
        late = [row for row in changed if row.metric in unbreached and row.breached_at is not None]
        if late:
            _record_late_breaches(case, late)


def _record_late_breaches(case: Case, rows: list[SlaClock]) -> None:
    """A clock stopped after its due time that the sweep had not marked yet (it runs once a minute, or the
    worker was down): the breach is recorded now, as the sweep would have, so that nobody misses it."""
    from supportal.sla.services.sweep import record_mark

    for row in rows:
        record_mark(case, row, breach=True)


def apply_event(
    rows: dict[str, SlaClock],
    *,
    kind: str,
    data: dict[str, Any],
    at: datetime,
    public: bool,
    by_agent: bool,
    facts: Callable[[], Facts],
) -> list[SlaClock]:
    """Apply one event to the clocks in `rows` (by metric); returns those it changed."""
    changed: list[SlaClock] = []

    def each(step: Callable[[SlaClock], bool], metrics: Iterable[str] | None = None) -> None:
        for metric, row in rows.items():
            if (metrics is None or metric in metrics) and step(row) and row not in changed:
                changed.append(row)

    answered_live = kind == EventKind.CHAT and bool(data.get("agent_replied"))  # the chat was the reply
    if (kind == EventKind.COMMENTED or answered_live) and public and by_agent:
        each(lambda row: clocks.stop(row, at, clocks.BY_REPLY), [Metric.RESPONSE.value])
    elif kind == EventKind.WORKAROUND:
        each(lambda row: clocks.stop(row, at, clocks.BY_WORKAROUND), [Metric.WORKAROUND.value])
    elif kind == EventKind.STATE_CHANGED:
        old, new = str(data.get("old")), str(data.get("new"))
        if new in PAUSING:
            each(lambda row: clocks.pause(row, at))
        elif new == State.RESOLVED:
            each(lambda row: clocks.stop(row, at, clocks.BY_RESOLUTION))
        elif new == State.CLOSED:
            each(lambda row: clocks.stop(row, at, clocks.BY_CLOSE))
        elif new == State.OPEN and old in PAUSING:
            each(lambda row: clocks.resume(row, at))
        elif new == State.OPEN and old == State.RESOLVED:
            each(lambda row: clocks.reopen(row, at))
            if changed:  # the priority or type may have changed while it was Resolved
                chosen = facts().targets()
                each(lambda row: clocks.retarget(row, chosen[Metric(row.metric)], at, "reopened"))
    elif kind in (EventKind.PRIORITY_CHANGED, EventKind.FIELD_CHANGED):
        chosen = facts().targets()
        reason = (
            f"priority {data.get('old')} → {data.get('new')}"
            if kind == EventKind.PRIORITY_CHANGED
            else "case type changed"
        )
        each(lambda row: clocks.retarget(row, chosen[Metric(row.metric)], at, reason))
    return changed
