"""The demo has SLA policies, clocks on every case, cases past their targets and two close to theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.core.demo_data import load_demo_data
from supportal.sla.clock import ClockStatus
from supportal.sla.display import clock_views
from supportal.sla.models import SlaClock, SlaPolicy

pytestmark = pytest.mark.django_db


def test_the_demo_shows_clocks_near_and_past_their_targets() -> None:
    load_demo_data()
    now = timezone.now()
    assert SlaPolicy.objects.filter(plan__code="standard", calendar__name="Office hours (Brussels)").exists()
    with_clocks = set(SlaClock.objects.values_list("case", flat=True))
    assert with_clocks == set(Case.objects.values_list("pk", flat=True))
    breached = CaseEvent.objects.filter(kind=EventKind.SLA_BREACHED)
    assert breached.count() >= 3  # the past days' unanswered and unresolved cases
    assert all(event.data["due_at"] < now.isoformat() for event in breached)
    for reference, left in (("DEMO-SLA-1", 5), ("DEMO-SLA-2", 10)):
        case = Case.objects.get(reference=reference)
        response = clock_views(case, now)[0]
        assert response.status == ClockStatus.RUNNING and response.warning, reference
        assert timedelta(0) < response.remaining <= timedelta(minutes=left), reference
        assert CaseEvent.objects.filter(case=case, kind=EventKind.SLA_WARNING).exists()
    met = [view for case in Case.objects.all() for view in clock_views(case, now) if view.status == "met"]
    assert met  # answered in time
