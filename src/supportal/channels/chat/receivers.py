"""Account changes reach the person's open chat sockets at once: signing out closes that session's
sockets; any other change to the account (deactivation, a new password) makes them check again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from supportal.accounts.models import User
from supportal.channels.chat import push

ROUTINE_FIELDS = frozenset({"last_login"})


@receiver(user_logged_out, dispatch_uid="chat_sockets_signed_out")
def sockets_signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None or request is None:
        return
    session = getattr(getattr(request, "session", None), "session_key", None)
    push.send_message(push.user_group(user.pk), {"type": "chat.revoke", "session": session})


@receiver(post_save, sender=User, dispatch_uid="chat_sockets_recheck")
def sockets_recheck(
    sender: Any, instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created or (update_fields and set(update_fields) <= ROUTINE_FIELDS):
        return
    group = push.user_group(instance.pk)
    transaction.on_commit(lambda: push.send_message(group, {"type": "chat.recheck"}))
