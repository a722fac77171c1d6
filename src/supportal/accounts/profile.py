"""A person's own profile: the name others see and the time zone their pages show times in."""

from __future__ import annotations

from django.db import transaction

from supportal.accounts.models import User
from supportal.accounts.timezone import available_time_zones
from supportal.audit.services import AuditChannel, audit_record
from supportal.core.errors import Forbidden, InvalidInput
from supportal.orgs.policies import is_signed_in, organisation_id_of

NAME_MAX_LENGTH = User._meta.get_field("name").max_length or 200


def profile_update(
    *, actor: User, name: str, time_zone: str, channel: str = AuditChannel.WEB, ip: str | None = None
) -> User:
    """Change the actor's own name and time zone; the change is audited ("profile.updated").

    `time_zone` is an IANA name (e.g. "Europe/Berlin"), or "" for the site's. Raises InvalidInput with a
    message per field for a blank or too long name or an unknown time zone.
    """
    if not is_signed_in(actor):
        raise Forbidden("Sign in to change your profile.")
    name = name.strip()
    time_zone = time_zone.strip()
    problems: dict[str, list[str]] = {}
    if not name:
        problems["name"] = ["Enter your name."]
    elif len(name) > NAME_MAX_LENGTH:
        problems["name"] = [f"Use at most {NAME_MAX_LENGTH} characters (this has {len(name)})."]
    if time_zone and time_zone not in available_time_zones():
        problems["time_zone"] = [f"“{time_zone[:64]}” is not a time zone we know. Choose one from the list."]
    if problems:
        raise InvalidInput("The profile was not saved.", fields=problems)

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        old = {"name": user.name, "time_zone": user.time_zone}
        new = {"name": name, "time_zone": time_zone}
        changed = [field for field in new if old[field] != new[field]]
        if changed:
            user.name, user.time_zone = name, time_zone
            user.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="profile.updated",
                channel=channel,
                target=user,
                organisation_id=organisation_id_of(actor),
                old={field: old[field] for field in changed},
                new={field: new[field] for field in changed},
                ip=ip,
            )
    actor.name, actor.time_zone = name, time_zone
    return actor
