"""Links between cases: related cases, follow-ups of closed cases, and merging duplicates."""

from __future__ import annotations

from django.db import transaction

from supportal.accounts.models import User, UserKind
from supportal.cases import policies
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, CaseLink, Channel, EventKind, LinkKind
from supportal.cases.services import history
from supportal.cases.services.extra_fields import clean_extra
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.orgs.policies import Actor

FOLLOW_UP_PREFIX = "Follow-up: "


def case_link(*, actor: Actor, case: Case, other: Case, channel: Channel | str) -> CaseLink:
    """Mark two cases as related (agents). Both histories record it."""
    if not policies.can_work_case(actor, case):
        raise Forbidden("Only agents may link cases.")
    if case.pk == other.pk:
        raise InvalidInput("A case cannot be linked to itself.", fields={"other": ["The same case."]})
    with transaction.atomic():
        if CaseLink.objects.filter(
            source__in=[case, other], target__in=[case, other], kind=LinkKind.RELATED
        ).exists():
            raise Conflict("These cases are already linked.")
        link = CaseLink.objects.create(
            source=case, target=other, kind=LinkKind.RELATED, created_by=history.user_of(actor)
        )
        for one, two in ((case, other), (other, case)):
            history.record(
                one, EventKind.LINKED, actor=actor, channel=channel, public=False,
                data={"kind": LinkKind.RELATED.value, "case": two.number}, publish_as="case.linked",
            )  # fmt: skip
            history.touch(one)
    return link


def follow_up_create(
    *, actor: Actor, closed: Case, body: str, channel: Channel | str, on_behalf_of: User | None = None
) -> Case:
    """A new case for a customer's reply to a Closed case, linked to it; called by `comment_add`.

    The replier is its requester (the old requester watches it when someone else replied); the closed
    case's type, form and item carry over while they are still valid.
    """
    from supportal.cases.services.create import case_create

    replier = on_behalf_of or actor
    subject = closed.subject
    if not subject.startswith(FOLLOW_UP_PREFIX):
        subject = (FOLLOW_UP_PREFIX + subject)[:250]
    request_type = closed.request_type if closed.request_type and closed.request_type.is_active else None
    extra = closed.extra if request_type else None
    if request_type is not None:
        try:
            clean_extra(request_type, extra, organisation=closed.organisation)
        except InvalidInput:  # the form changed since: leave it to the agent
            request_type, extra = None, None
    old_requester = closed.requester
    watchers = (
        [old_requester]
        if old_requester.pk != replier.pk
        and old_requester.kind == UserKind.CUSTOMER
        and old_requester.is_active
        else []
    )
    shared = closed.organisation.shared_login
    follow_up = case_create(
        actor=actor,
        organisation=closed.organisation,
        requester=on_behalf_of,
        subject=subject,
        description=f"Follow-up of case {closed.number}.",
        channel=channel,
        request_type=request_type,
        case_type=closed.case_type if closed.case_type.is_active else None,
        urgency=closed.urgency,
        impact=closed.impact,
        visibility=closed.visibility,
        config_item=closed.config_item,
        extra=extra,
        watchers=watchers,
        requester_name=closed.requester_name or (history.label_of(replier) if shared else ""),
        follow_up_of=closed,
    )
    CaseLink.objects.create(
        source=follow_up, target=closed, kind=LinkKind.FOLLOW_UP, created_by=history.user_of(actor)
    )
    history.record(
        follow_up, EventKind.LINKED, actor=actor, channel=channel,
        data={"kind": LinkKind.FOLLOW_UP.value, "case": closed.number},
    )  # fmt: skip
    history.record(
        closed, EventKind.LINKED, actor=actor, channel=channel,
        data={"kind": "followed_up_by", "case": follow_up.number}, publish_as="case.linked",
    )  # fmt: skip
    return follow_up


def case_merge(
    *, actor: Actor, duplicate: Case, survivor: Case, channel: Channel | str, reason: str = ""
) -> Case:
    """Close `duplicate` as merged into `survivor`; its history stays readable and points at the survivor."""
    from supportal.cases.services.transitions import case_transition

    if not policies.can_work_case(actor, duplicate):
        raise Forbidden("Only agents may merge cases.")
    if duplicate.pk == survivor.pk:
        raise InvalidInput("A case cannot be merged into itself.", fields={"survivor": ["The same case."]})
    if survivor.organisation_id != duplicate.organisation_id:
        raise InvalidInput(
            "Only cases of the same organisation can be merged.",
            fields={"survivor": ["Another organisation."]},
        )
    with transaction.atomic():
        # Lock both in id order (no deadlock with a merge the other way) and check the fresh rows.
        locked = {
            c.pk: c
            for c in Case.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, survivor.pk])
            .order_by("pk")
        }
        if locked[survivor.pk].state == State.CLOSED:
            raise Conflict(f"Case {survivor.number} is closed; merge into an open case.")
        case_transition(
            actor=actor, case=duplicate, action=Action.MERGE, channel=channel, reason=reason,
            extra_data={"merged_into": survivor.number},
        )  # fmt: skip
        Case.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
        duplicate.merged_into = survivor
        CaseLink.objects.create(
            source=duplicate, target=survivor, kind=LinkKind.DUPLICATE, created_by=history.user_of(actor)
        )
        history.record(
            duplicate, EventKind.MERGED, actor=actor, channel=channel,
            data={"into": survivor.number, "reason": reason}, publish_as="case.merged",
        )  # fmt: skip
        history.record(
            survivor, EventKind.MERGED, actor=actor, channel=channel,
            data={"from": duplicate.number, "reason": reason},
        )  # fmt: skip
        history.touch(survivor)
    return survivor
