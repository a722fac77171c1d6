"""`{% load sla %}`: a case's SLA clocks on its page (`{% sla_clocks case %}`), and a list row's badge
(`{% sla_due_badge case.sla_next_due %}`, with the list annotated by `sla.display.next_due_at()`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

from supportal.cases.lifecycle import State
from supportal.orgs.policies import is_agent
from supportal.sla.display import clock_views, duration_text
from supportal.sla.targets import Metric

register = template.Library()


@register.inclusion_tag("sla/clocks.html", takes_context=True)
def sla_clocks(context: template.Context, case: Any) -> dict[str, Any]:
    """The clocks card; agents also get "Mark workaround" while the workaround clock runs."""
    request = context.get("request")
    clocks = clock_views(case)
    agent = request is not None and is_agent(request.user)
    workaround_open = any(c.metric == Metric.WORKAROUND and c.stopped_at is None for c in clocks)
    return {
        "case": case,
        "clocks": clocks,
        "agent": agent,
        "may_mark_workaround": agent and workaround_open and case.state not in (State.RESOLVED, State.CLOSED),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("sla/due_badge.html")
def sla_due_badge(due_at: datetime | None) -> dict[str, Any]:
    """A list row's badge from its `sla_next_due` annotation: the wall-clock time to the next due time."""
    if due_at is None:
        return {"due_at": None}
    left = due_at - timezone.now()
    return {
        "due_at": due_at,
        "overdue": left <= timedelta(0),
        "left": duration_text(abs(left)),
        "soon": left < timedelta(hours=1),
    }
