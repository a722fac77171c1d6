"""What `supportal bench run` measures as `sla_tick`: one tick of the SLA sweep (`sla_sweep`), run in the
server process through a bench-only endpoint (`POST /_bench/sla_tick`), as the worker's periodic job
runs it every minute. Concurrent requests are concurrent sweeps: each marks a clock at most once.

The seeder writes cases as rows, without clocks. `prepare_clocks` (called by operations.prepare) gives
every open case that has none the clocks the services would have started at its creation (with its
current plan, type and priority; paused since its last activity when it is Awaiting Info or On Hold),
and marks the warnings and breaches already past as seen, as if earlier ticks had announced them. So a
tick does the steady-state work: two reads on the sweep's indexes, and the few clocks that come due
(among them those of the cases the other operations open).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportal.cases.lifecycle import State
from supportal.cases.models import Case
from supportal.sla.models import SlaClock
from supportal.sla.services import clocks, sla_sweep
from supportal.sla.services.follow import Facts
from supportal.sla.targeting import ChosenTarget
from supportal.sla.targets import Metric

if TYPE_CHECKING:
    from bench.operations import Operation

PATH = "/_bench/sla_tick"
BATCH = 2000
_PAUSED = (State.AWAITING_INFO, State.ON_HOLD)


@csrf_exempt
@require_POST
def tick(request: HttpRequest) -> JsonResponse:
    result = sla_sweep()
    return JsonResponse({"breached": result.breached, "warned": result.warned})


def sla_operations() -> tuple[Operation, ...]:
    from bench.operations import Operation

    return (Operation("sla_tick", "SLA scheduler tick", method="POST", paths=(PATH,), bodies=("{}",)),)


def prepare_clocks(now: datetime | None = None) -> int:
    """Clocks for the open cases that have none; returns how many cases got them."""
    now = now or timezone.now()
    missing = (
        Case.objects.filter(state__in=[State.NEW, State.OPEN, *_PAUSED])
        .exclude(Exists(SlaClock.objects.filter(case_id=OuterRef("pk"))))
        .values_list(
            "id", "created_at", "updated_at", "state", "case_type_id", "priority", "organisation__plan_id"
        )
        .order_by("id")
    )
    targets: dict[Facts, dict[Metric, ChosenTarget]] = {}
    rows: list[SlaClock] = []
    count = 0
    for case_id, created, updated, state, type_id, priority, plan_id in missing.iterator(chunk_size=BATCH):
        facts = Facts(plan_id, type_id, priority)
        if facts not in targets:
            targets[facts] = facts.targets()
        for metric in Metric:
            row = clocks.new_clock(case_id, metric, targets[facts][metric], created)
            if state in _PAUSED:
                clocks.pause(row, max(updated, created))
            if row.warn_at is not None and row.warn_at <= now:
                row.warned_at = row.warn_at
            if row.due_at is not None and row.due_at <= now:
                row.breached_at = row.due_at
            rows.append(row)
        count += 1
        if len(rows) >= BATCH:
            SlaClock.objects.bulk_create(rows)
            rows = []
    SlaClock.objects.bulk_create(rows)
    return count
