"""Who hears of SLA warnings and breaches (subscribers of `sla.warning` and `sla.breached`).

- a warning: the assignee and the case's team, in their in-app list; by email the assignee, or the team's
  address when nobody is assigned;
- a breach: the same people plus the team's leads and the organisation's CSM, in-app; by email the
  assignee, the team's address, the team's leads and the CSM.
Only active agents are told (never the customer: their case page shows the clock); those who turned
the in-app list off get no in-app line. Emails say "Case <number>" but carry no `[#number]` or reference
token, so that a reply to one is never threaded onto the case as a comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from supportal.accounts.models import User, UserKind
from supportal.cases.models import CaseEvent
from supportal.core.domain_events import DomainEvent, subscribe
from supportal.notifications.emails import absolute_url, send_templated_email
from supportal.notifications.models import Notification
from supportal.orgs.models import TeamMembership, TeamRole
from supportal.sla.models import MetricChoices
from supportal.sla.records import instant


@subscribe("sla.warning", "sla.breached")
def tell_people(event: DomainEvent) -> None:
    if event.event_id is None:
        return
    row = (
        CaseEvent.objects.select_related("case__assignee", "case__team", "case__organisation__csm")
        .filter(pk=event.event_id)
        .first()
    )
    if row is None:
        return
    breach = event.name == "sla.breached"
    people = recipients(row, breach=breach)
    metric = MetricChoices(row.data.get("metric")).label
    what = "breached" if breach else "due soon"
    text = f"SLA {what} ({metric.lower()}) on {row.case.number}: {row.case.subject}"
    in_app = User.objects.filter(pk__in=[user.pk for user in people.agents]).exclude(
        notification_preference__in_app=False
    )
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=uid, case=row.case, event=row, verb=row.kind, text=text[:300], created_at=row.at
            )
            for uid in in_app.values_list("id", flat=True)
        ],
        ignore_conflicts=True,
    )
    send_templated_email(
        name="sla_breached" if breach else "sla_warning",
        to=people.emails,
        context=_context(row, metric, breach),
        case_id=row.case_id,
    )


@dataclass(frozen=True)
class People:
    agents: list[User]  # told in-app
    emails: list[str]


def recipients(row: CaseEvent, *, breach: bool) -> People:
    """The active agents told in-app (in a stable order) and the addresses written to."""
    case = row.case
    found: dict[int, User] = {}
    leads: set[int] = set()
    if case.assignee is not None:
        found[case.assignee.pk] = case.assignee
    if case.team_id is not None:
        for membership in TeamMembership.objects.filter(team_id=case.team_id).select_related("user"):
            found.setdefault(membership.user.pk, membership.user)
            if membership.role == TeamRole.LEAD:
                leads.add(membership.user.pk)
    csm = case.organisation.csm if breach else None
    if csm is not None:
        found.setdefault(csm.pk, csm)
    agents = [user for _, user in sorted(found.items()) if user.is_active and user.kind == UserKind.AGENT]
    told = {user.pk for user in agents}
    emails = [case.assignee.email] if case.assignee is not None and case.assignee.pk in told else []
    if case.team is not None and case.team.email and (breach or case.assignee is None):
        emails.append(case.team.email)
    if breach:
        emails += [user.email for user in agents if user.pk in leads]
        emails += [csm.email] if csm is not None and csm.pk in told else []
    return People(agents, emails)


def _context(row: CaseEvent, metric: str, breach: bool) -> dict[str, Any]:
    case = row.case
    return {
        "case": case,
        "metric": metric,
        "breach": breach,
        "target": row.data.get("target", ""),
        "due_at": instant(str(row.data["due_at"])) if row.data.get("due_at") else None,
        "assignee": case.assignee,
        "team": case.team,
        "link": absolute_url(reverse("agent:case", args=[case.number])),
    }
