"""Clocks made again from a case's history, and re-targeting when an organisation's plan changes.

`sla_rebuild(case)` replays the case's events through `follow.apply_event`, as they were written, with
the policies in force now: for cases opened before the SLA clocks existed, and for the demo, whose
history is re-dated after it is written. Breaches and warnings already in the history stay marked, so
the sweep does not announce them again; those not yet in it are announced by the next sweep.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import UserKind
from supportal.cases.models import Case, CaseEvent, CaseType, EventKind
from supportal.orgs.models import Organisation
from supportal.sla.models import ClockPhase, SlaClock
from supportal.sla.records import instant
from supportal.sla.services import clocks
from supportal.sla.services.follow import Facts, apply_event, concerns_clocks, facts_of
from supportal.sla.targeting import ChosenTarget
from supportal.sla.targets import Metric

_MARKS = {EventKind.SLA_BREACHED: "breached_at", EventKind.SLA_WARNING: "warned_at"}
RETARGET_BATCH = 500


def sla_rebuild(case: Case) -> list[SlaClock]:
    """Replace the case's clocks with those its history makes (none without a `created` event)."""
    events = CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("id")
    facts = facts_of(case)
    types = dict(CaseType.objects.values_list("code", "id"))
    rows: dict[str, SlaClock] = {}
    for event in events:
        data = event.data or {}
        if event.kind == EventKind.CREATED:
            facts = Facts(
                facts.plan_id,
                types.get(str(data.get("type")), case.case_type_id),
                str(data.get("priority")),
                case.request_type_id,
            )
            chosen = facts.targets()
            rows = {m.value: clocks.new_clock(case.pk, m, chosen[m], event.at) for m in Metric}
            continue
        if not rows:
            continue
        if event.kind == EventKind.PRIORITY_CHANGED:
            facts = replace(facts, priority=str(data.get("new")))
        elif event.kind == EventKind.FIELD_CHANGED and data.get("field") == "case_type":
            facts = replace(facts, case_type_id=data.get("new"))
        elif event.kind in _MARKS and str(data.get("metric")) in rows:
            moment = instant(str(data["at"])) if data.get("at") else event.at
            setattr(rows[str(data["metric"])], _MARKS[EventKind(event.kind)], moment)
            continue
        by_agent = (
            event.actor is not None and event.actor.kind == UserKind.AGENT and event.on_behalf_of_id is None
        )
        if concerns_clocks(event.kind, data, public=event.public, by_agent=by_agent):
            apply_event(
                rows, kind=event.kind, data=data, at=event.at, public=event.public, by_agent=by_agent,
                facts=functools.partial(lambda known: known, facts),
            )  # fmt: skip
    with transaction.atomic():
        SlaClock.objects.filter(case_id=case.pk).delete()
        return SlaClock.objects.bulk_create(rows.values())


def sla_rebuild_all(cases: Iterable[Case]) -> int:
    count = 0
    for case in cases:
        count += bool(sla_rebuild(case))
    return count


def sla_retarget_organisation(*, organisation: Organisation, at: datetime | None = None) -> int:
    """Re-target the running and paused clocks of the organisation's cases to its (new) plan's policies.
    Returns the clocks changed."""
    at = at or timezone.now()
    cache: dict[tuple[int | None, str, int | None], dict[Metric, ChosenTarget]] = {}
    changed = 0
    with transaction.atomic():
        rows = (
            SlaClock.objects.select_for_update(of=("self",))
            .filter(case__organisation_id=organisation.pk)
            .exclude(phase=ClockPhase.STOPPED)
            .select_related("case")
            .order_by("id")
        )
        batch: list[SlaClock] = []
        for row in rows.iterator(chunk_size=RETARGET_BATCH):
            key = (row.case.case_type_id, row.case.priority, row.case.request_type_id)
            if key not in cache:
                cache[key] = Facts(organisation.plan_id, *key).targets()
            if clocks.retarget(row, cache[key][Metric(row.metric)], at, f"plan {organisation.plan}"):
                batch.append(row)
            if len(batch) >= RETARGET_BATCH:
                SlaClock.objects.bulk_update(batch, clocks.SAVED_FIELDS)
                changed, batch = changed + len(batch), []
        SlaClock.objects.bulk_update(batch, clocks.SAVED_FIELDS)
    return changed + len(batch)
