"""A catalog item's promised fulfilment time is its orders' resolution target (sla.targeting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from supportal.sla.models import SlaClock
from tests.catalog.conftest import Catalog, OrderMaker

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def test_the_promised_working_days_are_the_resolution_target(catalog: Catalog, order: OrderMaker) -> None:
    catalog.mailbox.fulfilment_days = 3
    catalog.mailbox.save()
    with time_machine.travel(T0, tick=False):
        promised = order(catalog.mailbox)
        plain = order(catalog.dns)  # no promise: the plan's (here the default) resolution target
    resolution = SlaClock.objects.get(case=promised, metric="resolution")
    assert resolution.due_at == T0 + timedelta(days=3)  # 24/7 by default: a business day is a day
    assert resolution.targets[-1]["label"].startswith("3 days")
    other = SlaClock.objects.get(case=plain, metric="resolution")  # On Hold, waiting for approval
    assert other.targets[-1]["seconds"] != resolution.targets[-1]["seconds"]
    response = SlaClock.objects.get(case=promised, metric="response")  # the other targets are the plan's
    assert (
        response.targets[-1]["seconds"]
        == SlaClock.objects.get(case=plain, metric="response").targets[-1]["seconds"]
    )
