"""Admin pages for the case configuration, and a read-only view of cases and their history.

Configuration (case types, categories, request types and their forms, state names, severity definitions,
the priority matrix, routing rules) is edited here and audited by ConfigAdmin; a request type's audit row
also carries the old and new values of its form's fields. The six states and the nine cells of the
matrix are fixed: only their labels and priorities change. Cases, events, comments, attachments and links
are read-only, since every change to a case goes through supportal.cases.services. Macros (canned
replies) are configuration too: audited, their placeholders checked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, QuerySet, Value, When
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from supportal.accounts.models import User, UserKind
from supportal.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    CaseType,
    Category,
    Comment,
    ExtraField,
    FieldKind,
    Level,
    Macro,
    PriorityLevel,
    PriorityRule,
    RequestType,
    RoutingRule,
    StateLabel,
)
from supportal.cases.services.macros import PLACEHOLDER
from supportal.core.admin_site import AdminOnly, ConfigAdmin, ReadOnlyAdmin

CHOICE_KINDS = (FieldKind.CHOICE, FieldKind.MULTI_CHOICE)
CHOICE_MAX = 200


class FixedRows:
    """Mixin for configuration whose rows are fixed in code: admins change values, never add or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseType)
class CaseTypeAdmin(ConfigAdmin):
    list_display = ("name", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Category)
class CategoryAdmin(ConfigAdmin):
    list_display = ("name", "slug", "position", "request_type_link")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        categories: QuerySet[Category] = super().get_queryset(request)
        return categories.annotate(request_type_count=Count("request_types"))

    @admin.display(description="Request types", ordering="request_type_count")
    def request_type_link(self, obj: Any) -> str:
        url = reverse("admin:cases_requesttype_changelist") + f"?category__id__exact={obj.pk}"
        return format_html('<a href="{}">{} request types</a>', url, obj.request_type_count)


class ExtraFieldForm(forms.ModelForm):  # type: ignore[type-arg]
    """One field of a request type's form. Keys are slugs (the model's SlugField checks them); choices
    are a JSON list of distinct, non-empty strings, and choice fields need at least one."""

    class Meta:
        model = ExtraField
        fields = ("key", "label", "kind", "required", "choices", "help_text", "position")
        help_texts = {"choices": 'Choice fields only: a JSON list of strings, e.g. ["Yes", "No"].'}
        widgets = {"choices": forms.TextInput(attrs={"size": 40})}

    def clean_choices(self) -> list[str]:
        raw = self.cleaned_data.get("choices")
        if raw in (None, ""):
            return []
        if not isinstance(raw, list) or not all(isinstance(choice, str) for choice in raw):
            raise forms.ValidationError('Write the choices as a JSON list of strings, e.g. ["Yes", "No"].')
        choices = [choice.strip() for choice in raw]
        if any(not choice for choice in choices):
            raise forms.ValidationError("A choice cannot be empty.")
        if any(len(choice) > CHOICE_MAX for choice in choices):
            raise forms.ValidationError(f"A choice has at most {CHOICE_MAX} characters.")
        if len(set(choices)) != len(choices):
            raise forms.ValidationError("Each choice may appear only once.")
        return choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind, choices = cleaned.get("kind"), cleaned.get("choices")
        if "choices" in self.errors or kind is None:
            return cleaned
        if kind in CHOICE_KINDS and not choices:
            self.add_error("choices", "A choice field needs at least one choice.")
        elif kind not in CHOICE_KINDS and choices:
            self.add_error("choices", "Only choice and multiple-choice fields have choices.")
        return cleaned


class ExtraFieldInline(AdminOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = ExtraField
    form = ExtraFieldForm
    extra = 0
    fields = ExtraFieldForm.Meta.fields


@admin.register(RequestType)
class RequestTypeAdmin(ConfigAdmin):
    list_display = ("name", "category", "case_type", "kind", "position", "is_active")
    list_filter = ("category", "case_type", "kind", "is_active")
    search_fields = ("name", "slug")
    list_select_related = ("category", "case_type")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ExtraFieldInline,)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any], change: bool
    ) -> None:
        """Save the form's fields; on a change, add their old and new values to the audit row's diff."""
        names = ExtraFieldForm.Meta.fields  # each form's instance holds the new values by now
        initial = [(f, {name: f.initial.get(name) for name in names}) for f in formset.initial_forms]
        super().save_formset(request, form, formset, change)
        diff = getattr(request, "_supportal_admin_diff", None)
        if not change or diff is None:
            return
        changed = {obj.pk for obj, _names in formset.changed_objects}
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for field_form, values in initial:
            if field_form in formset.deleted_forms:
                old[values["key"]] = values
            elif field_form.instance.pk in changed:
                old[values["key"]] = values
                new[field_form.instance.key] = _field_values(field_form.instance)
        for obj in formset.new_objects:
            new[obj.key] = _field_values(obj)
        if old:
            diff[0]["fields"] = old
        if new:
            diff[1]["fields"] = new


def _field_values(field: ExtraField) -> dict[str, Any]:
    return {name: getattr(field, name) for name in ExtraFieldForm.Meta.fields}


class StateLabelForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StateLabel
        fields = ("label",)

    def clean_label(self) -> str:
        label = " ".join(str(self.cleaned_data.get("label") or "").split())
        if not label:
            raise forms.ValidationError("A state needs a name.")
        taken = StateLabel.objects.filter(label__iexact=label).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another state has this name already.")
        return label


@admin.register(StateLabel)
class StateLabelAdmin(FixedRows, ConfigAdmin):
    """The display names of the six fixed states (the data migration creates one row for each)."""

    form = StateLabelForm
    list_display = ("state", "label")
    fields = ("state", "label")
    readonly_fields = ("state",)


@admin.register(PriorityLevel)
class PriorityLevelAdmin(FixedRows, ConfigAdmin):
    """P1..P4: their names and the severity definitions shown beside urgency and impact."""

    list_display = ("priority", "name", "definition")
    fields = ("priority", "name", "definition")
    readonly_fields = ("priority",)


@admin.register(PriorityRule)
class PriorityRuleAdmin(FixedRows, ConfigAdmin):
    """The urgency x impact matrix: nine cells, each with its priority."""

    list_display = ("urgency", "impact", "priority")
    list_editable = ("priority",)
    list_display_links = ("urgency",)
    fields = ("urgency", "impact", "priority")
    readonly_fields = ("urgency", "impact")

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [_rank("urgency").asc(), _rank("impact").asc()]


def _rank(field: str) -> SqlCase:
    """High, medium, low as 0, 1, 2: the matrix's order rather than the alphabet's."""
    whens = [When(**{field: level}, then=Value(i)) for i, level in enumerate(Level.values)]
    return SqlCase(*whens, default=Value(len(whens)), output_field=IntegerField())


@admin.register(RoutingRule)
class RoutingRuleAdmin(ConfigAdmin):
    """The first active rule (by position) whose conditions all match sends a new case to its team."""

    list_display = (
        "position",
        "name",
        "team",
        "case_type",
        "request_type",
        "config_item_type",
        "organisation",
        "assign_round_robin",
        "is_active",
    )
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("name",)
    ordering = ("position", "id")
    list_select_related = (
        "team",
        "case_type",
        "request_type__category",
        "config_item_type",
        "organisation",
    )


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "subject",
        "organisation",
        "state",
        "priority",
        "team",
        "assignee",
        "updated_at",
    )
    list_filter = ("state", "priority", "organisation")
    search_fields = ("^number", "subject")
    list_select_related = ("organisation", "team", "assignee")
    ordering = ("-updated_at", "-id")
    show_full_result_count = False
    actions = None


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "case", "kind", "actor_label", "channel", "public")
    list_filter = ("kind", "channel", "public")
    search_fields = ("=case__number",)
    list_select_related = ("case",)
    ordering = ("-id",)
    show_full_result_count = False
    actions = None


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "author_label", "public", "channel")
    list_filter = ("public", "channel")
    search_fields = ("=case__number",)
    list_select_related = ("case",)
    ordering = ("-id",)
    show_full_result_count = False
    actions = None


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "filename", "case", "content_type", "size", "public")
    list_filter = ("public", "content_type")
    search_fields = ("=case__number", "filename")
    list_select_related = ("case",)
    ordering = ("-id",)
    actions = None


@admin.register(CaseLink)
class CaseLinkAdmin(ReadOnlyAdmin):
    list_display = ("source", "kind", "target", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("=source__number", "=target__number")
    list_select_related = ("source", "target", "created_by")
    ordering = ("-id",)
    actions = None


# What a macro's text may say; cases.services.macros.macro_values fills them (a test keeps both in step).
MACRO_PLACEHOLDERS = (
    "requester.first_name",
    "requester.name",
    "case.number",
    "case.subject",
    "case.priority",
    "case.url",
    "organisation.name",
    "agent.name",
    "agent.first_name",
)


class MacroForm(forms.ModelForm):  # type: ignore[type-arg]
    """A macro: its text's placeholders must be known ones, and it belongs to everyone, to one team or to
    one agent, never to both a team and an agent."""

    class Meta:
        model = Macro
        fields = (
            "name", "body", "public", "set_action", "set_priority", "set_team", "owner", "for_team",
            "is_active", "position",
        )  # fmt: skip
        help_texts = {
            "body": "Markdown. Placeholders: "
            + ", ".join("{{ " + name + " }}" for name in MACRO_PLACEHOLDERS)
            + ". The agent may edit the text before it is sent.",
            "set_action": "The move made after the text is added (refused if the state does not allow it).",
            "set_priority": "Recorded with the reason “Macro: <name>”.",
            "set_team": "The team the case moves to.",
            "owner": "One agent's own macro. Leave empty, with no team, for everyone's.",
            "for_team": "Offered to this team's agents only.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(kind=UserKind.AGENT, is_active=True).order_by("name", "email")

    def clean_body(self) -> str:
        body = str(self.cleaned_data.get("body") or "")
        unknown = sorted({found.group(1) for found in PLACEHOLDER.finditer(body)} - set(MACRO_PLACEHOLDERS))
        if unknown:
            raise forms.ValidationError(
                "Unknown placeholder: %(names)s.",
                params={"names": ", ".join("{{ " + name + " }}" for name in unknown)},
            )
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("owner") and cleaned.get("for_team"):
            self.add_error("for_team", "A macro is one agent's or one team's, not both.")
        if not str(cleaned.get("body") or "").strip() and not (
            cleaned.get("set_action") or cleaned.get("set_priority") or cleaned.get("set_team")
        ):
            self.add_error("body", "A macro needs a text, or at least a move, a priority or a team to set.")
        return cleaned


@admin.register(Macro)
class MacroAdmin(ConfigAdmin):
    """Canned replies agents apply on a case: a reply or note, and optionally a priority, team and move."""

    form = MacroForm
    list_display = (
        "name", "scope", "kind", "set_action", "set_priority", "set_team", "position", "is_active",
    )  # fmt: skip
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "public", "set_action", "set_priority", "for_team", "set_team")
    search_fields = ("name", "body", "owner__name", "owner__email")
    list_select_related = ("owner", "for_team", "set_team")
    ordering = ("position", "name", "id")
    fieldsets = (
        (None, {"fields": ("name", "body", "public")}),
        ("What else it does", {"fields": ("set_action", "set_priority", "set_team")}),
        ("Who may use it", {"fields": ("owner", "for_team", "is_active", "position")}),
    )

    @admin.display(description="For")
    def scope(self, obj: Macro) -> str:
        if obj.owner_id:
            return f"{obj.owner.display_name if obj.owner else obj.owner_id} (personal)"
        if obj.for_team_id:
            return f"{obj.for_team.name if obj.for_team else obj.for_team_id} (team)"
        return "Everyone"

    @admin.display(description="Adds", ordering="public")
    def kind(self, obj: Macro) -> str:
        return "Public reply" if obj.public else "Internal note"
