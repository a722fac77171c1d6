"""Admin pages for configuration item types and items.

Types and items are added, and items changed, through cmdb.services (validation and audit included); the
forms run the same checks first, so a mistake is a form error. Changing a type and deleting either are
audited by ConfigAdmin.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from supportal.audit.services import AuditChannel
from supportal.cmdb import services
from supportal.cmdb.models import ConfigItem, ConfigItemType
from supportal.core.admin_site import ConfigAdmin
from supportal.core.errors import InvalidInput


def _form_errors(form: forms.ModelForm[Any], error: InvalidInput, field: str) -> None:
    """A service's InvalidInput as errors on the form's `field` ("attributes.<key>" → "<key>: ...")."""
    for name, messages in (error.fields or {"": [error.detail]}).items():
        key = name.removeprefix(field).lstrip(".")
        for message in messages:
            form.add_error(field, f"{key}: {message}" if key else message)


class ConfigItemTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ConfigItemType
        fields = ("code", "name", "description", "attributes")
        help_texts = {
            "attributes": 'A list of {"key", "label", "kind": text|number|date|boolean|choice, '
            '"required": true|false, "choices": [...]}.'
        }

    def clean_attributes(self) -> Any:
        try:
            return services.clean_attribute_definitions(self.cleaned_data.get("attributes") or [])
        except InvalidInput as error:
            _form_errors(self, error, "attributes")
            return []


@admin.register(ConfigItemType)
class ConfigItemTypeAdmin(ConfigAdmin):
    audit_additions = False  # config_item_type_create audits it
    form = ConfigItemTypeForm
    list_display = ("name", "code")
    search_fields = ("name", "code")

    def save_model(self, request: HttpRequest, obj: ConfigItemType, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.config_item_type_create(
            actor=request.user,
            channel=AuditChannel.ADMIN,
            code=obj.code,
            name=obj.name,
            description=obj.description,
            attributes=obj.attributes,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db


class ConfigItemForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ConfigItem
        fields = ("organisation", "item_type", "name", "identifier", "attributes", "is_active")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        item_type = cleaned.get("item_type")
        if item_type is not None and "attributes" not in self.errors:
            try:
                cleaned["attributes"] = services.clean_attributes(item_type, cleaned.get("attributes") or {})
            except InvalidInput as error:
                _form_errors(self, error, "attributes")
        # On change the organisation is read-only, so Django's own check of the unique name skips.
        name = cleaned.get("name")
        if self.instance.pk is not None and item_type is not None and name:
            duplicate = ConfigItem.objects.filter(
                organisation_id=self.instance.organisation_id, item_type=item_type, name__iexact=name.strip()
            ).exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error("name", "The organisation has an item of this type with this name already.")
        return cleaned


@admin.register(ConfigItem)
class ConfigItemAdmin(ConfigAdmin):
    audit_additions = False  # config_item_create audits it
    form = ConfigItemForm
    list_display = ("name", "item_type", "organisation", "identifier", "is_active", "updated_at")
    list_filter = ("item_type", "is_active", "organisation")
    search_fields = ("name", "identifier", "organisation__name")
    list_select_related = ("item_type", "organisation")
    readonly_fields = ("created_at", "updated_at")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ("organisation", "item_type", "name", "identifier", "attributes")
        return fields if obj is None else (*fields, "is_active", *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # An item stays with its organisation (its cases and history do).
        return ("organisation", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ConfigItem, form: Any, change: bool) -> None:
        if change:
            changes = {
                field: form.cleaned_data[field]
                for field in form.changed_data
                if field in services.ITEM_CHANGES
            }
            services.config_item_update(actor=request.user, channel=AuditChannel.ADMIN, item=obj, **changes)
            return
        created = services.config_item_create(
            actor=request.user,
            channel=AuditChannel.ADMIN,
            organisation=obj.organisation,
            item_type=obj.item_type,
            name=obj.name,
            identifier=obj.identifier,
            attributes=obj.attributes,
        )
        for field in ("id", "created_at", "updated_at", "is_active"):
            setattr(obj, field, getattr(created, field))
        obj._state.adding = False
        obj._state.db = created._state.db

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # config_item_update wrote the audit row; keep only the admin's own history entry.
        return admin.ModelAdmin.log_change(self, request, obj, message)
