"""Template helpers for the organisation's user management."""

from __future__ import annotations

from typing import Any

from django import template

from supportal.orgs import policies
from supportal.orgs.models import Permission

register = template.Library()


@register.simple_tag
def may_manage_own_users(user: Any) -> bool:
    """Whether the nav shows "Users": customers who manage their organisation's users."""
    return policies.is_customer(user) and policies.has_permission(user, Permission.MANAGE_USERS)
