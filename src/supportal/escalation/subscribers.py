"""Cases becoming urgent page the on-call engineer; cases no longer urgent cancel their waiting page.

Runs after the change commits (core.domain_events). A case that cannot be urgent costs one query.
"""

from __future__ import annotations

from supportal.cases.models import Case, Priority
from supportal.core.domain_events import DomainEvent, subscribe
from supportal.escalation.models import Page, PageStatus
from supportal.escalation.services.paging import page_if_urgent, pages_settle, paging_case_types

TYPE_FIELDS = ("case_type", "request_type")


@subscribe("case.created", "case.priority_changed", "case.updated", "case.state_changed", "case.merged")
def page_urgent_incidents(event: DomainEvent) -> None:
    if event.case_id is None:
        return
    if event.name == "case.updated" and event.data.get("field") not in TYPE_FIELDS:
        return
    if (
        event.name != "case.created"
        and Page.objects.filter(case_id=event.case_id, status=PageStatus.PENDING).exists()
    ):
        pages_settle(event.case_id)
    maybe_urgent = Case.objects.filter(
        pk=event.case_id,
        priority__in=(Priority.P1, Priority.P2),
        case_type__code__in=paging_case_types(),
        organisation__plan__paging_24x7=True,
    )
    if maybe_urgent.exists():
        page_if_urgent(event.case_id)
