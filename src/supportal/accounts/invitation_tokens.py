"""The one-time link to set a password, sent by an invitation or an approved registration:
``/accounts/invitation/<uidb36>/<key>/``.

The key is Django's password-reset token with its own salt, so an invitation link never works as a
password-reset link or the other way round. It is:

- **one-time**: the token hashes the user's password hash and last sign-in; setting the password (and
  being signed in) changes both, so the link stops working the moment it has been used;
- **expiring**: it carries its creation time and is refused after ``INVITATION_VALID_DAYS``;
- **stateless**: nothing is stored; re-sending an invitation simply makes a fresh link.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int, int_to_base36

from supportal.accounts.models import User

INVITATION_VALID_DAYS = 7


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "supportal.accounts.invitation"
    valid_seconds = INVITATION_VALID_DAYS * 24 * 3600

    def check_token(self, user: object, token: str | None) -> bool:
        if not isinstance(user, User) or not token:
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return self._num_seconds(self._now()) - ts <= self.valid_seconds


invitation_tokens = InvitationTokenGenerator()


def uid_of(user: User) -> str:
    return int_to_base36(user.pk)


def user_from_link(uidb36: str, key: str) -> User | None:
    """The user a valid, unused, unexpired link belongs to; None otherwise."""
    try:
        user = User.objects.get(pk=base36_to_int(uidb36), is_active=True)
    except (User.DoesNotExist, ValueError, OverflowError):
        return None
    return user if invitation_tokens.check_token(user, key) else None
