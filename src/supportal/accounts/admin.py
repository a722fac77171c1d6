"""Admin pages for people, registration requests and API tokens.

A user added here is created by orgs.services (customer_user_create or agent_create), so the membership,
team roles and audit come with it; the person then sets a password through an invitation or a reset.
Registration requests are decided by the CSM in the agent workspace and API tokens are made with
`supportal token create` or /api/v1/tokens, so both are read-only here (a token shows its prefix only).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest

from supportal.accounts.models import ApiToken, RegistrationRequest, User, UserKind, normalize_email
from supportal.core.admin_site import AdminOnly, Audited, ReadOnlyAdmin
from supportal.orgs import services
from supportal.orgs.models import Organisation, PermissionGroup

# Supportal's permissions come from orgs.PermissionGroup; Django's auth groups are not used.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


class UserChangeForm(BaseUserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = (
            "email",
            "name",
            "phone",
            "preferred_contact",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
        )


class UserAddForm(forms.ModelForm):  # type: ignore[type-arg]
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in (UserKind.CUSTOMER, UserKind.INTEGRATION, UserKind.AGENT)]
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="Required for customer users and integrations.",
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=PermissionGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What a customer user may do.",
    )
    is_admin = forms.BooleanField(required=False, label="Admin", help_text="Agents only.")

    class Meta:
        model = User
        fields = ("email", "name", "phone")

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        is_agent = data.get("kind") == UserKind.AGENT
        if not is_agent and not data.get("organisation"):
            self.add_error("organisation", "Choose the organisation this user belongs to.")
        if is_agent and data.get("organisation"):
            self.add_error("organisation", "Agents belong to no organisation.")
        if not is_agent and data.get("is_admin"):
            self.add_error("is_admin", "Only agents can be admins.")
        return data


@admin.register(User)
class UserAdmin(AdminOnly, Audited, BaseUserAdmin):  # type: ignore[type-arg]
    form = UserChangeForm
    add_form = UserAddForm
    add_form_template = None
    audit_additions = False  # the services audit the creation
    list_display = ("email", "name", "kind", "organisation_name", "is_active", "is_staff", "last_login")
    list_filter = ("kind", "is_active", "is_staff")
    search_fields = ("email", "name", "phone")
    ordering = ("email",)
    list_select_related = ("membership__organisation",)
    filter_horizontal = ()
    readonly_fields = ("kind", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password", "kind")}),
        ("Personal info", {"fields": ("name", "phone", "preferred_contact")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "name", "phone", "kind", "organisation", "groups", "is_admin")}),
    )

    @admin.display(description="Organisation", ordering="membership__organisation__name")
    def organisation_name(self, obj: User) -> str:
        membership = getattr(obj, "membership", None)
        return membership.organisation.name if membership is not None else ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # people stay named in cases, history and the audit: deactivate them instead

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created: User
        if data["kind"] == UserKind.AGENT:
            created = services.agent_create(
                actor=request.user,
                channel="admin",
                email=data["email"],
                name=data["name"],
                is_admin=data["is_admin"],
            )
        else:
            created = services.customer_user_create(
                actor=request.user,
                channel="admin",
                organisation=data["organisation"],
                email=data["email"],
                name=data["name"],
                phone=data.get("phone", ""),
                groups=data["groups"],
                kind=data["kind"],
            )
        # The admin goes on with `obj` (history entry, redirect); make it the row the service created.
        obj.pk = created.pk
        obj.kind = created.kind
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            super().save_related(request, form, formsets, change)


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(ReadOnlyAdmin):
    list_display = ("email", "name", "company", "organisation", "status", "created_at", "decided_by")
    list_filter = ("status", "organisation")
    search_fields = ("email", "name", "company")
    list_select_related = ("organisation", "decided_by")
    date_hierarchy = "created_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "prefix",
        "name",
        "user",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("scope",)
    search_fields = ("prefix", "name", "user__email")
    list_select_related = ("user",)
    fields = ("prefix", "name", "user", "scope", "created_at", "last_used_at", "expires_at", "revoked_at")
