"""`supportal ingest-email`: one RFC 5322 message on standard input, as a mail server's pipe delivery
gives it (INTERFACES.md). The message is stored raw before anything else.

Exit 0: stored (a case opened, a comment added, or held or ignored with a reason). Exit 75
(EX_TEMPFAIL): it could not be stored; the mail server keeps it and retries. Exit 65 (EX_DATAERR): the
input is not an email message; it is still stored raw, and held.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from supportal.channels.email.inbound import inbound_receive
from supportal.channels.email.models import Source

EX_OK, EX_DATAERR, EX_TEMPFAIL = 0, 65, 75


class Command(BaseCommand):
    help = "Read one email on standard input and deliver it (pipe delivery). --json prints the outcome."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
        parser.add_argument("--sender", default="", help="the envelope sender, as the MTA knows it")
        parser.add_argument("--recipient", action="append", default=[], help="an envelope recipient")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            receipt = inbound_receive(
                raw,
                source=Source.PIPE,
                envelope_from=options["sender"],
                envelope_to=options["recipient"],
                mailbox=(options["recipient"] or [""])[0],
            )
        except DatabaseError as error:
            self.stderr.write(f"ingest-email: could not store the message, try again later: {error}")
            sys.exit(EX_TEMPFAIL)
        if options["json"]:
            self.stdout.write(json.dumps(receipt.as_json()))
        else:
            outcome = receipt.outcome or "stored, processing failed (retried later)"
            case = f" {receipt.case}" if receipt.case else ""
            self.stdout.write(f"{outcome}{case}: {receipt.reason}".strip())
        if not raw.strip() or receipt.code == "unreadable":
            sys.exit(EX_DATAERR)
        sys.exit(EX_OK)
