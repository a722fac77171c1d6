"""`flush` empties every table, the audit record included: lift its append-only triggers just for that.

Django's own flush (used by `supportal flush` and by transactional tests) would otherwise be refused.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from supportal.audit.triggers import install_triggers, remove_triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        remove_triggers(connection)
        try:
            super().handle(**options)
        finally:
            install_triggers(connection)
