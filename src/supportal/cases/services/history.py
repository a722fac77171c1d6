"""Writing a case's history: every service records its events here, in its own transaction."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Case, CaseEvent, Channel, EventKind
from supportal.core.domain_events import DomainEvent, publish
from supportal.orgs.policies import Actor, is_agent


def user_of(actor: Actor) -> User | None:
    """The actor as a user row to store, or None (the system, an anonymous caller)."""
    return actor if isinstance(actor, User) else None


def label_of(actor: Actor) -> str:
    if actor is None:
        return "Supportal"
    return str(getattr(actor, "display_name", "") or actor)


def record(
    case: Case,
    kind: EventKind,
    *,
    actor: Actor,
    channel: Channel | str,
    public: bool = True,
    on_behalf_of: Any = None,
    data: dict[str, Any] | None = None,
    publish_as: str | None = None,
) -> CaseEvent:
    """Append one event to the case's history; publish `publish_as` (a domain event) after commit."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=user_of(actor),
        actor_label=label_of(actor),
        on_behalf_of=on_behalf_of,
        channel=channel,
        public=public,
        data=data or {},
        at=timezone.now(),
    )
    from supportal.sla.services.follow import clocks_follow  # the SLA clocks follow every event

    clocks_follow(case, event, by_agent=is_agent(actor) and on_behalf_of is None)
    if publish_as:
        publish(
            DomainEvent(
                publish_as,
                case_id=case.pk,
                event_id=event.pk,
                actor_id=getattr(actor, "pk", None),
                data={"number": case.number, **(data or {})},
            )
        )
    return event


def touch(case: Case, *fields: str) -> None:
    """Save the changed `fields` and the case's `updated_at` (one UPDATE)."""
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "updated_at"])


def json_value(value: Any) -> Any:
    """A field's value as the history stores it: ids for related objects, strings for the rest."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return str(value)
