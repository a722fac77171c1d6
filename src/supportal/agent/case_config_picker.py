"""The case page's configuration item edit: the portal's search-as-you-type picker (web/cases/create_form),
scoped to the case's organisation, so the page lists at most create_form.MAX_ITEMS items however many
the organisation has. The search box asks the filing page's endpoint (agent:case_new_config_items);
without JavaScript its "Search" button posts `_refresh` and the page comes back with the matches."""

from __future__ import annotations

from django.http import QueryDict

from supportal.accounts.models import User
from supportal.agent.case_forms import ConfigItemForm
from supportal.agent.filing_form import picker_scope
from supportal.cases.models import Case
from supportal.web.cases import create_form

REFRESH = "_refresh"  # the no-JavaScript "Search" button's name: show the matches, change nothing


def config_picker(actor: User, case: Case, form: ConfigItemForm) -> create_form.Picker:
    """The picker showing the posted choice and search (a refused or refreshed post), else the case's item."""
    if form.is_bound and isinstance(form.data, QueryDict):
        data = form.data
        errors = [str(e) for e in form.errors.get("config_item", [])] if REFRESH not in data else []
    else:
        data = QueryDict(mutable=True)
        data["config_item"] = str(case.config_item_id or "")
        errors = []
    label = f"Configuration item of {case.organisation.name}"
    scope = picker_scope(case.organisation)
    return create_form.picker(actor, "config_item", label, data, errors=errors, scope=scope)
