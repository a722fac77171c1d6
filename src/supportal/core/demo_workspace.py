"""The demo's agent workspace: the provider's macros (canned replies) and a few saved queue views.

Six macros an admin would set up (everyone's, one for the Service Desk, one of Dana's own) and saved
views for Dana and the Service Desk. Each is looked up by its name and scope first, so loading again
writes nothing. Called by demo_cases.load_demo_cases, after the teams and people exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from supportal.accounts.models import User
from supportal.agent.models import SavedView
from supportal.agent.queues import agent_teams_of
from supportal.agent.saved_views import saved_view_create
from supportal.audit.services import AuditChannel, audit_record
from supportal.cases.lifecycle import Action
from supportal.cases.models import Macro
from supportal.orgs.models import Organisation, Team


@dataclass(frozen=True)
class MacroSpec:
    name: str
    body: str
    public: bool = True
    set_action: str = ""
    set_priority: str = ""
    set_team: str = ""  # a team's slug
    owner: str = ""  # an agent's email
    for_team: str = ""  # a team's slug


MACROS = (
    MacroSpec(
        "Ask for logs",
        "Hi {{ requester.first_name }},\n\nTo find out what happens we need the logs from the time it "
        "failed: please attach them to this case (or reply to this email with them attached), with the "
        "exact time and any error message you saw.\n\nThank you,\n{{ agent.name }}",
        set_action=Action.ASK_INFO,
    ),
    MacroSpec(
        "Resolved — please confirm",
        "Hi {{ requester.first_name }},\n\nWe believe {{ case.number }} (“{{ case.subject }}”) is solved. "
        "Please check and accept the solution, or reply if anything is still wrong: the case reopens.\n\n"
        "Best regards,\n{{ agent.name }}",
        set_action=Action.RESOLVE,
    ),
    MacroSpec(
        "Escalate to Cloud Operations",
        "Escalating to Cloud Operations: first-line checks done, the problem is on the platform side. "
        "See the history for what was tried.",
        public=False,
        set_team="cloud-operations",
    ),
    MacroSpec(
        "On hold pending vendor",
        "Hi {{ requester.first_name }},\n\nWe have raised this with the vendor and are waiting for their "
        "answer. The case is on hold until then; we will update you as soon as we hear back.\n\n"
        "{{ agent.name }}",
        set_action=Action.HOLD,
    ),
    MacroSpec(
        "Major incident: raise to P1",
        "Major incident declared for {{ organisation.name }}: raising to P1 and paging the on-call "
        "engineer. Keep the customer updated every 30 minutes.",
        public=False,
        set_priority="P1",
        for_team="service-desk",
    ),
    MacroSpec(
        "Tried to call — no answer",
        "Hi {{ requester.first_name }},\n\nI tried to call you about {{ case.number }} but could not reach "
        "you. When is a good time to call back? Or just reply here.\n\n{{ agent.first_name }}",
        set_action=Action.ASK_INFO,
        owner="dana@provider.example",
    ),
)


def load_demo_workspace() -> int:
    """Add the demo's macros and saved views not there yet; returns how many were added."""
    teams = {team.slug: team for team in Team.objects.all()}
    admin = User.objects.get(email="erin@provider.example")
    added = sum(_macro(spec, teams, admin) for spec in MACROS)
    dana = User.objects.get(email="dana@provider.example")
    grace = User.objects.get(email="grace@provider.example")
    globex = Organisation.objects.get(name="Globex Bank")
    views = (
        (dana, None, "My P1 cases", "mine", "priority=P1"),
        (
            dana,
            None,
            "Globex Bank, being worked",
            "all",
            f"organisation={globex.pk}&status=open&status=on_hold",
        ),
        (grace, teams["service-desk"], "New phone calls", "new", "channel=phone"),
        (grace, teams["service-desk"], "Incidents by priority", "teams", "type=incident&sort=priority"),
    )
    for actor, team, name, queue, query in views:
        scope = Q(team=team) if team else Q(owner=actor, team__isnull=True)
        if not SavedView.objects.filter(scope, name=name).exists():
            agent = agent_teams_of(actor)
            saved_view_create(actor=actor, agent=agent, name=name, queue=queue, query=query, team=team)
            added += 1
    return added


def _macro(spec: MacroSpec, teams: dict[str, Team], admin: User) -> bool:
    owner = User.objects.get(email=spec.owner) if spec.owner else None
    for_team = teams[spec.for_team] if spec.for_team else None
    if Macro.objects.filter(name=spec.name, owner=owner, for_team=for_team).exists():
        return False
    macro = Macro.objects.create(
        name=spec.name,
        body=spec.body,
        public=spec.public,
        set_action=spec.set_action,
        set_priority=spec.set_priority,
        set_team=teams[spec.set_team] if spec.set_team else None,
        owner=owner,
        for_team=for_team,
        position=MACROS.index(spec),
    )
    audit_record(
        actor=admin,
        action="macro.added",
        channel=AuditChannel.CLI,
        target=macro,
        new={"object": macro.name, "public": macro.public, "set_action": macro.set_action},
    )
    return True
