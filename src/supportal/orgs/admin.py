"""Admin pages for plans, organisations, permission groups, teams and escalation matrices.

Organisations are created through orgs.services.organisation_create (virtual user and audit included);
membership groups change through orgs.services.membership_groups_set; the account status only changes
through the portal page or the API, so its history is read-only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from supportal.accounts.models import User
from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnlyAdmin
from supportal.core.http import client_ip
from supportal.orgs import services
from supportal.orgs.models import (
    AccountStatusChange,
    Channel,
    EscalationContact,
    EscalationLevel,
    Membership,
    Organisation,
    OrganisationDomain,
    Permission,
    PermissionGroup,
    SupportPlan,
    Team,
    TeamMembership,
)


class SupportPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    channels = forms.MultipleChoiceField(
        choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = SupportPlan
        fields = (
            "code",
            "name",
            "description",
            "channels",
            "portal_required_for_new_cases",
            "paging_24x7",
            "page_on_p2",
            "escalate_on_sla_breach",
        )


@admin.register(SupportPlan)
class SupportPlanAdmin(ConfigAdmin):
    form = SupportPlanForm
    list_display = ("name", "code", "channels", "portal_required_for_new_cases", "paging_24x7")
    search_fields = ("name", "code")


class PermissionGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    permissions = forms.MultipleChoiceField(
        choices=Permission.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = PermissionGroup
        fields = ("code", "name", "description", "permissions")


@admin.register(PermissionGroup)
class PermissionGroupAdmin(ConfigAdmin):
    form = PermissionGroupForm
    list_display = ("name", "code", "permissions")
    search_fields = ("name", "code")


class DomainInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = OrganisationDomain
    extra = 1


class EscalationLevelInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = EscalationLevel
    extra = 0
    show_change_link = True
    fields = ("level", "name", "description")


@admin.register(Organisation)
class OrganisationAdmin(ConfigAdmin):
    audit_additions = False  # organisation_create audits it
    list_display = ("name", "plan", "account_status", "csm", "shared_login", "self_registration", "is_active")
    list_filter = ("plan", "account_status", "shared_login", "self_registration", "is_active")
    search_fields = ("name", "slug", "domains__domain")
    list_select_related = ("plan", "csm")
    filter_horizontal = ("default_groups",)
    inlines = (DomainInline, EscalationLevelInline)
    add_fields = ("name", "plan", "csm", "shared_login", "self_registration", "default_groups")
    readonly_fields = ("slug", "account_status", "virtual_user", "created_at")

    def audit_organisation_id(self, obj: Any) -> int | None:
        return int(obj.pk)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an organisation's cases, history and audit stay: deactivate it instead

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.add_fields
        return (*self.add_fields, "is_active", *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "csm":
            kwargs["queryset"] = User.objects.filter(kind="agent", is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            if "plan" in form.changed_data:  # the SLA clocks of its open cases follow the new plan
                from supportal.sla.services import sla_retarget_organisation

                sla_retarget_organisation(organisation=obj)
            return
        created = services.organisation_create(
            actor=request.user,
            channel="admin",
            name=obj.name,
            plan=obj.plan,
            csm=obj.csm,
            shared_login=obj.shared_login,
            self_registration=obj.self_registration,
        )
        # The form and inline formsets hold `obj`; make it the row the service created.
        for field in ("id", "slug", "virtual_user_id", "account_status", "created_at", "is_active"):
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False
        obj._state.db = created._state.db


class ContactInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = EscalationContact
    extra = 1


@admin.register(EscalationLevel)
class EscalationLevelAdmin(ConfigAdmin):
    list_display = ("organisation", "level", "name")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    inlines = (ContactInline,)


class TeamMembershipInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = TeamMembership
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(kind="agent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Team)
class TeamAdmin(ConfigAdmin):
    list_display = ("name", "slug", "email")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TeamMembershipInline,)


@admin.register(Membership)
class MembershipAdmin(ConfigAdmin):
    """A customer user's groups. Memberships come with the user (accounts admin or the services)."""

    list_display = ("user", "organisation", "group_names")
    list_filter = ("organisation", "groups")
    search_fields = ("user__email", "user__name", "organisation__name")
    list_select_related = ("user", "organisation")
    fields = ("user", "organisation", "groups")
    readonly_fields = ("user", "organisation")
    filter_horizontal = ("groups",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Permission groups")
    def group_names(self, obj: Membership) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_related(
        self, request: HttpRequest, form: Any, formsets: list[BaseInlineFormSet[Any, Any, Any]], change: bool
    ) -> None:
        services.membership_groups_set(
            actor=request.user,
            channel="admin",
            user=form.instance.user,
            groups=form.cleaned_data["groups"],
            ip=client_ip(request),
        )

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # membership_groups_set wrote the audit row; keep only the admin's own history entry.
        return admin.ModelAdmin.log_change(self, request, obj, message)


@admin.register(AccountStatusChange)
class AccountStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "old_status", "new_status", "changed_by", "changed_at")
    list_filter = ("new_status", "organisation")
    search_fields = ("organisation__name", "reason")
    list_select_related = ("organisation", "changed_by")
    date_hierarchy = "changed_at"
