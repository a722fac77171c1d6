"""Telling people of pages: the engineer paged (email with the acknowledgement link, in the app, and the
`page.sent` webhook event for an SMS or push gateway), and the team leads when nobody answered.

A page's email goes out whatever the person's preferences: a page is never routine.
"""

from __future__ import annotations

from typing import Any

from supportal.accounts.models import User, UserKind
from supportal.accounts.selectors import active_admins
from supportal.cases.models import Case, CaseEvent, Priority
from supportal.channels.email.outbound import send_case_email
from supportal.core.domain_events import DomainEvent, publish
from supportal.escalation import selectors
from supportal.escalation.models import Page, PageRole, Rota
from supportal.notifications.emails import absolute_url
from supportal.notifications.models import Notification
from supportal.sla.records import iso


def acknowledge_url(token: str) -> str:
    return absolute_url(f"/pages/{token}/")


def page_payload(page: Page, token: str | None = None) -> dict[str, Any]:
    """What a paging gateway needs: whom to reach, how, until when, and the link that acknowledges."""
    person = page.person
    data: dict[str, Any] = {
        "id": page.pk,
        "step": page.step,
        "role": page.role,
        "status": page.status,
        "team": page.rota.team.name if page.rota is not None else "",
        "person": {"name": person.display_name, "email": person.email, "phone": person.phone},
        "sent_at": iso(page.sent_at),
        "deadline": iso(page.deadline),
    }
    if token is not None:
        data["acknowledge_url"] = acknowledge_url(token)
    return data


def tell_paged(page: Page, token: str, row: CaseEvent) -> None:
    case, person = page.case, page.person
    role = PageRole(page.role).label
    Notification.objects.create(
        user=person,
        case=case,
        event=row,
        verb=row.kind,
        text=f"You are paged ({role}): {case.get_priority_display()} incident {case.number}: {case.subject}"[
            :300
        ],
    )
    send_case_email(
        name="case_paged",
        case=case,
        to=[person.email],
        context={
            **_facts(case),
            "page": page,
            "role_label": role,
            "acknowledge_url": acknowledge_url(token),
            "case_url": absolute_url(f"/agent/cases/{case.number}/"),
            "for_agents": True,
        },
    )
    publish(_event("page.sent", page, row, token))


def tell_acknowledged(page: Page, row: CaseEvent) -> None:
    publish(_event("page.acknowledged", page, row, None))


def tell_unanswered(case: Case, rota: Rota | None, row: CaseEvent) -> None:
    """The team's leads (or, without any, the admins) hear that nobody could be reached."""
    lead_ids = selectors.team_lead_ids(rota.team_id if rota is not None else None)
    people = (
        User.objects.filter(pk__in=lead_ids, is_active=True, kind=UserKind.AGENT)
        if lead_ids
        else active_admins()
    )
    people_list = list(people)
    reason = str(row.data.get("reason", ""))
    Notification.objects.bulk_create(
        [
            Notification(
                user=p,
                case=case,
                event=row,
                verb=row.kind,
                text=f"Nobody answered the page for {case.number} ({reason}): {case.subject}"[:300],
            )
            for p in people_list
        ],
        ignore_conflicts=True,
    )
    if people_list:
        send_case_email(
            name="case_page_unanswered",
            case=case,
            to=[p.email for p in people_list],
            context={
                **_facts(case),
                "reason": reason,
                "case_url": absolute_url(f"/agent/cases/{case.number}/"),
                "for_agents": True,
            },
        )


def _facts(case: Case) -> dict[str, Any]:
    priority = str(Priority(case.priority).label) if case.priority in Priority.values else case.priority
    return {
        "priority_label": priority,
        "organisation_name": case.organisation.name,
        "requester_name": case.requester_name or case.requester.display_name,
    }


def _event(name: str, page: Page, row: CaseEvent, token: str | None) -> DomainEvent:
    return DomainEvent(
        name,
        case_id=page.case_id,
        event_id=row.pk,
        actor_id=row.actor_id,
        data={"number": page.case.number, "page": page_payload(page, token)},
    )
