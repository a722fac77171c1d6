"""`supportal token create|list|revoke`: API tokens from the command line (INTERFACES.md "Command line")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, TokenScope, User, normalize_email
from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list and revoke API tokens. `create` prints the token once; only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="create a token for a user and print it once")
        create.add_argument("--user", required=True, help="the email address of the token's holder")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'Alertmanager'")
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.WRITE,
            help="read; write (the default: everything but administration); admin (also people, "
            "organisations, others' tokens and webhooks, as far as the user's rights go)",
        )
        create.add_argument(
            "--rate",
            default="",
            metavar="N/PERIOD",
            help="the token's own budget of requests, e.g. 600/min (per s, min, hour or day); "
            "default: SUPPORTAL_API_RATE_LIMIT",
        )
        listing = actions.add_parser("list", help="list a user's tokens (never their secrets)")
        listing.add_argument("--user", required=True, help="the email address of the tokens' holder")
        revoke = actions.add_parser("revoke", help="revoke a token for good")
        revoke.add_argument("--prefix", required=True, help="the token's prefix, as `list` shows it")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options)
            elif options["action"] == "list":
                self._list(options)
            else:
                self._revoke(options)
        except DomainError as error:
            messages = [error.detail] + [f"{f}: {m}" for f, ms in error.fields.items() for m in ms]
            raise CommandError(" ".join(messages)) from error

    def _user(self, email: str) -> User:
        try:
            return User.objects.get(email=normalize_email(email))
        except User.DoesNotExist:
            raise CommandError(f"No user with the email address {email!r}.") from None

    def _create(self, options: dict[str, Any]) -> None:
        token, secret = tokens.token_create(
            actor=tokens.OPERATOR,
            channel=AuditChannel.CLI,
            user=self._user(options["user"]),
            name=options["name"],
            scope=options["scope"],
            rate_limit=options["rate"],
        )
        rate = f", at most {token.rate_limit}" if token.rate_limit else ""
        self.stderr.write(
            f"Created {token.scope} token {token.prefix!r} ({token.name}{rate}) for {token.user.email}. "
            "Store it now: it is not shown again."
        )
        self.stdout.write(secret)

    def _list(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        rows = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
        if not rows:
            self.stderr.write(f"{user.email} has no API tokens.")
        for token in rows:
            state = "revoked" if token.revoked_at else "active"
            used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
            rate = token.rate_limit or "default rate"
            self.stdout.write(
                f"{token.prefix}\t{token.scope}\t{rate}\t{state}\tlast used {used}\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        try:
            token = ApiToken.objects.select_related("user").get(prefix=options["prefix"].strip())
        except ApiToken.DoesNotExist:
            raise CommandError(f"No token with the prefix {options['prefix']!r}.") from None
        tokens.token_revoke(actor=tokens.OPERATOR, channel=AuditChannel.CLI, token=token)
        self.stdout.write(f"Revoked token {token.prefix!r} ({token.name}) of {token.user.email}.")
