"""Who is told of an escalation: the contacts of the level the case reached (the organisation's
escalation matrix), the assignee and the organisation's CSM.

Each gets the `case_escalated` email (whatever their preferences: an escalation is never routine), the
agents with the workspace link, everyone else with the portal's. Their in-app notifications are written
by cases.subscribers.notify_people, the one writer of in-app case notifications. The person who escalated
is told neither.
"""

from __future__ import annotations

from django.db.models import Q

from supportal.accounts.models import User, UserKind
from supportal.cases.models import Case, CaseEvent, Priority
from supportal.channels.email.outbound import send_case_email
from supportal.notifications.case_email_recipients import deliverable, emailable
from supportal.notifications.emails import absolute_url
from supportal.orgs.models import EscalationContact


def escalation_people(row: CaseEvent) -> tuple[list[User], list[str]]:
    """The users to tell (contacts who are users, the assignee, the CSM) and the plain addresses of the
    level's contacts who are not users; without the actor."""
    case = row.case
    level = int(row.data.get("new") or 0)
    addresses = list(
        EscalationContact.objects.filter(level__organisation_id=case.organisation_id, level__level=level)
        .order_by("position", "id")
        .values_list("email", flat=True)
    )
    lowered = {address.strip().lower() for address in addresses if address.strip()}
    match = Q()
    for address in lowered:
        match |= Q(email__iexact=address)
    users: dict[int, User] = {}
    if lowered:
        for user in User.objects.filter(match, is_active=True):
            users[user.pk] = user
    for person in (case.assignee, case.organisation.csm):
        if person is not None and person.is_active:
            users[person.pk] = person
    users.pop(row.actor_id or 0, None)
    known = {user.email.lower() for user in users.values()}
    actor_email = row.actor.email.lower() if row.actor is not None else ""
    plain = sorted(a for a in lowered if a not in known and a != actor_email and deliverable(a))
    return list(users.values()), plain


def tell_of_escalation(row: CaseEvent) -> None:
    """The emails of one `escalated` case event (its in-app notifications: cases.subscribers)."""
    case = row.case
    users, plain = escalation_people(row)
    agents = [u.email for u in users if u.kind == UserKind.AGENT and emailable(u)]
    others = [u.email for u in users if u.kind != UserKind.AGENT and emailable(u)] + plain
    context = _context(case, row)
    if others:
        send_case_email(name="case_escalated", case=case, to=others, context=context)
    if agents:
        agent_url = absolute_url(f"/agent/cases/{case.number}/")
        send_case_email(
            name="case_escalated",
            case=case,
            to=agents,
            context={**context, "case_url": agent_url, "for_agents": True},
        )


def _context(case: Case, row: CaseEvent) -> dict[str, object]:
    priority = str(Priority(case.priority).label) if case.priority in Priority.values else case.priority
    return {
        "actor_label": row.actor_label,
        "old_level": row.data.get("old"),
        "new_level": row.data.get("new"),
        "level_name": row.data.get("level_name", ""),
        "reason": row.data.get("reason", ""),
        "priority_label": priority,
        "requester_name": case.requester_name or case.requester.display_name,
    }
