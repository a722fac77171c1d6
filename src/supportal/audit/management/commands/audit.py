"""`supportal audit verify`: walk the hash chain and report any altered, inserted or deleted row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportal.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit record: `verify` walks the hash chain and exits 1 if any row was tampered with."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        for problem in problems:
            self.stderr.write(f"audit record #{problem.position}: {problem.problem}")
        if problems:
            raise CommandError(f"audit record tampered with: {len(problems)} problem(s) in {checked} rows")
        self.stdout.write(f"audit record intact: {checked} rows verified")
