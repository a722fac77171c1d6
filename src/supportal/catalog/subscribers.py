"""An order's status follows its case: a customer's withdrawal cancels it, an agent taking it puts it in
fulfilment (catalog.services.orders.order_sync)."""

from __future__ import annotations

from supportal.cases.models import Case, Kind
from supportal.core.domain_events import DomainEvent, subscribe


@subscribe("case.state_changed", "case.assigned")
def follow_case(event: DomainEvent) -> None:
    if event.case_id is None:
        return
    case = Case.objects.filter(pk=event.case_id, kind=Kind.ORDER).first()
    if case is not None:
        from supportal.catalog.services.orders import order_sync

        order_sync(case)
