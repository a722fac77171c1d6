"""Opening a case: the one function every channel (portal, agent, email, chat, API, alerts) calls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from supportal.accounts.models import User, UserKind
from supportal.cases import policies, search
from supportal.cases.lifecycle import State
from supportal.cases.models import (
    Case,
    CaseType,
    Channel,
    EventKind,
    Kind,
    Level,
    Priority,
    RequestType,
    Visibility,
)
from supportal.cases.services import history, routing
from supportal.cases.services.extra_fields import clean_extra
from supportal.cases.services.numbers import next_case_number
from supportal.cases.services.priority import EMAIL_PRIORITY, priority_for
from supportal.cases.services.watchers import clean_watchers, save_watchers
from supportal.core.errors import Forbidden, InvalidInput
from supportal.core.markdown import check_markdown
from supportal.orgs.models import Organisation, Team
from supportal.orgs.policies import Actor, is_agent

T = TypeVar("T")

SUBJECT_MAX = 250
DESCRIPTION_MAX = 100_000
REFERENCE_MAX = 100


def case_create(
    *,
    actor: Actor,
    organisation: Organisation,
    subject: str,
    channel: Channel | str,
    description: str = "",
    requester: User | None = None,
    requester_name: str = "",
    request_type: RequestType | None = None,
    case_type: CaseType | None = None,
    urgency: str = Level.MEDIUM,
    impact: str = Level.LOW,
    reference: str = "",
    visibility: str = Visibility.PRIVATE,
    config_item: Any = None,
    watchers: Sequence[User | str] = (),
    extra: dict[str, Any] | None = None,
    filed_reason: str = "",
    follow_up_of: Case | None = None,
    priority: str | None = None,
    team: Team | None = None,
) -> Case:
    """Open a case (or an order, when the request type is one) and route it to a team.

    `actor` is whoever files it; `requester` the customer it is for (the actor when a customer files
    their own; the organisation's virtual user when an alert or an integration files it).
    `follow_up_of` names the Closed case a reply is following up (see `links.follow_up_create`).
    `priority` set overrides the urgency x impact matrix (an alert's severity); `team` set replaces the
    routing rules.
    """
    if follow_up_of is not None:  # a reply to a Closed case: whoever may reply may open its follow-up
        if not policies.can_comment(actor, follow_up_of):
            raise Forbidden("You may not reply to this case.")
    else:
        if not policies.can_create_case(actor, organisation):
            raise Forbidden("You may not open cases for this organisation.")
        _check_plan(actor, organisation, channel)
    requester = _requester(actor, organisation, requester)
    case_type, kind = _type_of(request_type, case_type)
    errors: dict[str, list[str]] = {}
    subject = " ".join((subject or "").split())
    if not subject:
        errors["subject"] = ["A case needs a subject."]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [f"At most {SUBJECT_MAX} characters."]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"At most {DESCRIPTION_MAX} characters."]
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        errors["reference"] = [f"At most {REFERENCE_MAX} characters."]
    for name, value in (("urgency", urgency), ("impact", impact)):
        if value not in Level.values:
            errors[name] = ["Choose high, medium or low."]
    if priority is not None and priority not in Priority.values:
        errors["priority"] = ["Choose P1, P2, P3 or P4."]
    if visibility not in Visibility.values:
        errors["visibility"] = ["Choose private or organization."]
    if channel not in Channel.values:
        errors["channel"] = ["Unknown channel."]
    requester_name = requester_name.strip()
    if organisation.shared_login and requester == actor and not requester_name:
        errors["requester_name"] = ["This is a shared login: say who you are."]
    if config_item is not None and config_item.organisation_id != organisation.pk:
        errors["config_item"] = ["No such configuration item in this organisation."]
    # Every check runs, so the person sees all that needs fixing at once.
    clean = _collect(errors, lambda: clean_extra(request_type, extra, organisation=organisation)) or {}
    watcher_list = _collect(errors, lambda: clean_watchers(watchers, organisation=organisation)) or []
    if "description" not in errors:
        _collect(errors, lambda: check_markdown(description, field="description"))
    if errors:
        raise InvalidInput("The case could not be opened.", fields=errors)
    if priority is None:
        priority = EMAIL_PRIORITY if channel == Channel.EMAIL else priority_for(urgency, impact)
    filed_by = history.user_of(actor) if actor.pk != requester.pk else None

    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.create(
            number=next_case_number(now),
            kind=kind,
            case_type=case_type,
            request_type=request_type,
            organisation=organisation,
            requester=requester,
            requester_name=requester_name[:200],
            filed_by=filed_by,
            filed_reason=filed_reason.strip()[:300],
            config_item=config_item,
            urgency=urgency,
            impact=impact,
            priority=priority,
            subject=subject,
            description=description,
            reference=reference,
            visibility=visibility,
            channel=channel,
            state=State.NEW,
            extra=clean,
            created_at=now,
            updated_at=now,
        )
        history.record(
            case,
            EventKind.CREATED,
            actor=actor,
            channel=channel,
            on_behalf_of=requester if filed_by else None,
            data={
                "state": State.NEW.value,
                "kind": kind,
                "type": case_type.code,
                "priority": priority,
                "urgency": urgency,
                "impact": impact,
                "subject": subject,
                "filed_reason": case.filed_reason,
                "requester_name": case.requester_name,
            },
            publish_as="case.created",
        )
        save_watchers(case, watcher_list, actor=actor, channel=channel, record_events=False)
        search.index_case(case)
        routing.route_new_case(case, channel=channel, team=team)
        if request_type is not None:  # an order, or a change that needs approval
            from supportal.catalog.services.orders import order_begin

            order_begin(case, actor=actor, channel=channel)
    return case


def _collect(errors: dict[str, list[str]], check: Callable[[], T]) -> T | None:
    """Run one check; add its field errors to `errors` instead of stopping at the first."""
    try:
        return check()
    except InvalidInput as error:
        for field, messages in (error.fields or {"__all__": [error.detail]}).items():
            errors.setdefault(field, []).extend(messages)
        return None


# Plans name the channels people may use; a monitoring alert comes in through the API.
_PLAN_CHANNEL = {Channel.ALERT: "api"}
_PEOPLE_CHANNELS = {Channel.EMAIL, Channel.CHAT, Channel.PHONE}


def _check_plan(actor: Actor, organisation: Organisation, channel: str) -> None:
    """Customers open cases only through their plan's channels (agents filing for them are not bound)."""
    if is_agent(actor) or channel == Channel.SYSTEM:
        return
    plan = organisation.plan
    wanted = _PLAN_CHANNEL.get(Channel(channel), channel) if channel in Channel.values else channel
    if not plan.allows(str(wanted)):
        raise Forbidden(f"The {plan.name} plan does not include opening cases through the {wanted} channel.")
    if plan.portal_required_for_new_cases and channel in _PEOPLE_CHANNELS:
        raise Forbidden(f"The {plan.name} plan opens new cases in the portal; replies by {channel} work.")


def _requester(actor: Actor, organisation: Organisation, requester: User | None) -> User:
    if requester is None:
        if is_agent(actor) or getattr(actor, "kind", None) == UserKind.INTEGRATION:
            if organisation.virtual_user is None:
                raise InvalidInput("Name the requester.", fields={"requester": ["This field is required."]})
            return organisation.virtual_user
        return actor  # type: ignore[return-value]
    if requester.pk == getattr(actor, "pk", None):
        return requester
    if not is_agent(actor) and getattr(actor, "kind", None) not in (UserKind.INTEGRATION, UserKind.SYSTEM):
        raise Forbidden("Only agents may open a case for someone else.")
    belongs = (
        requester.pk == organisation.virtual_user_id
        or getattr(getattr(requester, "membership", None), "organisation_id", None) == organisation.pk
    )
    if not belongs or not requester.is_active:
        raise InvalidInput(
            "The requester must be an active user of the organisation.",
            fields={"requester": ["Not a user of this organisation."]},
        )
    return requester


def _type_of(request_type: RequestType | None, case_type: CaseType | None) -> tuple[CaseType, str]:
    if request_type is not None:
        if not request_type.is_active:
            raise InvalidInput("That request type is retired.", fields={"request_type": ["Not available."]})
        return request_type.case_type, request_type.kind
    if case_type is None:
        default = getattr(settings, "SUPPORTAL_DEFAULT_CASE_TYPE", "general-request")
        case_type = (
            CaseType.objects.filter(code=default, is_active=True).first()
            or CaseType.objects.filter(is_active=True).first()
        )
        if case_type is None:
            raise InvalidInput("No case types are configured yet.", fields={"type": ["Ask an admin."]})
    elif not case_type.is_active:
        raise InvalidInput("That case type is retired.", fields={"type": ["Not available."]})
    return case_type, Kind.CASE
