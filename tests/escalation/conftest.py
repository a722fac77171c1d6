"""On-call fixtures: the Service Desk rota (Dana, then Gus; Lena leads the team) for Globex's incidents
(Globex has the Premium plan, which pages 24/7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from supportal.accounts.models import User
from supportal.escalation.models import Rota, RotaMember
from supportal.orgs import services
from supportal.orgs.models import TeamMembership, TeamRole
from tests.cases import conftest as case_fixtures
from tests.conftest import Story, verified

cases = case_fixtures.cases


@dataclass
class OnCall:
    rota: Rota
    dana: User
    gus: User
    lena: User  # team lead


@pytest.fixture
def on_call(story: Story) -> OnCall:
    gus = verified(
        services.agent_create(
            actor=story.erin, channel="cli", email="gus@provider.example", name="Gus Agent",
            teams=[story.service_desk],
        )
    )  # fmt: skip
    lena = verified(
        services.agent_create(
            actor=story.erin, channel="cli", email="lena@provider.example", name="Lena Lead",
            teams=[story.service_desk],
        )
    )  # fmt: skip
    TeamMembership.objects.filter(team=story.service_desk, user=lena).update(role=TeamRole.LEAD)
    rota = Rota.objects.create(
        team=story.service_desk, time_zone="Europe/Brussels", handoff_time=time(9, 0), shift_days=7,
        starts_on=date(2026, 1, 5), ack_timeout_minutes=15, is_default=True,
    )  # fmt: skip
    RotaMember.objects.create(rota=rota, user=story.dana, position=0)
    RotaMember.objects.create(rota=rota, user=gus, position=1)
    return OnCall(rota=rota, dana=story.dana, gus=gus, lena=lena)
