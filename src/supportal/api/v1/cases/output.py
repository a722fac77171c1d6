"""Turning loaded cases, comments, attachments and events into their JSON shapes, with the few queries
that load what those shapes name (a fixed number, however many rows)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from supportal.api.v1.cases import etags
from supportal.api.v1.cases.schemas import (
    AttachmentOut,
    CaseOut,
    CommentOut,
    ConfigItemRef,
    EventOut,
    LinkOut,
    OrganizationRef,
    SlaClockOut,
    TeamRef,
    WatcherOut,
)
from supportal.api.v1.schemas import UserRef, user_ref
from supportal.cases import policies
from supportal.cases.lifecycle import Role, State, actions_available
from supportal.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    Channel,
    CloseReason,
    Comment,
    Kind,
    Level,
    Priority,
    Visibility,
    Watcher,
)
from supportal.cases.services.priority import state_labels
from supportal.core.markdown import render_markdown
from supportal.orgs.policies import Actor, is_agent
from supportal.sla import display as sla_display

RELATED = (
    "case_type", "request_type", "organisation", "requester", "filed_by", "config_item", "team", "assignee",
    "merged_into",
)  # fmt: skip
PREFETCH = (
    Prefetch("watchers", queryset=Watcher.objects.select_related("user").order_by("email")),
    Prefetch("links_out", queryset=CaseLink.objects.select_related("target").order_by("id")),
    Prefetch("links_in", queryset=CaseLink.objects.select_related("source").order_by("id")),
    sla_display.PREFETCH,
)
INCOMING = {"related": "related", "follow_up": "followed_up_by", "duplicate": "merged_from"}


def detailed(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a case's JSON names, in one query plus three (watchers, links either way)."""
    return cases.select_related(*RELATED).prefetch_related(*PREFETCH)


def load_details(case: Case) -> Case:
    """The same for one case already loaded (by `access.case_for`)."""
    prefetch_related_objects([case], "merged_into", *PREFETCH)
    return case


class CaseWriter:
    """Renders cases for one caller: the state names are read once per request."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.labels = state_labels()
        self.now = timezone.now()

    def many(self, cases: Iterable[Case]) -> list[CaseOut]:
        return [self.one(case) for case in cases]

    def one(self, case: Case) -> CaseOut:
        watchers = list(case.watchers.all())
        # The policies read this instead of asking the database whether the caller watches the case.
        setattr(case, "watcher_user_ids", {w.user_id for w in watchers if w.user_id})  # noqa: B010
        return CaseOut(
            number=case.number,
            version=etags.version_of(case),
            kind=Kind(case.kind),
            type=case.case_type.code,
            request_type=case.request_type.slug if case.request_type else None,
            subject=case.subject,
            description=case.description,
            description_html=str(render_markdown(case.description)),
            state=State(case.state),
            state_label=self.labels.get(case.state, case.state),
            urgency=Level(case.urgency),
            impact=Level(case.impact),
            priority=Priority(case.priority),
            organization=OrganizationRef(id=case.organisation.pk, name=case.organisation.name),
            requester=UserRef(id=case.requester.pk, email=case.requester.email, name=case.requester.name),
            requester_name=case.requester_name,
            filed_by=user_ref(case.filed_by),
            filed_reason=case.filed_reason,
            visibility=Visibility(case.visibility),
            reference=case.reference,
            watchers=[WatcherOut(email=w.email, user=user_ref(w.user)) for w in watchers],
            config_item=ConfigItemRef(id=case.config_item.pk, name=case.config_item.name)
            if case.config_item
            else None,
            team=TeamRef(slug=case.team.slug, name=case.team.name) if case.team else None,
            assignee=user_ref(case.assignee),
            escalation_level=case.escalation_level,
            channel=Channel(case.channel),
            extra=case.extra,
            reject_count=case.reject_count,
            close_reason=CloseReason(case.close_reason) if case.close_reason else None,
            merged_into=case.merged_into.number if case.merged_into else None,
            links=self.links(case),
            created_at=case.created_at,
            updated_at=case.updated_at,
            resolved_at=case.resolved_at,
            closed_at=case.closed_at,
            sla=[
                SlaClockOut(**sla_display.as_json(view)) for view in sla_display.clock_views(case, self.now)
            ],
            actions=self.actions(case),
        )

    def links(self, case: Case) -> list[LinkOut]:
        """Both directions; customers see only links to their own organisation's cases."""
        pairs = [(link.kind, link.target) for link in case.links_out.all()]
        pairs += [(INCOMING.get(link.kind, link.kind), link.source) for link in case.links_in.all()]
        agent = is_agent(self.actor)
        return [
            LinkOut(kind=kind, case=other.number)
            for kind, other in pairs
            if agent or other.organisation_id == case.organisation_id
        ]

    def actions(self, case: Case) -> list[str]:
        role = policies.role_of(self.actor)
        if role is None or (role == Role.CUSTOMER and not policies.can_act_as_customer(self.actor, case)):
            return []
        return [action.value for action in actions_available(State(case.state), role)]


def attachments_visible(actor: Actor) -> QuerySet[Attachment]:
    """Attachments as the actor may list them (customers: public ones), with their uploaders."""
    rows = Attachment.objects.select_related("uploaded_by")
    return rows if is_agent(actor) else rows.filter(public=True)


def attachment_out(attachment: Attachment, number: str) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        case=number,
        comment=attachment.comment_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        public=attachment.public,
        uploaded_by=user_ref(attachment.uploaded_by),
        channel=Channel(attachment.channel),
        created_at=attachment.created_at,
        content_url=reverse(
            "api-v1:download_case_attachment", kwargs={"number": number, "attachment_id": attachment.pk}
        ),
    )


def with_attachments(comments: QuerySet[Comment], actor: Actor) -> QuerySet[Comment]:
    return comments.select_related("author", "on_behalf_of").prefetch_related(
        Prefetch("attachments", queryset=attachments_visible(actor).order_by("id"))
    )


def comment_out(comment: Comment, number: str) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        case=number,
        author=user_ref(comment.author),
        author_label=comment.author_label,
        on_behalf_of=user_ref(comment.on_behalf_of),
        body=comment.body,
        body_html=str(render_markdown(comment.body)),
        public=comment.public,
        channel=Channel(comment.channel),
        created_at=comment.created_at,
        attachments=[attachment_out(a, number) for a in comment.attachments.all()],
    )


def event_out(event: CaseEvent) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=event.kind,
        actor=user_ref(event.actor),
        actor_label=event.actor_label,
        on_behalf_of=user_ref(event.on_behalf_of),
        channel=Channel(event.channel),
        public=event.public,
        data=event.data,
        at=event.at,
    )
