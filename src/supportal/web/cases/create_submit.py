"""What the portal's create page (create.py) and an agent's filing page (agent/filing.py) share: the
case's own fields shown and read back from a post, and opening the case with its files.

Each page adds its own fields (the portal: the caller's name on a shared login; the agent: the
organisation, the contact, the channel and the reason) and its own configuration item picker.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import QueryDict

from supportal.accounts.models import User
from supportal.cases import services
from supportal.cases.models import Case, Kind, Level, RequestType, Visibility
from supportal.cmdb.access import config_item_for
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import DomainError, InvalidInput, NotFound
from supportal.core.files import CheckedFile, human_size
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor
from supportal.web.cases import create_form as form

# What the case's own fields show before anything is typed.
CASE_DEFAULTS = {
    "subject": "",
    "description": "",
    "urgency": Level.MEDIUM.value,
    "impact": Level.LOW.value,
    "reference": "",
    "visibility": Visibility.PRIVATE.value,
    "watcher_emails": "",
}


def values_from(defaults: dict[str, str], data: QueryDict | None) -> dict[str, str]:
    """What the form shows: the defaults, or what was typed."""
    if data is None:
        return dict(defaults)
    return {name: data.get(name, "") for name in defaults}


def form_context(
    request_type: RequestType | None,
    data: QueryDict | None,
    values: dict[str, str],
    errors: dict[str, list[str]],
    *,
    detail: str,
    shown: set[str],
) -> dict[str, Any]:
    """The page's context for the case's own fields; a message about a field not in `shown` (nor one
    of the request type's) goes to the top of the form, as does `detail`, the service's own message."""
    if request_type is not None:
        shown = shown | {f"extra.{f.key}" for f in request_type.fields.all()}
    return {
        "groups": form.request_type_groups(request_type),
        "request_type": request_type,
        "values": values,
        "errors": errors,
        "detail": detail,
        "other_errors": [m for name, msgs in errors.items() if name not in shown for m in msgs],
        "watcher_ids": set(data.getlist("watchers")) if data is not None else set(),
        "priority": form.priority_view(values["urgency"], values["impact"]),
        "matrix": form.matrix_rows(),
        "levels": Level.choices,
        "max_size": human_size(settings.SUPPORTAL_MAX_ATTACHMENT_BYTES),
    }


def case_fields_from(
    actor: Actor,
    data: QueryDict,
    request_type: RequestType | None,
    people: list[User],
    problems: dict[str, list[str]],
    *,
    unknown_item: str,
) -> dict[str, Any]:
    """The case's own fields posted, as `case_create` takes them (watchers ticked from `people`); what
    is wrong goes to `problems`, with `unknown_item` for a configuration item the actor may not see."""
    slug = data.get("request_type", "")
    if request_type is None and (slug or RequestType.objects.filter(is_active=True, kind=Kind.CASE).exists()):
        problems["request_type"] = ["Choose a request type from the list."]
    watchers, watcher_problems = form.watchers_from(data, people)
    if watcher_problems:
        problems["watchers"] = watcher_problems
    return {
        "subject": data.get("subject", ""),
        "description": data.get("description", ""),
        "request_type": request_type,
        "urgency": data.get("urgency", ""),
        "impact": data.get("impact", ""),
        "reference": data.get("reference", ""),
        "visibility": data.get("visibility", ""),
        "config_item": _config_item(actor, data.get("config_item", ""), problems, unknown_item),
        "watchers": watchers,
        "extra": form.extra_from(data, request_type),
    }


def _config_item(actor: Actor, raw: str, problems: dict[str, list[str]], unknown: str) -> ConfigItem | None:
    """The chosen item, if the actor may see it (the service checks it belongs to the organisation)."""
    if not raw:
        return None
    try:
        return config_item_for(actor, raw)
    except NotFound:
        problems["config_item"] = [unknown]
        return None


def open_case(
    *,
    actor: Actor,
    organisation: Organisation | None,
    channel: str,
    files: list[CheckedFile],
    problems: dict[str, list[str]],
    refusal: str,
    **fields: Any,
) -> Case:
    """`case_create` with `fields`, then `attachment_add` for every file, in one transaction.

    Raises the service's DomainError, or InvalidInput(`refusal`) with the form's `problems` when there
    is no organisation or the service found nothing more (the case is then undone); the files are
    closed when it raises."""
    try:
        if organisation is None:
            raise InvalidInput(refusal, fields=problems)
        with transaction.atomic():
            case = services.case_create(actor=actor, organisation=organisation, channel=channel, **fields)
            if problems:
                raise InvalidInput(refusal, fields=problems)
            for file in files:
                services.attachment_add(actor=actor, case=case, file=file, channel=channel)
    except DomainError:
        for file in files:
            file.content.close()
        raise
    return case


def errors_and_status(problems: dict[str, list[str]], error: DomainError) -> tuple[dict[str, list[str]], int]:
    """What the page shows of a refusal: the form's problems with the service's field errors (each once),
    and the status: 422 for what was typed, else the refusal's own."""
    status = 422 if isinstance(error, InvalidInput) else error.status
    return form.merged_errors(problems, error), status
