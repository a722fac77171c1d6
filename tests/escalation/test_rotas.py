"""Overrides: who may put whom on call, what is refused, and the override holder is the one paged.

The clock is frozen on Tuesday 5 May 2026, 12:00 UTC: Gus's week on the Service Desk rota.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from supportal.accounts.models import User
from supportal.audit.models import AuditRecord
from supportal.cases import services as case_services
from supportal.cases.models import CaseType, Priority
from supportal.core.errors import Forbidden, InvalidInput
from supportal.escalation.models import Page, RotaOverride
from supportal.escalation.services.paging import page_sweep
from supportal.escalation.services.rotas import override_create, override_remove
from tests.conftest import Story
from tests.escalation.conftest import OnCall

Capture = Callable[..., Any]
pytestmark = pytest.mark.django_db
NOON = datetime(2026, 5, 5, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOON, tick=False):
        yield


def cover(
    on_call: OnCall,
    actor: Any,
    user: User,
    start: datetime = NOON - HOUR,
    end: datetime = NOON + 2 * HOUR,
    reason: str = "Swap",
) -> RotaOverride:
    return override_create(
        actor=actor, channel="web", rota=on_call.rota, user=user, starts_at=start, ends_at=end, reason=reason
    )


def test_leads_and_admins_put_anyone_on_call_members_only_themselves(story: Story, on_call: OnCall) -> None:
    assert cover(on_call, on_call.lena, story.dana).created_by == on_call.lena
    assert cover(on_call, story.erin, story.frank).user == story.frank  # an agent outside the rota
    assert cover(on_call, story.dana, story.dana).user == story.dana
    refused = [
        (story.dana, on_call.gus),  # a member for someone else
        (story.frank, story.frank),  # an agent not on the rota, for himself
        (story.charlie, story.charlie),  # a customer
        (story.charlie, story.dana),
    ]
    for actor, user in refused:
        with pytest.raises(Forbidden):
            cover(on_call, actor, user)
    assert RotaOverride.objects.count() == 3
    record = AuditRecord.objects.filter(action="rota.override_added").order_by("id").first()
    assert record is not None and record.new is not None
    assert (record.new["user"], record.new["team"]) == (story.dana.email, "Service Desk")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": NOON - 2 * HOUR}, "ends_at"),  # ends before it starts
        ({"end": NOON - HOUR}, "ends_at"),  # empty
        ({"start": NOON - 3 * HOUR, "end": NOON - HOUR}, "ends_at"),  # over already
        ({"end": NOON + timedelta(days=91)}, "ends_at"),  # too long
        ({"reason": "x" * 201}, "reason"),
    ],
)
def test_invalid_overrides_are_refused_with_the_field_named(
    story: Story, on_call: OnCall, change: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {"start": NOON - HOUR, "end": NOON + 2 * HOUR, "reason": "Swap"} | change
    with pytest.raises(InvalidInput) as error:
        cover(on_call, on_call.lena, story.dana, arguments["start"], arguments["end"], arguments["reason"])
    assert field in error.value.fields
    assert not RotaOverride.objects.exists()


def test_only_an_active_agent_can_be_put_on_call(story: Story, on_call: OnCall) -> None:
    with pytest.raises(InvalidInput) as error:
        cover(on_call, story.erin, story.charlie)
    assert "user" in error.value.fields
    on_call.gus.is_active = False
    on_call.gus.save()
    with pytest.raises(InvalidInput):
        cover(on_call, story.erin, on_call.gus)


def test_the_override_holder_is_paged_then_the_scheduled_member(
    story: Story, on_call: OnCall, django_capture_on_commit_callbacks: Capture
) -> None:
    cover(on_call, on_call.lena, story.frank)
    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_create(
            actor=story.charlie, organisation=story.globex, subject="The payment gateway is down",
            channel="portal", case_type=CaseType.objects.get(code="incident"), priority=Priority.P1,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        page_sweep(now=NOON + timedelta(minutes=15))
    people = list(Page.objects.filter(case=case).order_by("id").values_list("person_id", "role"))
    assert people == [(story.frank.pk, "on_call"), (on_call.gus.pk, "next")]


def test_removing_an_override(story: Story, on_call: OnCall) -> None:
    mine = cover(on_call, story.dana, story.dana)
    for outsider in (on_call.gus, story.frank, story.charlie):
        with pytest.raises(Forbidden):
            override_remove(actor=outsider, channel="web", override=mine)
    override_remove(actor=story.dana, channel="web", override=mine)
    theirs = cover(on_call, on_call.lena, on_call.gus)
    override_remove(actor=on_call.gus, channel="web", override=theirs)  # it names him
    anyones = cover(on_call, story.erin, story.frank)
    override_remove(actor=on_call.lena, channel="web", override=anyones)  # the lead
    assert not RotaOverride.objects.exists()
    removed = AuditRecord.objects.filter(action="rota.override_removed")
    assert sorted((r.old or {})["user"] for r in removed) == sorted(
        u.email for u in (story.dana, on_call.gus, story.frank)
    )
