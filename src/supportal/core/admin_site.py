"""The admin (/admin/): configuration pages for admins only.

Admins are active agents with is_staff (orgs.policies.is_admin). A customer never gets in, even with
is_staff set by mistake, and Django's per-model permission rows play no part: every ModelAdmin and inline
derives from AdminOnly, which asks the same policy. Changes made here are written to the audit record
(channel "admin"); objects with a service of their own (organisations, users, memberships) go through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from supportal.core.http import client_ip


def _is_admin(request: HttpRequest) -> bool:
    from supportal.orgs import policies

    return policies.is_admin(request.user)


class SupportalAdminSite(admin.AdminSite):
    site_header = "Supportal configuration"
    site_title = "Supportal admin"
    index_title = "Configuration"

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)


class SupportalAdminConfig(AdminConfig):
    """Installed instead of "django.contrib.admin" so that admin.site is a SupportalAdminSite."""

    default_site = "supportal.core.admin_site.SupportalAdminSite"


class AdminOnly:
    """Mixin for ModelAdmins and inlines: admins may view, add, change and delete; nobody else may."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)


class ReadOnly(AdminOnly):
    """Mixin for records that are written only by services (or never): admins may look, not touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class Audited:
    """Mixin for ModelAdmins: every addition, change and deletion made in the admin is audited."""

    audit_additions = True  # False where the service that adds the object audits it already

    def audit_organisation_id(self, obj: Any) -> int | None:
        organisation_id = getattr(obj, "organisation_id", None)
        return organisation_id if isinstance(organisation_id, int) else None

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        if self.audit_additions:
            self._audit(request, "added", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:  # the old and new values of what the form changed, for log_change's audit row
            fields = [name for name in form.changed_data if "password" not in name]
            request._supportal_admin_diff = (  # type: ignore[attr-defined]
                {name: _plain(form.initial.get(name)) for name in fields},
                {name: _plain(form.cleaned_data.get(name)) for name in fields},
            )
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._audit(request, "changed", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            self._audit(request, "deleted", obj, [])
        return super().log_deletions(request, queryset)  # type: ignore[misc]

    def _audit(self, request: HttpRequest, verb: str, obj: Model, message: Any) -> None:
        from supportal.audit.services import AuditChannel, audit_record

        diff: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        if verb == "changed":
            diff = getattr(request, "_supportal_admin_diff", diff)
        old, new = diff
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{verb}",
            channel=AuditChannel.ADMIN,
            target=obj,
            organisation_id=self.audit_organisation_id(obj),
            old=old or None,
            new={"object": str(obj), "changes": _changes(message), **new},
            ip=client_ip(request),
        )


class ConfigAdmin(AdminOnly, Audited, admin.ModelAdmin):  # type: ignore[type-arg]
    """A configuration object edited in the admin."""


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


def _changes(message: Any) -> Any:
    """The admin's change message (a list of {"added"|"changed"|"deleted": {...}}) as plain JSON."""
    if isinstance(message, str):
        return message
    if isinstance(message, Iterable):
        return list(message)
    return str(message)


def _plain(value: Any) -> Any:
    """A form value as JSON: objects by primary key, sets of objects as sorted keys."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted((_plain(v) for v in value), key=str)
    return value
