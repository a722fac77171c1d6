"""Template helpers for the portal's navigation of the case lists."""

from __future__ import annotations

from typing import Any

from django import template

from supportal.cases import policies as case_policies
from supportal.orgs import policies
from supportal.orgs.models import Permission

register = template.Library()


@register.simple_tag
def case_nav(user: Any) -> dict[str, bool]:
    """What the nav offers: `customer` (their cases, orders), `agent`, `organisation_cases`, `create`,
    `approve` (their organisation's approvals).

    Reads only the user's cached membership, so the nav adds no query to a page that already needed it.
    """
    return {
        "customer": policies.is_customer(user),
        "agent": policies.is_agent(user),
        "organisation_cases": case_policies.can_list_organisation_cases(user),
        "create": case_policies.can_open_cases(user),
        "approve": policies.is_customer(user) and policies.has_permission(user, Permission.APPROVE_CHANGES),
    }
