"""The paging sweep's work depends on the due pages only: thousands of pages waiting with a deadline still
ahead add no query, because it reads through the partial index on the deadline of waiting pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from supportal.cases import services as case_services
from supportal.cases.models import Case, CaseType, Priority
from supportal.escalation.models import Page, PageRole, PageStatus
from supportal.escalation.services.paging import page_sweep, token_hash
from tests.conftest import Story
from tests.escalation.conftest import OnCall

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
T0 = datetime(2026, 5, 5, 12, tzinfo=UTC)
DUE = T0 + timedelta(minutes=15)
MANY = 3000


class Rollback(Exception):
    pass


def file_incidents(story: Story, capture: Capture, count: int, priority: str = Priority.P1) -> list[Case]:
    with time_machine.travel(T0, tick=False), capture(execute=True):
        return [
            case_services.case_create(
                actor=story.charlie,
                organisation=story.globex,
                subject=f"Outage {n}",
                channel="portal",
                case_type=CaseType.objects.get(code="incident"),
                priority=priority,
            )
            for n in range(count)
        ]


def waiting_pages(story: Story, on_call: OnCall, capture: Capture, count: int, first: int) -> None:
    """`count` incidents, copied row for row from one filed by the services, each with a page waiting
    until tomorrow."""
    [model] = file_incidents(story, capture, 1, priority=Priority.P3)
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname not in ("id", "number")]
    copies = Case.objects.bulk_create(
        [Case(number=f"2605{first + n:06d}", **{f: getattr(model, f) for f in fields}) for n in range(count)],
        batch_size=1000,
    )
    Page.objects.bulk_create(
        [
            Page(
                case_id=copy.pk,
                rota=on_call.rota,
                person=on_call.dana,
                role=PageRole.ON_CALL,
                step=1,
                chain_started_at=T0,
                token_hash=token_hash(secrets.token_urlsafe(16)),
                sent_at=T0,
                deadline=T0 + timedelta(days=1),
            )
            for copy in copies
        ],
        batch_size=1000,
    )


def tick(capture: Capture) -> tuple[int, int]:
    """(queries, pages handled) of one sweep at DUE, its after-commit work included; then undone, so the
    same due pages can be swept again."""
    try:
        with transaction.atomic():
            with (
                time_machine.travel(DUE, tick=False),
                CaptureQueriesContext(connection) as queries,
                capture(execute=True),
            ):
                handled = page_sweep(now=DUE)
            raise Rollback
    except Rollback:
        pass
    return len(queries), handled


def test_the_sweeps_work_does_not_grow_with_waiting_pages(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    capture = django_capture_on_commit_callbacks
    file_incidents(story, capture, 3)
    assert Page.objects.filter(status=PageStatus.PENDING, deadline=DUE).count() == 3
    waiting_pages(story, on_call, capture, 20, first=100_000)
    few = tick(capture)
    assert few[1] == 3
    waiting_pages(story, on_call, capture, MANY, first=200_000)
    assert Page.objects.filter(status=PageStatus.PENDING).count() == 3 + 20 + MANY
    many = tick(capture)
    assert many == few
    # And with none due, a tick is a single read.
    with CaptureQueriesContext(connection) as idle:
        assert page_sweep(now=T0) == 0
    assert len(idle) <= 3  # the transaction's savepoint, the read, its release
