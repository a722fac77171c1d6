"""Adding configuration items in the workspace: /agent/config-items/new/ (choose a type, then its form
with the organisation picker) and /agent/config-items/import/ (CSV pasted or uploaded, for one
organisation: a dry run first if wanted, all or nothing unless "partial"). Agents only; the writes are
cmdb.services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from supportal.agent.config_items_forms import ItemForm
from supportal.agent.guards import agent_required
from supportal.agent.organisation_picker import NAME, QUERY_NAME, OrganisationPicker, Purpose, picker_for
from supportal.audit.services import AuditChannel
from supportal.cmdb import selectors, services
from supportal.cmdb.models import ConfigItemType
from supportal.cmdb.services.csv_import import MAX_TEXT
from supportal.core.errors import Conflict, InvalidInput
from supportal.orgs.models import Organisation

CHOOSE = "Choose the organisation."


def _picker(request: HttpRequest, *, errors: list[str] | None = None) -> OrganisationPicker:
    data = request.POST if request.method == "POST" else request.GET
    return picker_for(
        request.user, Purpose.FILING, data.get(QUERY_NAME, ""), data.get(NAME, ""), errors=errors
    )


def _chosen(request: HttpRequest, picker: OrganisationPicker) -> Organisation | None:
    """The organisation chosen in the picker, if it is one the picker offers (active, visible)."""
    if picker.none_chosen:
        return None
    return next((o for o in picker.organisations if str(o.pk) == picker.selected), None)


@agent_required
@require_http_methods(["GET", "POST"])
def config_item_new(request: HttpRequest) -> HttpResponse:
    actor = request.user
    types = list(selectors.config_item_types_visible_to(actor).order_by("name"))
    code = request.GET.get("type", "")
    item_type: ConfigItemType | None = next((t for t in types if t.code == code), None)
    if item_type is None:
        return render(
            request, "agent/config_items/new.html", {"types": types, "picker_query": _keep(request)}
        )
    form = ItemForm(request.POST or None, item_type=item_type)
    picker = _picker(request)
    if request.method == "POST":
        organisation = _chosen(request, picker)
        if organisation is None:
            picker = _picker(request, errors=[CHOOSE])
        elif form.is_valid():
            try:
                item = services.config_item_create(
                    actor=actor, channel=AuditChannel.WEB, organisation=organisation, item_type=item_type,
                    name=form.cleaned_data["name"], identifier=form.cleaned_data["identifier"],
                    attributes=form.attributes(),
                )  # fmt: skip
            except Conflict as error:
                form.add_error("name", error.detail)
            except InvalidInput as error:
                form.add_errors(error)
            else:
                messages.success(request, f"{item.name} added.")
                return HttpResponseRedirect(reverse("agent:config_item", kwargs={"config_item_id": item.pk}))
    invalid = request.method == "POST"
    context = {"item_type": item_type, "form": form, "picker": picker, "types": types}
    return render(request, "agent/config_items/new.html", context, status=422 if invalid else 200)


def _keep(request: HttpRequest) -> str:
    chosen = request.GET.get(NAME, "")
    return f"&{NAME}={chosen}" if chosen.isdigit() else ""


class ImportForm(forms.Form):
    csv_text = forms.CharField(
        label="CSV",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 10, "class": "form-control font-monospace", "spellcheck": "false"}
        ),
        help_text="Columns type,name,identifier, then attribute keys. Or upload a file below.",
    )
    csv_file = forms.FileField(label="or a CSV file", required=False)
    dry_run = forms.BooleanField(label="Dry run: check and count only", required=False, initial=True)
    partial = forms.BooleanField(label="Import the good rows even if some are bad", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("csv_file")
        if upload is not None:
            if upload.size > MAX_TEXT:
                raise forms.ValidationError("The file is too large.")
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("csv_text", "").strip():
            raise forms.ValidationError("Paste the CSV or choose a file.")
        return data


@agent_required
@require_http_methods(["GET", "POST"])
def config_items_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    picker = _picker(request)
    report = None
    if request.method == "POST":
        organisation = _chosen(request, picker)
        if organisation is None:
            picker = _picker(request, errors=[CHOOSE])
        if form.is_valid() and organisation is not None:
            try:
                report = services.config_items_import(
                    actor=request.user, channel=AuditChannel.WEB, organisation=organisation,
                    csv_text=form.cleaned_data["csv_text"], dry_run=form.cleaned_data["dry_run"],
                    partial=form.cleaned_data["partial"],
                )  # fmt: skip
            except InvalidInput as error:
                form.add_error(None, error.detail)
    status = 422 if request.method == "POST" and (form.errors or picker.errors) else 200
    context = {"form": form, "picker": picker, "report": report}
    return render(request, "agent/config_items/import.html", context, status=status)
