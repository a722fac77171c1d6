"""The forms of the API token pages: what people type, nothing more.

Whether a name, scope or expiry is acceptable, and who may hold a token, is decided by
accounts.tokens.token_create; its domain errors are shown next to these fields (add_domain_errors).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from supportal.accounts.models import TokenScope, User
from supportal.core.errors import DomainError

# Expiry as a choice of periods (days); "" never expires. A date picker invites typing a past date.
EXPIRY_CHOICES = (("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"))


def scope_choices(may_admin: bool) -> list[tuple[str, str]]:
    """The scopes to offer: read and write; admin scope only to people who may grant it
    (accounts.tokens.can_grant_admin_scope decides, again, when the token is made)."""
    return [
        (str(value), str(label))
        for value, label in TokenScope.choices
        if value != TokenScope.ADMIN or may_admin
    ]


class TokenForm(forms.Form):
    """A personal token: a name to tell it apart, what it may do, and how long it lives."""

    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “Reporting script”.",
        error_messages={"required": "Give the token a name."},
    )
    scope = forms.ChoiceField(label="Scope", widget=forms.RadioSelect)
    expires = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, required=False)
    rate_limit = forms.CharField(
        label="Rate limit",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. 120/min", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("scope", TokenScope.READ)
        super().__init__(*args, **kwargs)
        scope_field: forms.ChoiceField = self.fields["scope"]  # type: ignore[assignment]
        scope_field.choices = scopes
        self.fields["rate_limit"].help_text = (
            "Requests per s, min, hour or day, e.g. “120/min”. Empty: the server's default, "
            f"{settings.API_RATE_LIMIT}."
        )

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires") or ""
        return timezone.now() + timedelta(days=int(days)) if days else None


class IntegrationTokenForm(TokenForm):
    """A token for one of the organisation's existing integrations."""

    holder = forms.TypedChoiceField(
        label="Integration", coerce=int, error_messages={"required": "Choose the integration."}
    )
    field_order = ("holder", "name", "scope", "expires", "rate_limit")

    def __init__(self, *args: Any, integrations: Iterable[User], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_token_%s")  # shares a page with NewIntegrationForm: distinct ids
        super().__init__(*args, **kwargs)
        holder_field: forms.ChoiceField = self.fields["holder"]  # type: ignore[assignment]
        holder_field.choices = [("", "Choose…")] + [
            (user.pk, user.display_name) for user in integrations if user.is_active
        ]


class NewIntegrationForm(TokenForm):
    """A new integration user of the organisation (say "Monitoring") and its first token, in one step."""

    name = forms.CharField(
        label="Integration name",
        max_length=100,
        help_text="What connects to the API, e.g. “Monitoring”. Its first token gets the same name.",
        error_messages={"required": "Give the integration a name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Identifies the integration (it never signs in and is never emailed); must be unique.",
    )
    field_order = ("name", "email", "scope", "expires", "rate_limit")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_integration_%s")
        super().__init__(*args, **kwargs)


def add_domain_errors(
    form: forms.Form,
    error: DomainError,
    renamed: Mapping[str, str] | None = None,
    detail_field: str | None = None,
) -> None:
    """A service's field problems next to the form's fields (`renamed`: service field → form field);
    an error naming no field next to `detail_field`, or above the form."""
    for field, problems in error.fields.items():
        target = (renamed or {}).get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)
    if not error.fields:
        form.add_error(detail_field, error.detail)
