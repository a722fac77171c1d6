"""The sweep's work per tick depends on the due clocks only: thousands of open cases with clocks far from
due add no query and no row touched, because it reads through the partial indexes on due and warning
times. (How long a tick takes belongs to the bench: `supportal bench run`, operation sla_tick.)"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportal.accounts.services import system_user
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.sla.models import SlaClock
from supportal.sla.services import sla_sweep
from supportal.sla.services.sweep import SYSTEM_ACTOR, to_breach, to_warn
from tests.cases.conftest import CaseMaker
from tests.conftest import Story

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NOW = T0 + HOUR
MANY = 5000


def due_cases(cases: CaseMaker, count: int) -> list[Case]:
    """P3 cases opened 5 h before NOW: their 4-hour response target breached an hour ago."""
    with time_machine.travel(NOW - 5 * HOUR, tick=False):
        return [cases(subject=f"Due {n}", urgency="medium", impact="low") for n in range(count)]


def far_cases(cases: CaseMaker, count: int, first: int) -> None:
    """`count` open P4 cases opened at T0 (nothing due before T0 + 18 h), copied row for row from one made
    by the services, with their clocks."""
    with time_machine.travel(T0, tick=False):
        model = cases(subject="Far", urgency="low", impact="low")
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "number")]
    copies = Case.objects.bulk_create(
        [Case(number=f"2603{first + n:06d}", **{f: getattr(model, f) for f in fields}) for n in range(count)],
        batch_size=1000,
    )
    clocks = list(SlaClock.objects.filter(case=model))
    clock_fields = [f.attname for f in SlaClock._meta.concrete_fields if f.attname not in ("id", "case_id")]
    SlaClock.objects.bulk_create(
        [
            SlaClock(case_id=copy.pk, **{f: getattr(clock, f) for f in clock_fields})
            for copy in copies
            for clock in clocks
        ],
        batch_size=1000,
    )


def tick(capture: Capture, at: datetime) -> tuple[int, int, int]:
    """(queries, clocks breached, clock rows written) of one sweep, its after-commit work included."""
    with (
        time_machine.travel(at, tick=False),
        CaptureQueriesContext(connection) as queries,
        capture(execute=True),
    ):
        result = sla_sweep(at)
    touched = SlaClock.objects.filter(updated_at=at).count()
    return len(queries), result.breached, touched


def test_the_sweeps_work_does_not_grow_with_open_cases(
    story: Story, cases: CaseMaker, django_capture_on_commit_callbacks: Capture
) -> None:
    system_user(*SYSTEM_ACTOR)  # made on first use: not part of a tick's work
    due_cases(cases, 3)
    far_cases(cases, 20, first=500_000)
    few = tick(django_capture_on_commit_callbacks, NOW)
    assert few[1:] == (3, 3)

    due_cases(cases, 3)
    far_cases(cases, MANY, first=600_000)
    assert SlaClock.objects.count() > 3 * MANY
    later = NOW + timedelta(minutes=1)
    many = tick(django_capture_on_commit_callbacks, later)
    assert many == (few[0], 3, 3)  # the same queries, three clocks marked, three rows written
    assert CaseEvent.objects.filter(kind=EventKind.SLA_BREACHED).count() == 6
    again = tick(django_capture_on_commit_callbacks, later + timedelta(minutes=1))
    assert again[1:] == (0, 0) and again[0] < many[0]  # nothing twice


def test_the_sweep_reads_through_its_indexes(story: Story, cases: CaseMaker) -> None:
    due_cases(cases, 1)
    far_cases(cases, 2000, first=700_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sla_slaclock")
    breach_plan = to_breach(NOW).order_by("due_at", "id").explain()
    warn_plan = to_warn(NOW).order_by("warn_at", "id").explain()
    assert "sla_clock_to_breach" in breach_plan, breach_plan
    assert "sla_clock_to_warn" in warn_plan, warn_plan
