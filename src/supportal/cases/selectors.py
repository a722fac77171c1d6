"""The cases each person may list: every case queryset a user sees starts here."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from supportal.accounts.models import UserKind
from supportal.cases.models import Attachment, Case, CaseEvent, Comment, Visibility, Watcher
from supportal.orgs.models import Permission
from supportal.orgs.policies import Actor, has_permission, is_agent, is_signed_in, organisation_id_of


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    if is_agent(actor):
        return Case.objects.all()
    own = organisation_id_of(actor) if is_signed_in(actor) else None
    if own is None:
        return Case.objects.none()
    mine = Q(requester_id=actor.pk)
    if getattr(actor, "kind", None) == UserKind.INTEGRATION:
        mine |= Q(filed_by_id=actor.pk)
    else:
        mine |= Q(Exists(Watcher.objects.filter(case_id=OuterRef("pk"), user_id=actor.pk or 0)))
        if has_permission(actor, Permission.VIEW_ORGANISATION_CASES):
            mine |= Q(visibility=Visibility.ORGANIZATION)
    return Case.objects.filter(Q(organisation_id=own) & mine)


def events_visible_to(actor: Actor, case: Case) -> QuerySet[CaseEvent]:
    """A case's history as the actor may read it: customers see the public part."""
    events = CaseEvent.objects.filter(case=case)
    return events if is_agent(actor) else events.filter(public=True)


def comments_visible_to(actor: Actor, case: Case) -> QuerySet[Comment]:
    comments = Comment.objects.filter(case=case)
    return comments if is_agent(actor) else comments.filter(public=True)


def attachments_visible_to(actor: Actor, case: Case) -> QuerySet[Attachment]:
    """Agents see every file of a case; customers the public ones (not those of internal notes)."""
    attachments = Attachment.objects.filter(case=case)
    return attachments if is_agent(actor) else attachments.filter(public=True)
