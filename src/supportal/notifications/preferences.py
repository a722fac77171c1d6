"""What each person wants to be told: email on comments, state changes and (for those who may see their
organisation's cases) new cases there; the in-app list; a daily digest.

A person without a saved row has the defaults of NotificationPreference. Readers (the email
notifications, the in-app subscriber) use `preferences_for` / `preferences_for_users`; the account page
writes through `preferences_update`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from supportal.audit.services import AuditChannel, audit_record
from supportal.cases.policies import can_list_organisation_cases
from supportal.core.errors import Forbidden, InvalidInput
from supportal.notifications.models import Digest, NotificationPreference
from supportal.orgs.policies import is_signed_in, organisation_id_of

CHOICES = ("email_on_comment", "email_on_state_change", "email_on_new_case_in_organisation", "in_app")
FIELDS = (*CHOICES, "digest")


def preferences_for(user: Any) -> NotificationPreference:
    """The person's preferences: their saved row, or an unsaved one holding the defaults. One query."""
    saved = NotificationPreference.objects.filter(user_id=user.pk).first()
    return saved if saved is not None else NotificationPreference(user_id=user.pk)


def preferences_for_users(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Preferences of many people at once (defaults for those without a row). One query."""
    wanted = set(user_ids)
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=wanted)}
    return {uid: found.get(uid) or NotificationPreference(user_id=uid) for uid in wanted}


def preferences_update(
    *,
    actor: Any,
    email_on_comment: bool,
    email_on_state_change: bool,
    email_on_new_case_in_organisation: bool,
    in_app: bool,
    digest: str,
    channel: str = AuditChannel.WEB,
    ip: str | None = None,
) -> NotificationPreference:
    """Save the actor's own preferences; a change is audited ("notification_preferences.updated")."""
    if not is_signed_in(actor):
        raise Forbidden("Sign in to change your notification preferences.")
    problems: dict[str, list[str]] = {}
    if digest not in Digest.values:
        problems["digest"] = [f"Choose one of: {', '.join(Digest.labels)}."]
    if email_on_new_case_in_organisation and not can_list_organisation_cases(actor):
        problems["email_on_new_case_in_organisation"] = ["Only people who see the organisation's cases may."]
    if problems:
        raise InvalidInput("The notification preferences were not saved.", fields=problems)
    new: dict[str, Any] = {
        "email_on_comment": bool(email_on_comment),
        "email_on_state_change": bool(email_on_state_change),
        "email_on_new_case_in_organisation": bool(email_on_new_case_in_organisation),
        "in_app": bool(in_app),
        "digest": digest,
    }
    with transaction.atomic():
        row = NotificationPreference.objects.select_for_update().filter(user_id=actor.pk).first()
        created = row is None
        if row is None:
            row = NotificationPreference(user_id=actor.pk)
        old = {field: getattr(row, field) for field in FIELDS}
        changed = [field for field in FIELDS if old[field] != new[field]]
        if not changed and not created:
            return row
        for field, value in new.items():
            setattr(row, field, value)
        row.updated_at = timezone.now()
        row.save()
        if changed:
            audit_record(
                actor=actor,
                action="notification_preferences.updated",
                channel=channel,
                target=row,
                organisation_id=organisation_id_of(actor),
                old={field: old[field] for field in changed},
                new={field: new[field] for field in changed},
                ip=ip,
            )
    return row
