"""What a delivery's `data` holds: the case, the event and the comment, in the API's own JSON shapes.

An organisation's webhook gets the view the API gives the organisation's customers (links to other
organisations' cases left out, public files only); a provider-wide webhook gets the agents' view.
`actions` is always empty: a webhook is told what happened, not what it may do.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch

from supportal.api.v1.cases.output import INCOMING, CaseWriter, comment_out, detailed, event_out
from supportal.api.v1.cases.schemas import LinkOut
from supportal.cases.models import Attachment, Case, CaseEvent, Comment
from supportal.core.domain_events import DomainEvent


class WebhookCaseWriter(CaseWriter):
    """CaseWriter for a subscriber rather than a person: the agents' or the customers' view."""

    def __init__(self, *, agent: bool) -> None:
        super().__init__(AnonymousUser())
        self.agent = agent

    def links(self, case: Case) -> list[LinkOut]:
        if not self.agent:
            return super().links(case)  # an anonymous caller sees the customers' links
        pairs = [(link.kind, link.target) for link in case.links_out.all()]
        pairs += [(INCOMING.get(link.kind, link.kind), link.source) for link in case.links_in.all()]
        return [LinkOut(kind=kind, case=other.number) for kind, other in pairs]

    def actions(self, case: Case) -> list[str]:
        return []


class PayloadBuilder:
    """The `data` of one domain event, built at most once per view however many webhooks get it."""

    def __init__(self, event: DomainEvent, case: Case | None, row: CaseEvent | None) -> None:
        self.event, self.case, self.row = event, case, row
        self._built: dict[bool, dict[str, Any]] = {}

    def data(self, *, agent: bool) -> dict[str, Any]:
        if agent not in self._built:
            self._built[agent] = self._build(agent)
        return self._built[agent]

    def _build(self, agent: bool) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.case is not None:
            case = detailed(Case.objects.filter(pk=self.case.pk)).get()
            data["case"] = WebhookCaseWriter(agent=agent).one(case).model_dump(mode="json")
        if self.row is not None:
            data["event"] = event_out(self.row).model_dump(mode="json")
            comment = self._comment(agent)
            if comment is not None:
                data["comment"] = comment
        else:
            data["details"] = json.loads(json.dumps(self.event.data, default=str))
        if agent and "page" in self.event.data:  # whom a paging gateway reaches, and the link to acknowledge
            data["page"] = self.event.data["page"]
        return data

    def _comment(self, agent: bool) -> dict[str, Any] | None:
        comment_id = self.row.data.get("comment") if self.row is not None else None
        if self.case is None or self.event.name != "case.commented" or not isinstance(comment_id, int):
            return None
        files = Attachment.objects.select_related("uploaded_by").order_by("id")
        comments = Comment.objects.filter(pk=comment_id, case=self.case).select_related(
            "author", "on_behalf_of"
        )
        comment = comments.prefetch_related(
            Prefetch("attachments", queryset=files if agent else files.filter(public=True))
        ).first()
        if comment is None or not (agent or comment.public):
            return None
        return comment_out(comment, self.case.number).model_dump(mode="json")
