"""/api/v1/on-call, /api/v1/cases/{number}/pages, /api/v1/pages/{page_id}/acknowledge: who is on call for
each team (and until when, and the shifts of the next 7 days), the pages sent for a case, and
acknowledging one. Agents only: customers are refused (403) on all three."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from supportal.accounts.models import User
from supportal.api.v1.auth import actor_of
from supportal.api.v1.errors import errors
from supportal.cases.access import case_for
from supportal.cases.models import Channel
from supportal.core.errors import Forbidden
from supportal.escalation import access, policies, selectors
from supportal.escalation.board import RotaBoard, on_call_board
from supportal.escalation.models import Page, PageRole, PageStatus
from supportal.escalation.services.paging import page_acknowledge
from supportal.orgs.policies import Actor

router = Router(tags=["on-call"])
DAYS = 7


class PersonOut(Schema):
    id: int
    name: str
    email: str
    phone: str


class ShiftOut(Schema):
    person: PersonOut
    starts_at: datetime
    ends_at: datetime
    is_override: bool = Field(description="An override puts this person on call instead of the rota's.")


class TeamRef(Schema):
    id: int
    name: str


class OnCallOut(Schema):
    team: TeamRef
    on_call: PersonOut | None = Field(description="Null when the rota has nobody to put on call.")
    until: datetime | None = Field(description="The end of the current shift or override.")
    shifts: list[ShiftOut] = Field(description=f"Who is on call from now for {DAYS} days.")


class PageOut(Schema):
    id: int
    case: str = Field(description="The case's number.")
    team: str
    person: PersonOut
    role: PageRole
    step: int
    status: PageStatus
    sent_at: datetime
    deadline: datetime
    acknowledged_at: datetime | None
    acknowledged_by: PersonOut | None


def person_out(user: User) -> PersonOut:
    return PersonOut(id=user.pk, name=user.display_name, email=user.email, phone=user.phone)


def on_call_out(board: RotaBoard) -> OnCallOut:
    return OnCallOut(
        team=TeamRef(id=board.rota.team_id, name=board.rota.team.name),
        on_call=person_out(board.on_call) if board.on_call is not None else None,
        until=board.until,
        shifts=[ShiftOut(person=person_out(s.person), starts_at=s.starts_at, ends_at=s.ends_at,
                         is_override=s.is_override) for s in board.shifts],
    )  # fmt: skip


def page_out(page: Page) -> PageOut:
    return PageOut(
        id=page.pk,
        case=page.case.number,
        team=page.rota.team.name if page.rota is not None else "",
        person=person_out(page.person),
        role=PageRole(page.role),
        step=page.step,
        status=PageStatus(page.status),
        sent_at=page.sent_at,
        deadline=page.deadline,
        acknowledged_at=page.acknowledged_at,
        acknowledged_by=person_out(page.acknowledged_by) if page.acknowledged_by is not None else None,
    )


def _agent(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not policies.can_see_on_call(actor):
        raise Forbidden("Only agents see who is on call and the pages sent.")
    return actor


@router.get("/on-call", response={200: list[OnCallOut], **errors()}, summary="Who is on call")
def list_on_call(request: HttpRequest) -> list[OnCallOut]:
    """Each team with an on-call rota: who holds the pager now, until when, and the next 7 days' shifts."""
    actor = _agent(request)
    return [on_call_out(board) for board in on_call_board(actor, now=timezone.now(), days=DAYS)]


@router.get("/cases/{number}/pages", response={200: list[PageOut], **errors(404)}, summary="List pages")
def list_case_pages(request: HttpRequest, number: str) -> list[PageOut]:
    """The pages sent for an urgent incident, oldest first."""
    actor = _agent(request)
    case = case_for(actor, number)
    pages = list(selectors.pages_of_case(case.pk).select_related("rota__team"))
    for page in pages:
        page.case = case
    return [page_out(page) for page in pages]


@router.post(
    "/pages/{int:page_id}/acknowledge",
    response={200: PageOut, **errors(404, 409)},
    summary="Acknowledge a page",
)
def acknowledge_page(request: HttpRequest, page_id: int) -> PageOut:
    """By the person paged, a lead of the rota's team or an admin (else 403). Acknowledging the page
    acknowledged already answers it again; 409 when someone else acknowledged the incident or the page
    was cancelled."""
    actor = _agent(request)
    page = access.page_for(actor, page_id)
    done = page_acknowledge(actor=actor, page=page, channel=Channel.API)
    done.case, done.rota = page.case, page.rota
    return page_out(done)
