"""Forms of sign-in and onboarding. They parse and check shapes; the rules live in services."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth.forms import SetPasswordForm

from supportal.accounts import selectors
from supportal.accounts.adapters import NOT_SELF_REGISTRATION
from supportal.accounts.models import ContactMethod


class SelfRegistrationForm(SignupForm):  # type: ignore[misc]
    """allauth's signup form, with the person's name, for addresses in a self-registration domain only."""

    name = forms.CharField(label="Your name", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Company email"
        self.fields["email"].help_text = "Your work address; we send you a link to confirm it."
        order = ["name", "email", "password1", "password2"]
        self.order_fields(order + [f for f in self.fields if f not in order])

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError("Tell us your name.")
        return name

    def clean_email(self) -> str:
        email: str = super().clean_email()
        if selectors.self_registration_organisation(email) is None:
            raise forms.ValidationError(NOT_SELF_REGISTRATION)
        return email


class RegisterForm(forms.Form):
    """ "Register now": ask the provider for an account."""

    email = forms.EmailField(label="Email address", max_length=254)
    name = forms.CharField(label="Your name", max_length=200)
    phone = forms.CharField(label="Phone", max_length=50, required=False)
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    company = forms.CharField(label="Company", max_length=200, required=False)
    message = forms.CharField(
        label="Anything we should know?",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Choose a password through the invitation link (Django's validators apply)."""
