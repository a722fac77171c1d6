"""Paging: an urgent incident pages the on-call engineer; an unacknowledged page is passed on.

- `page_if_urgent` starts a chain when a case becomes urgent (escalation.subscribers): an Incident at P1,
  or P2 where the plan says, of an organisation whose plan has 24/7 paging, not Resolved or Closed, with
  no page waiting or acknowledged. It pages the first person of `schedule.escalation_chain`.
- `page_sweep` (every minute) passes each page whose deadline has come to the next person of its chain,
  read by the partial index on the deadline of waiting pages: its work grows with the due pages only.
  When the chain is used up the page is marked unanswered and the team leads and admins are told.
- `page_acknowledge` ends the chain: from the page's link (the token is the proof), or in the workspace
  or the API by the person paged, a team lead or an admin. A late acknowledgement of a page already
  passed on still counts; the page then waiting is cancelled.
- `pages_settle` cancels the waiting page of a case that stopped being urgent (resolved, lowered).

Every page, acknowledgement and unanswered chain is an event on the case's history (internal, apart
from the acknowledgement, which customers see without the engineer's contact details).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel, EventKind, Kind, Priority
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, NotFound
from supportal.escalation import notify, policies, selectors
from supportal.escalation.models import Page, PageStatus, Rota
from supportal.escalation.schedule import escalation_chain
from supportal.orgs.policies import Actor
from supportal.sla.records import iso

SYSTEM_ACTOR = ("paging", "On-call paging")
BATCH = 200
OPEN_CHAIN = (PageStatus.PENDING, PageStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class SentPage:
    page: Page
    token: str  # the acknowledgement link's secret; only its hash is stored


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def paging_case_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "SUPPORTAL_PAGING_CASE_TYPES", ("incident",)))


def needs_page(case: Case) -> bool:
    """Whether `case` is urgent enough to page (its type and organisation's plan loaded)."""
    plan = case.organisation.plan
    if case.kind != Kind.CASE or case.state in (State.RESOLVED, State.CLOSED) or case.merged_into_id:
        return False
    if case.case_type.code not in paging_case_types() or not plan.paging_24x7:
        return False
    return case.priority == Priority.P1 or (case.priority == Priority.P2 and plan.page_on_p2)


def _locked_case(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("case_type", "organisation__plan", "team")
        .get(pk=case_id)
    )


def page_if_urgent(case_id: int, *, now: datetime | None = None) -> SentPage | None:
    """Page the on-call engineer for the case if it needs a page and has no chain running."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked_case(case_id)
        if not needs_page(case) or Page.objects.filter(case=case, status__in=OPEN_CHAIN).exists():
            return None
        rota = selectors.rota_for_case(case.team_id)
        chain = _chain(rota, now) if rota is not None else []
        if rota is None or not chain:
            _record_unanswered(case, rota, reason="nobody is on call" if rota else "no on-call rota")
            return None
        person_id, role = chain[0]
        return _send(case, rota, person_id, role, step=1, chain_started_at=now, now=now)


def _chain(rota: Rota, at: datetime) -> list[tuple[int, str]]:
    rotation = selectors.rotation_of(rota)
    covers = selectors.covers_of(rota, at, at + timedelta(seconds=1))
    return escalation_chain(rotation, covers, selectors.team_lead_ids(rota.team_id), at)


def _send(
    case: Case, rota: Rota, person_id: int, role: str, *, step: int, chain_started_at: datetime, now: datetime
) -> SentPage:
    token = secrets.token_urlsafe(32)
    page = Page.objects.create(
        case=case,
        rota=rota,
        person_id=person_id,
        role=role,
        step=step,
        chain_started_at=chain_started_at,
        token_hash=token_hash(token),
        sent_at=now,
        deadline=now + timedelta(minutes=rota.ack_timeout_minutes),
    )
    person = page.person
    row = history.record(
        case,
        EventKind.PAGED,
        actor=system_user(),
        channel=Channel.SYSTEM,
        public=False,
        data={
            "page": page.pk,
            "person": person.display_name,
            "person_id": person.pk,
            "role": role,
            "step": step,
            "team": rota.team.name,
            "deadline": iso(page.deadline),
        },
    )
    notify.tell_paged(page, token, row)
    return SentPage(page, token)


def _record_unanswered(case: Case, rota: Rota | None, *, reason: str) -> None:
    row = history.record(
        case,
        EventKind.PAGE_UNANSWERED,
        actor=system_user(),
        channel=Channel.SYSTEM,
        public=False,
        data={"reason": reason, "team": rota.team.name if rota is not None else ""},
    )
    notify.tell_unanswered(case, rota, row)


def system_user() -> User:
    from supportal.accounts.services import system_user as named

    return named(*SYSTEM_ACTOR)


# --- Deadlines


def page_sweep(now: datetime | None = None, *, batch: int = BATCH) -> int:
    """Pass on every waiting page whose deadline has come; returns how many were handled."""
    now = now or timezone.now()
    handled = 0
    with transaction.atomic():
        due = (
            Page.objects.filter(status=PageStatus.PENDING, deadline__lte=now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("deadline", "id")[:batch]
        )
        for page in list(due):
            _pass_on(page, now)
            handled += 1
    return handled


def _pass_on(page: Page, now: datetime) -> None:
    case = _locked_case(page.case_id)
    rota = page.rota
    if not needs_page(case) or rota is None:
        _end(page, PageStatus.CANCELLED, now)
        return
    _end(page, PageStatus.PASSED_ON, now)
    paged = set(
        Page.objects.filter(case=case, chain_started_at=page.chain_started_at).values_list(
            "person_id", flat=True
        )
    )
    following = [
        (person, role) for person, role in _chain(rota, page.chain_started_at) if person not in paged
    ]
    if following:
        person_id, role = following[0]
        _send(
            case, rota, person_id, role, step=page.step + 1, chain_started_at=page.chain_started_at, now=now
        )
        return
    page.status = PageStatus.UNANSWERED
    page.save(update_fields=["status"])
    _record_unanswered(case, rota, reason=f"nobody acknowledged {page.step} page(s)")


def _end(page: Page, status: str, now: datetime) -> None:
    page.status, page.ended_at = status, now
    page.save(update_fields=["status", "ended_at"])


# --- Acknowledgements


def page_by_token(token: str) -> Page:
    page = (
        Page.objects.select_related("case", "person", "rota__team")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if page is None:
        raise NotFound("This paging link is not valid.")
    return page


def page_acknowledge(*, actor: Actor, page: Page, channel: str, by_link: bool = False) -> Page:
    """Acknowledge `page` (and with it the incident's chain). From the link (`by_link`), the person paged
    acknowledges; otherwise `actor` must be allowed. The same person acknowledging again is a no-op; anyone
    else acknowledging an acknowledged chain gets Conflict."""
    if not by_link:
        lead_ids = selectors.team_lead_ids(page.rota.team_id if page.rota else None)
        if not policies.can_acknowledge(actor, page, lead_ids=lead_ids):
            raise Forbidden("You may not acknowledge this page.")
    now = timezone.now()
    with transaction.atomic():
        case = _locked_case(page.case_id)
        locked = Page.objects.select_related("person", "acknowledged_by").get(pk=page.pk)
        by = locked.person if by_link or actor is None else actor
        if locked.status == PageStatus.ACKNOWLEDGED:
            if locked.acknowledged_by_id == getattr(by, "pk", None):
                return locked  # the same person again: nothing to do
            raise Conflict(f"{_name(locked.acknowledged_by)} acknowledged this incident already.")
        chain = Page.objects.filter(case=case, chain_started_at=locked.chain_started_at)
        done = chain.filter(status=PageStatus.ACKNOWLEDGED).select_related("acknowledged_by").first()
        if done is not None:
            raise Conflict(f"{_name(done.acknowledged_by)} acknowledged this incident already.")
        if locked.status == PageStatus.CANCELLED:
            raise Conflict("This page was cancelled: the case is no longer urgent.")
        for waiting in chain.filter(status=PageStatus.PENDING).exclude(pk=locked.pk):
            _end(waiting, PageStatus.CANCELLED, now)
        locked.status, locked.acknowledged_at, locked.ended_at = PageStatus.ACKNOWLEDGED, now, now
        locked.acknowledged_by = by if isinstance(by, User) else None
        locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "ended_at"])
        row = history.record(
            case,
            EventKind.PAGE_ACKNOWLEDGED,
            actor=by,
            channel=channel,
            public=True,
            data={
                "page": locked.pk,
                "person": _name(by),
                "step": locked.step,
                "after_seconds": int((now - locked.chain_started_at).total_seconds()),
            },
        )
        notify.tell_acknowledged(locked, row)
    return locked


def _name(user: Actor | User | None) -> str:
    return str(getattr(user, "display_name", "") or user or "Someone")


def pages_settle(case_id: int) -> int:
    """Cancel the waiting page of a case that no longer needs one; returns how many were cancelled."""
    with transaction.atomic():
        case = _locked_case(case_id)
        if needs_page(case):
            return 0
        waiting = list(Page.objects.filter(case=case, status=PageStatus.PENDING))
        now = timezone.now()
        for page in waiting:
            _end(page, PageStatus.CANCELLED, now)
        return len(waiting)
