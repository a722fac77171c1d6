"""Approval decisions: an approver of the case's organisation approves or rejects, with a comment, in the
portal or from the signed link of the approval email.

The case row is locked for every decision, so concurrent decisions are taken one after the other: the
last approval the rule needs moves the case on (Approve: On Hold → Open, the order into fulfilment),
the first rejection closes it (Decline, with the approver's reason). Each approver decides once; a
decision on a case no longer waiting is a Conflict; an approver whose permission was revoked decides
nothing (policies.can_approve is checked at the moment of deciding).
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action, State
from supportal.cases.models import Case, Channel, EventKind
from supportal.cases.services import history
from supportal.catalog import policies
from supportal.catalog.models import ApprovalDecision, ApprovalRequirement, ApprovalState, Decision
from supportal.catalog.services.orders import order_sync, system_user
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from supportal.orgs.policies import Actor

COMMENT_MAX = 2000
LINK_SALT = "supportal.catalog.approval"
LINK_MAX_AGE = 30 * 24 * 3600


def approval_decide(
    *, actor: Actor, case: Case, decision: str, comment: str = "", channel: str
) -> ApprovalDecision:
    if decision not in Decision.values:
        raise InvalidInput("Approve or reject.", fields={"decision": ["Choose approve or reject."]})
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(
            "The comment is too long.", fields={"comment": [f"At most {COMMENT_MAX} characters."]}
        )
    if decision == Decision.REJECT and not comment:
        raise InvalidInput("Say why you reject it.", fields={"comment": ["A reason is required to reject."]})
    if not policies.can_approve(actor, case):
        raise Forbidden("You may not approve changes for this organisation.")
    assert isinstance(actor, User)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        requirement = ApprovalRequirement.objects.select_for_update().filter(case=locked).first()
        if requirement is None:
            raise NotFound("This case needs no approval.")
        if not policies.can_approve(User.objects.get(pk=actor.pk), locked):  # revoked meanwhile
            raise Forbidden("You may not approve changes for this organisation.")
        if requirement.state != ApprovalState.PENDING:
            raise Conflict(f"This was {ApprovalState(requirement.state).label.lower()} already.")
        if locked.state == State.CLOSED:  # withdrawn or merged while waiting: nothing left to decide
            raise Conflict("This case is closed: there is nothing to approve.")
        if requirement.decisions.filter(approver=actor).exists():
            raise Conflict("You decided on this already.")
        row = ApprovalDecision.objects.create(
            requirement=requirement, approver=actor, decision=decision, comment=comment, channel=channel
        )
        approvals = requirement.decisions.filter(decision=Decision.APPROVE).count()
        history.record(
            locked,
            EventKind.APPROVAL,
            actor=actor,
            channel=channel,
            data={
                "decision": decision,
                "comment": comment,
                "approvals": approvals,
                "required": requirement.required,
            },
            publish_as="case.approval",
        )
        from supportal.cases.services.transitions import case_transition

        if decision == Decision.REJECT or approvals >= requirement.required:
            requirement.state = (
                ApprovalState.REJECTED if decision == Decision.REJECT else ApprovalState.APPROVED
            )
            requirement.decided_at = timezone.now()
            requirement.save(update_fields=["state", "decided_at"])
            action = Action.DECLINE if decision == Decision.REJECT else Action.APPROVE
            case_transition(
                actor=system_user(),
                case=locked,
                action=action,
                channel=Channel.SYSTEM,
                reason=comment if decision == Decision.REJECT else "",
                extra_data={"approver": actor.display_name},
            )
        order_sync(locked)
    case.refresh_from_db()
    return row


def approval_link_token(case: Case, approver: User) -> str:
    """The signed token of one approver's link in the approval email (valid 30 days)."""
    return signing.dumps([case.pk, approver.pk], salt=LINK_SALT, compress=True)


def approval_from_token(token: str) -> tuple[Case, User]:
    """The case and approver a link names; NotFound when it is forged, altered or expired."""
    try:
        case_id, user_id = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
        case = Case.objects.select_related("organisation", "requester", "request_type").get(pk=int(case_id))
        approver = User.objects.get(pk=int(user_id))
    except (signing.BadSignature, ValueError, TypeError, Case.DoesNotExist, User.DoesNotExist):
        raise NotFound("This approval link is not valid or has expired.") from None
    return case, approver
