"""SLA policies per plan, type and priority: the most specific wins, target by target; calendars with
business hours and holidays; a plan change re-targets the organisation's open cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from supportal.cases.models import CaseType
from supportal.orgs.models import SupportPlan
from supportal.sla.models import SlaCalendar, SlaClock, SlaPolicy, SlaTarget
from supportal.sla.services import sla_rebuild, sla_retarget_organisation
from supportal.sla.targeting import targets_for
from supportal.sla.targets import Metric, TargetLength
from tests.cases.conftest import CaseMaker, move, reply
from tests.conftest import Story

BRUSSELS = ZoneInfo("Europe/Brussels")
HOUR = timedelta(hours=1)


def office(name: str = "Brussels office") -> SlaCalendar:
    return SlaCalendar.objects.create(
        name=name, time_zone="Europe/Brussels", holiday_country="BE", closed_dates="2026-12-24\n2026-12-31",
        **dict.fromkeys(["mon", "tue", "wed", "thu", "fri"], "09:00-17:00"),
    )  # fmt: skip


def bxl(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)  # type: ignore[misc]


def test_nothing_configured_gives_the_default_table_on_24_7(story: Story) -> None:
    chosen = targets_for(plan_id=story.standard.pk, case_type_id=None, priority="P1")
    assert {m: str(t.length) for m, t in chosen.items()} == {
        Metric.RESPONSE: "30 min",
        Metric.WORKAROUND: "8 h",
        Metric.RESOLUTION: "8 h",
    }
    assert {t.calendar["name"] for t in chosen.values()} == {"24/7"}
    assert {t.warn for t in chosen.values()} == {0.75}


def test_the_most_specific_policy_wins_target_by_target(story: Story) -> None:
    incident = CaseType.objects.get(code="incident")
    hours = office()
    plan = SlaPolicy.objects.create(plan=story.standard, calendar=hours, warning_percent=80)
    SlaTarget.objects.create(policy=plan, metric="resolution", days=3)
    p1 = SlaPolicy.objects.create(plan=story.standard, priority="P1")
    SlaTarget.objects.create(policy=p1, metric="response", minutes=20)
    p1_incident = SlaPolicy.objects.create(
        plan=story.standard, priority="P1", case_type=incident, warning_percent=50
    )
    always = SlaCalendar.objects.get(builtin=True)
    SlaTarget.objects.create(policy=p1_incident, metric="response", minutes=10, calendar=always)
    SlaPolicy.objects.create(plan=story.premium, priority="P1")  # another plan's: not looked at

    chosen = targets_for(plan_id=story.standard.pk, case_type_id=incident.pk, priority="P1")
    assert chosen[Metric.RESPONSE].length == TargetLength(minutes=10)
    assert chosen[Metric.RESPONSE].calendar["name"] == "24/7"  # the built-in one is 24/7 too
    assert chosen[Metric.RESPONSE].policy_id == p1_incident.pk
    assert chosen[Metric.WORKAROUND].length == TargetLength(minutes=8 * 60)  # the default
    assert chosen[Metric.WORKAROUND].calendar["name"] == "Brussels office"  # the plan's calendar
    assert chosen[Metric.RESOLUTION].length == TargetLength(days=3)
    assert {t.warn for t in chosen.values()} == {0.5}
    other = targets_for(plan_id=story.standard.pk, case_type_id=None, priority="P1")
    assert (other[Metric.RESPONSE].length.minutes, other[Metric.RESPONSE].warn) == (20, 0.8)
    assert SlaPolicy.objects.get(pk=p1_incident.pk).specificity > p1.specificity > plan.specificity


def test_a_calendar_that_cannot_work_is_refused() -> None:
    for bad in (
        {"time_zone": "Mars/Olympus", "mon": "09:00-17:00"},
        {"time_zone": "UTC"},  # never open
        {"time_zone": "UTC", "mon": "09:00-12:00, 11:00-13:00"},
        {"time_zone": "UTC", "mon": "9 to 5"},
        {"time_zone": "UTC", "mon": "09:00-17:00", "holiday_country": "XX"},
        {"time_zone": "UTC", "mon": "09:00-17:00", "closed_dates": "next friday"},
    ):
        with pytest.raises(ValidationError):
            SlaCalendar(name="Bad", **bad).clean()
    SlaCalendar(name="Good", time_zone="Europe/London", mon="09:00-12:30, 13:30-17:00", holiday_country="GB",
                holiday_subdivision="SCT").clean()  # fmt: skip


def test_clocks_run_in_business_hours_and_skip_holidays(story: Story, cases: CaseMaker) -> None:
    SlaPolicy.objects.create(plan=story.standard, calendar=office())
    with time_machine.travel(bxl(2026, 12, 23, 16, 0), tick=False):  # Wednesday 16:00
        case = cases(urgency="medium", impact="low")  # P3: 4 h response, 5 business days
    response = SlaClock.objects.get(case=case, metric="response")
    # 1 h on Wednesday, closed on the 24th (closed date), 25th (Christmas) and the weekend: Monday 12:00.
    assert response.due_at == bxl(2026, 12, 28, 12, 0)
    assert response.targets[0]["calendar"]["name"] == "Brussels office"
    resolution = SlaClock.objects.get(case=case, metric="resolution")
    # Five business days of 8 h: Wed 1 h, Mon 28, Tue 29, Wed 30 (31st closed, 1 Jan), Mon 4, Tue 5 16:00.
    assert resolution.due_at == bxl(2027, 1, 5, 16, 0)


def test_a_calendar_edited_later_does_not_move_running_clocks(story: Story, cases: CaseMaker) -> None:
    hours = office()
    SlaPolicy.objects.create(plan=story.standard, calendar=hours)
    with time_machine.travel(bxl(2026, 3, 2, 9, 0), tick=False):
        case = cases(urgency="medium", impact="low")
    before = SlaClock.objects.get(case=case, metric="response").due_at
    hours.mon = "09:00-10:00"
    hours.save()
    with time_machine.travel(bxl(2026, 3, 2, 10, 0), tick=False):
        reply(case, story.alice, "More details.")  # a change that does not concern the target
    assert SlaClock.objects.get(case=case, metric="response").due_at == before == bxl(2026, 3, 2, 13, 0)


def test_a_new_plan_retargets_the_organisations_running_clocks(story: Story, cases: CaseMaker) -> None:
    gold = SupportPlan.objects.create(code="gold", name="Gold", channels=["portal"])
    SlaTarget.objects.create(
        policy=SlaPolicy.objects.create(plan=gold, priority="P3"), metric="response", minutes=60
    )
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(t0, tick=False):
        running = cases(urgency="medium", impact="low")
        answered = cases(urgency="medium", impact="low")
        reply(answered, story.dana, "Hello.")
        globex = cases(story.charlie, urgency="medium", impact="low")
    story.acme.plan = gold
    story.acme.save()
    assert sla_retarget_organisation(organisation=story.acme, at=t0 + HOUR / 2) == 1
    assert SlaClock.objects.get(case=running, metric="response").due_at == t0 + HOUR
    assert SlaClock.objects.get(case=running, metric="response").targets[-1]["reason"] == "plan Gold"
    assert SlaClock.objects.get(case=answered, metric="response").stopped_by == "reply"
    assert SlaClock.objects.get(case=globex, metric="response").due_at == t0 + 4 * HOUR


def test_rebuilding_from_the_history_gives_the_same_clocks(story: Story, cases: CaseMaker) -> None:
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(t0, tick=False) as traveller:
        case = cases(urgency="medium", impact="low")
        move(case, story.dana, "take")
        traveller.shift(HOUR)
        move(case, story.dana, "ask-info")
        traveller.shift(HOUR)
        reply(case, story.alice, "Logs attached.")
        traveller.shift(HOUR)
        from supportal.cases import services

        services.case_update(actor=story.dana, case=case, channel="portal", priority="P2")
        traveller.shift(HOUR)
        move(case, story.dana, "resolve", comment="Fixed.")
        move(case, story.alice, "reject", reason="Not fixed.")
    fields = ("metric", "phase", "started_at", "targets", "pauses", "stopped_at", "stopped_by", "due_at",
              "warn_at", "breached_at")  # fmt: skip
    live = list(SlaClock.objects.filter(case=case).order_by("metric").values_list(*fields))
    sla_rebuild(case)
    assert list(SlaClock.objects.filter(case=case).order_by("metric").values_list(*fields)) == live
