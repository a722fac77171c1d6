"""`supportal imap-poll [--mailbox NAME]`: one pass over the IMAP mailboxes (the worker does this every
minute), printing a line per mailbox: how many messages were fetched and what became of them."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportal.channels.email.imap import PollResult, poll_all_mailboxes, poll_mailbox
from supportal.channels.email.models import ImapMailbox


class Command(BaseCommand):
    help = "Fetch new messages from the IMAP mailboxes once (all active ones, or --mailbox NAME)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--mailbox", help="Only this mailbox (its name), even if it is not active.")

    def handle(self, *args: Any, **options: Any) -> None:
        results: list[PollResult]
        if options["mailbox"]:
            mailbox = ImapMailbox.objects.filter(name=options["mailbox"]).first()
            if mailbox is None:
                raise CommandError(f"No IMAP mailbox named {options['mailbox']!r}.")
            results = [poll_mailbox(mailbox)]
        else:
            results = poll_all_mailboxes()
            if not results:
                self.stdout.write("No active IMAP mailbox.")
        for result in results:
            self.stdout.write(result.summary())
        if any(result.error for result in results):
            raise SystemExit(1)
