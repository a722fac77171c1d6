"""Load a case and authorize the actor in one call. Endpoints and pages get cases only here."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

from supportal.cases import selectors
from supportal.cases.models import Attachment, Case
from supportal.core.errors import Forbidden, NotFound
from supportal.orgs.policies import Actor


def _detailed(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(
        "case_type",
        "request_type",
        "organisation",
        "requester",
        "filed_by",
        "config_item",
        "team",
        "assignee",
    )


def case_for(actor: Actor, number: str) -> Case:
    """The case with this number if the actor may see it; NotFound otherwise (existence not revealed)."""
    if not (isinstance(number, str) and len(number) == 10 and number.isdigit()):
        raise NotFound("No such case.")
    try:
        return _detailed(selectors.cases_visible_to(actor)).get(number=number)
    except Case.DoesNotExist:
        raise NotFound("No such case.") from None


def case_to_change(actor: Actor, number: str, rule: Callable[[Actor, Case], bool]) -> Case:
    case = case_for(actor, number)
    if not rule(actor, case):
        raise Forbidden("You may not do that on this case.")
    return case


def attachment_for(actor: Actor, number: str, attachment_id: int | str) -> Attachment:
    case = case_for(actor, number)
    try:
        attachment = selectors.attachments_visible_to(actor, case).get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such attachment.") from None
    attachment.case = case
    return attachment
