"""Turning case domain events into each person's in-app notification list.

Who hears of what: the requester and the watchers (public events), the assignee (every event), and for a
new case without an assignee, the team's agents. The actor is never told of their own action.
"""

from __future__ import annotations

from collections.abc import Iterable

from supportal.accounts.models import User, UserKind
from supportal.cases.models import Case, CaseEvent, EventKind
from supportal.core.domain_events import DomainEvent, subscribe
from supportal.notifications.models import Notification

VERBS = {
    EventKind.CREATED: "opened",
    EventKind.COMMENTED: "commented on",
    EventKind.STATE_CHANGED: "changed the state of",
    EventKind.PRIORITY_CHANGED: "changed the priority of",
    EventKind.ASSIGNED: "assigned",
    EventKind.ESCALATED: "escalated",
    EventKind.DEESCALATED: "de-escalated",
    EventKind.MERGED: "merged",
    EventKind.ATTACHMENT_ADDED: "added a file to",
}


@subscribe(
    "case.created", "case.commented", "case.state_changed", "case.priority_changed", "case.assigned",
    "case.escalated", "case.deescalated", "case.merged", "case.attachment_added",
)  # fmt: skip
def notify_people(event: DomainEvent) -> None:
    if event.event_id is None:
        return
    row = CaseEvent.objects.select_related("case").filter(pk=event.event_id).first()
    if row is None:
        return
    case = row.case
    recipients = _recipients(case, row)
    if row.kind == EventKind.ESCALATED:  # and the level's contacts who are users, and the CSM
        from supportal.notifications.escalation_emails import escalation_people

        recipients |= _in_app(user.pk for user in escalation_people(row)[0])
    recipients.discard(event.actor_id or 0)
    if not recipients:
        return
    text = f"{row.actor_label} {VERBS.get(EventKind(row.kind), 'updated')} {case.number}: {case.subject}"
    if row.kind in (EventKind.ESCALATED, EventKind.DEESCALATED):
        text = (
            f"{row.actor_label} {VERBS[EventKind(row.kind)]} {case.number} to level {row.data.get('new')}: "
        )
        text += case.subject
    if row.kind == EventKind.STATE_CHANGED:
        text += f" ({row.data.get('old')} → {row.data.get('new')})"
    Notification.objects.bulk_create(
        [
            Notification(user_id=uid, case=case, event=row, verb=row.kind, text=text[:300])
            for uid in recipients
        ],
        ignore_conflicts=True,
    )


def _recipients(case: Case, row: CaseEvent) -> set[int]:
    people: set[int] = set()
    if case.assignee_id:
        people.add(case.assignee_id)
    elif row.kind == EventKind.CREATED and case.team_id:
        people.update(
            User.objects.filter(teams__id=case.team_id, is_active=True, kind=UserKind.AGENT).values_list(
                "id", flat=True
            )
        )
    if row.public:
        people.add(case.requester_id)
        people.update(case.watchers.filter(user__isnull=False).values_list("user_id", flat=True))
    return _in_app(people)


def _in_app(people: Iterable[int]) -> set[int]:
    """Those of `people` who read in-app notifications: active agents and customers who did not turn
    them off."""
    active = (
        User.objects.filter(pk__in=list(people), is_active=True, kind__in=[UserKind.AGENT, UserKind.CUSTOMER])
        .exclude(notification_preference__in_app=False)
        .values_list("id", flat=True)
    )
    return set(active)


@subscribe("sla.breached")
def escalate_on_sla_breach(event: DomainEvent) -> None:
    """A missed SLA target escalates the case once, when its plan says so (cases.services.escalation)."""
    if event.case_id is None or event.event_id is None:
        return
    from supportal.cases.services.escalation import escalate_on_breach

    escalate_on_breach(
        case_id=event.case_id, breach_event_id=event.event_id, metric=str(event.data.get("metric", ""))
    )
