"""The demo's monitoring: Globex's Alertmanager opened an incident through the webhook's service and
counted its repeat; loading again delivers nothing."""

from __future__ import annotations

import pytest

from supportal.cases.models import Case, Channel, Priority
from supportal.channels.alerts.models import AlertPayload, AlertState, Outcome
from supportal.core.demo_alerts import EMAIL, load_demo_alerts
from supportal.core.demo_data import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_alert_is_an_incident_with_its_repeat_counted_and_loads_once() -> None:
    load_demo_data()
    case = Case.objects.get(channel=Channel.ALERT, filed_by__email=EMAIL)
    assert (case.organisation.name, case.case_type.code) == ("Globex Bank", "incident")
    assert case.priority == Priority.P2  # severity "major"
    assert case.config_item is not None and case.config_item.name == "glx-ob-app-01"
    assert case.team is not None and case.team.slug == "cloud-operations"
    assert case.requester == case.organisation.virtual_user
    assert AlertState.objects.get(case=case).firing_count == 2
    assert list(AlertPayload.objects.values_list("outcome", flat=True)) == [Outcome.PROCESSED] * 2
    assert load_demo_alerts() == 0 and AlertPayload.objects.count() == 2
