"""The demo's on-call: a rota per team (the Service Desk's is the default), an override next weekend, and
the pages of Globex's urgent incidents: the older ones acknowledged back when they were opened, the
newest still waiting for its engineer (the worker passes it on after 15 minutes).

`load_demo_rotas` runs before the stories (so their urgent incidents page as they are filed);
`settle_demo_pages` after the load's commit, when the pages were sent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import CaseEvent, EventKind
from supportal.escalation.models import Page, PageStatus, Rota, RotaMember, RotaOverride
from supportal.orgs.models import Team

# team slug → (members in hand-over order, is the default rota)
ROTAS = {
    "service-desk": (("dana@provider.example", "grace@provider.example"), True),
    "cloud-operations": (("hugo@provider.example", "jun@provider.example"), False),
    "network": (("ivan@provider.example", "jun@provider.example"), False),
}


def load_demo_rotas() -> None:
    """Idempotent: each team's rota is added once."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for slug, (emails, is_default) in ROTAS.items():
        team = Team.objects.filter(slug=slug).first()
        if team is None or Rota.objects.filter(team=team).exists():
            continue
        rota = Rota.objects.create(
            team=team, time_zone="Europe/Brussels", handoff_time=time(9, 0), shift_days=7,
            starts_on=monday - timedelta(weeks=8), ack_timeout_minutes=15, is_default=is_default,
        )  # fmt: skip
        for position, email in enumerate(emails):
            user = User.objects.filter(email=email).first()
            if user is not None:
                RotaMember.objects.create(rota=rota, user=user, position=position)
        if slug == "cloud-operations":
            _weekend_swap(rota, monday)


def _weekend_swap(rota: Rota, monday: date) -> None:
    jun = User.objects.filter(email="jun@provider.example").first()
    if jun is None:
        return
    saturday = timezone.make_aware(datetime.combine(monday + timedelta(days=5), time(9, 0)))
    RotaOverride.objects.create(
        rota=rota, user=jun, starts_at=saturday, ends_at=saturday + timedelta(days=2),
        reason="Hugo is at a family wedding; Jun takes the weekend.", created_by=jun,
    )  # fmt: skip


def settle_demo_pages() -> None:
    """The pages of the demo's urgent incidents, as their history would have them: every chain but the
    newest acknowledged a few minutes after the case was opened; the newest left waiting."""
    from supportal.escalation.services.paging import page_acknowledge

    waiting = list(
        Page.objects.filter(status=PageStatus.PENDING).select_related("case", "rota__team", "person")
    )
    waiting.sort(key=lambda page: page.case.created_at)
    for page in waiting[:-1]:
        page_acknowledge(actor=page.person, page=page, channel="email", by_link=True)
        _date_chain(page)


def _date_chain(page: Page) -> None:
    """Move the chain's times back to when its case was opened (the demo spreads cases over past days)."""
    opened = page.case.created_at
    sent, acknowledged = opened + timedelta(minutes=1), opened + timedelta(minutes=6)
    with transaction.atomic():
        Page.objects.filter(pk=page.pk).update(
            chain_started_at=sent, sent_at=sent, deadline=sent + timedelta(minutes=15),
            acknowledged_at=acknowledged, ended_at=acknowledged,
        )  # fmt: skip
        events = CaseEvent.objects.filter(case_id=page.case_id, data__page=page.pk)
        events.filter(kind=EventKind.PAGED).update(at=sent)
        events.filter(kind=EventKind.PAGE_ACKNOWLEDGED).update(
            at=acknowledged,
            data={
                "page": page.pk,
                "person": page.person.display_name,
                "step": page.step,
                "after_seconds": 300,
            },
        )
