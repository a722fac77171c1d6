"""Template helpers for the sign-in pages."""

from __future__ import annotations

from django import template

from supportal.accounts import selectors

register = template.Library()


@register.simple_tag
def self_registration_open() -> bool:
    """Whether "Sign up with your company email" leads anywhere (some organisation allows it)."""
    return selectors.self_registration_open()
