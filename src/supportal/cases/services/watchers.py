"""The watchlist: colleagues and plain email addresses that get every public update of a case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from supportal.accounts.models import User, UserKind, normalize_email
from supportal.cases import policies
from supportal.cases.lifecycle import State
from supportal.cases.models import Case, Channel, EventKind, Watcher
from supportal.cases.services import history
from supportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from supportal.orgs.models import Organisation
from supportal.orgs.policies import Actor

MAX_WATCHERS = 50


@dataclass(frozen=True)
class WatcherSpec:
    user: User | None
    email: str


def clean_watchers(watchers: Sequence[User | str], *, organisation: Organisation) -> list[WatcherSpec]:
    """Users must be the organisation's people or agents; an address of a known user becomes that user."""
    if len(watchers) > MAX_WATCHERS:
        raise InvalidInput("Too many watchers.", fields={"watchers": [f"At most {MAX_WATCHERS}."]})
    emails = [normalize_email(w) for w in watchers if isinstance(w, str)]
    known = {u.email: u for u in User.objects.filter(email__in=emails).select_related("membership")}
    specs: dict[str, WatcherSpec] = {}
    bad: list[str] = []
    for watcher in watchers:
        if isinstance(watcher, User):
            user = watcher
        else:
            email = normalize_email(watcher)
            try:
                validate_email(email)
            except ValidationError:
                bad.append(f"{watcher!r} is not an email address.")
                continue
            found = known.get(email)
            if found is None:
                specs[email] = WatcherSpec(None, email)
                continue
            user = found
        if not _may_watch(user, organisation):
            bad.append(f"{user.email} cannot watch this organisation's cases.")
            continue
        specs[user.email] = WatcherSpec(user, user.email)
    if bad:
        raise InvalidInput("Some watchers are not valid.", fields={"watchers": bad})
    return list(specs.values())


def _may_watch(user: User, organisation: Organisation) -> bool:
    if not user.is_active:
        return False
    if user.kind == UserKind.AGENT:
        return True
    membership = getattr(user, "membership", None)
    return (
        user.kind == UserKind.CUSTOMER
        and membership is not None
        and membership.organisation_id == organisation.pk
    )


def save_watchers(
    case: Case, specs: list[WatcherSpec], *, actor: Actor, channel: Channel | str, record_events: bool = True
) -> list[Watcher]:
    existing = set(case.watchers.values_list("email", flat=True)) if record_events else set()
    added = [
        Watcher(case=case, user=spec.user, email=spec.email) for spec in specs if spec.email not in existing
    ]
    Watcher.objects.bulk_create(added)
    if record_events:
        for watcher in added:
            history.record(
                case,
                EventKind.WATCHER_ADDED,
                actor=actor,
                channel=channel,
                data={"email": watcher.email, "user": watcher.user_id},
            )
    return added


def watcher_add(*, actor: Actor, case: Case, watcher: User | str, channel: Channel | str) -> None:
    """Agents add anyone allowed; customers who may comment add colleagues or addresses (or themselves)."""
    if not policies.can_comment(actor, case):
        raise Forbidden("You may not change this case's watchlist.")
    specs = clean_watchers([watcher], organisation=case.organisation)
    with transaction.atomic():
        _refuse_closed(case)
        if save_watchers(case, specs, actor=actor, channel=channel):
            history.touch(case)


def watcher_remove(*, actor: Actor, case: Case, email: str, channel: Channel | str) -> None:
    """Anyone who may comment removes a watcher; a watcher may always remove themselves."""
    email = normalize_email(email)
    own = email == normalize_email(getattr(actor, "email", "") or "")
    if not (own or policies.can_comment(actor, case)):
        raise Forbidden("You may not change this case's watchlist.")
    with transaction.atomic():
        _refuse_closed(case)
        deleted, _ = Watcher.objects.filter(case=case, email=email).delete()
        if not deleted:
            raise NotFound("That address is not on the watchlist.")
        history.record(case, EventKind.WATCHER_REMOVED, actor=actor, channel=channel, data={"email": email})
        history.touch(case)


def _refuse_closed(case: Case) -> None:
    if Case.objects.select_for_update().filter(pk=case.pk, state=State.CLOSED).exists():
        raise Conflict("This case is closed; nothing more may change.")
