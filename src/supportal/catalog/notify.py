"""Asking an organisation's approvers: each gets the `approval_requested` email with their own signed
link (approve or reject without signing in first) and a line in the app."""

from __future__ import annotations

from supportal.cases.models import Case, Priority
from supportal.catalog import selectors
from supportal.channels.email.outbound import send_case_email
from supportal.notifications.emails import absolute_url
from supportal.notifications.models import Notification


def ask_approvers(case: Case, required: int) -> int:
    """Returns how many approvers were asked (0: the organisation names none; agents see that)."""
    from supportal.catalog.services.approvals import approval_link_token

    approvers = [a for a in selectors.approvers_of(case.organisation_id) if a.pk != case.requester_id]
    what = "order" if case.kind == "order" else "change"
    for approver in approvers:
        Notification.objects.create(
            user=approver,
            case=case,
            verb="approval_requested",
            text=f"Your approval is asked for the {what} {case.number}: {case.subject}"[:300],
        )
        send_case_email(
            name="approval_requested",
            case=case,
            to=[approver.email],
            context={
                "approver": approver,
                "what": what,
                "required": required,
                "approve_url": absolute_url(f"/approvals/{approval_link_token(case, approver)}/"),
                "requester_name": case.requester_name or case.requester.display_name,
                "priority_label": Priority(case.priority).label,
                "item_name": case.request_type.name if case.request_type else "",
            },
        )
    return len(approvers)
