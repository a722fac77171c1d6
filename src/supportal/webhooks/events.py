"""The events a webhook may subscribe to: the domain events of cases and of the SLA.

Internal events (an internal note, a hand-over between agents, a link between cases) reach provider-wide
webhooks only; an organisation's webhook gets what the organisation's customers may see
(webhooks.policies).
"""

from __future__ import annotations

PING = "ping"  # the test delivery: sent on request, never subscribed to, never retried

EVENT_TYPES: dict[str, str] = {
    "case.created": "Case created",
    "case.updated": "Case updated (a field changed)",
    "case.commented": "Comment added",
    "case.state_changed": "State changed",
    "case.priority_changed": "Priority changed",
    "case.escalated": "Case escalated",
    "case.assigned": "Case assigned",
    "case.merged": "Case merged",
    "case.linked": "Case linked",
    "case.attachment_added": "File added",
    "sla.warning": "SLA warning (a target is close)",
    "sla.breached": "SLA breached",
    "page.sent": "On-call engineer paged (for an SMS or push gateway; provider-wide webhooks only)",
    "page.acknowledged": "Page acknowledged",
}


def clean_event_types(values: list[str]) -> tuple[list[str], list[str]]:
    """The known event types among `values`, in the catalogue's order, and the unknown ones."""
    wanted = {str(v).strip() for v in values}
    return [name for name in EVENT_TYPES if name in wanted], sorted(wanted - set(EVENT_TYPES))
