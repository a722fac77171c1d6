"""The demo's SLA: a business-hours calendar and policies per plan, clocks for every demo case, two Globex
cases close to their targets, and a sweep so that the breaches of the past days are marked.

Called by `core.demo_cases.load_demo_cases` after the stories were spread over the past days: the clocks
are rebuilt from the re-dated histories (`sla_rebuild`), so they say what those days would have said.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Case, CaseEvent, CaseType, Channel, Comment
from supportal.cases.services import case_create
from supportal.notifications.models import Notification
from supportal.orgs.models import Organisation, SupportPlan
from supportal.sla.models import SlaCalendar, SlaPolicy, SlaTarget
from supportal.sla.services import sla_rebuild, sla_sweep

OFFICE = "Office hours (Brussels)"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# (organisation, requester, reference, subject, urgency, impact, minutes ago), in the order of their
# numbers: a Globex P2 (Premium: 24/7) with 10 minutes of its 60 left and an Acme P1 (Standard: 24/7 for a
# P1) with 5 of its 30, both past their warning.
NEAR = (
    ("Globex Bank", "priya@globex.example", "DEMO-SLA-2", "Statement exports are slow since this morning",
     "high", "medium", 50),
    ("Acme Logistics", "alice@acme.example", "DEMO-SLA-1", "The tracking portal times out for every driver",
     "high", "high", 25),
)  # fmt: skip


def load_demo_sla() -> None:
    """Idempotent: the configuration and the near cases are added once; clocks are rebuilt each time
    something was loaded (the caller skips this when nothing was)."""
    load_demo_policies()
    for case in Case.objects.order_by("id"):
        sla_rebuild(case)
    _near_cases()
    sla_sweep()


def load_demo_policies() -> None:
    office, _ = SlaCalendar.objects.get_or_create(
        name=OFFICE,
        defaults={
            "time_zone": "Europe/Brussels",
            "holiday_country": "BE",
            **dict.fromkeys(WEEKDAYS, "09:00-17:00"),
        },
    )
    always = SlaCalendar.objects.filter(builtin=True).first()
    plans = {plan.code: plan for plan in SupportPlan.objects.all()}
    if "free" in plans:  # email support in business hours
        SlaPolicy.objects.get_or_create(
            plan=plans["free"], case_type=None, priority="", defaults={"calendar": office}
        )
    if "standard" in plans:  # business hours, but a P1 is answered at any hour
        SlaPolicy.objects.get_or_create(
            plan=plans["standard"], case_type=None, priority="", defaults={"calendar": office}
        )
        SlaPolicy.objects.get_or_create(
            plan=plans["standard"], case_type=None, priority="P1", defaults={"calendar": always}
        )
    incident = CaseType.objects.filter(code="incident").first()
    if "premium" in plans and incident is not None:  # 24/7; a P1 incident is answered in 15 minutes
        policy, created = SlaPolicy.objects.get_or_create(
            plan=plans["premium"], case_type=incident, priority="P1", defaults={"warning_percent": 60}
        )
        if created:
            SlaTarget.objects.create(policy=policy, metric="response", minutes=15)
            SlaTarget.objects.create(policy=policy, metric="workaround", minutes=4 * 60)


def _near_cases() -> None:
    general = CaseType.objects.filter(code="general-request").first()
    for name, email, reference, subject, urgency, impact, minutes in NEAR:
        organisation = Organisation.objects.filter(name=name).first()
        requester = User.objects.filter(email=email).first()
        if organisation is None or requester is None:
            continue
        if Case.objects.filter(organisation=organisation, reference=reference).exists():
            continue
        case = case_create(
            actor=requester, organisation=organisation, subject=subject, channel=Channel.PORTAL,
            description="Opened a few minutes before the demo started.", reference=reference,
            urgency=urgency, impact=impact, case_type=general,
        )  # fmt: skip
        _move_back(case, timedelta(minutes=minutes))
        sla_rebuild(case)


def _move_back(case: Case, delta: timedelta) -> None:
    """Date what was just written about `case` `delta` earlier (the demo's clock, like demo_timeline), but
    not before the cases opened before it: numbers follow the time of creation."""
    now = timezone.now()
    latest = Case.objects.exclude(pk=case.pk).aggregate(latest=Max("created_at"))["latest"]
    if latest is not None:
        delta = max(min(delta, now - latest - timedelta(seconds=1)), timedelta(0))
    CaseEvent.objects.filter(case=case).update(at=F("at") - delta)
    Comment.objects.filter(case=case).update(created_at=F("created_at") - delta)
    # The in-app notifications of these events are written after the commit, at the events' new times.
    transaction.on_commit(functools.partial(_date_notifications, case.pk))
    Case.objects.filter(pk=case.pk).update(created_at=now - delta, updated_at=now - delta)


def _date_notifications(case_id: int) -> None:
    for notification in Notification.objects.filter(case_id=case_id, event__isnull=False).select_related(
        "event"
    ):
        Notification.objects.filter(pk=notification.pk).update(created_at=notification.event.at)  # type: ignore[union-attr]
