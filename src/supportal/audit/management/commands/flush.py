"""`flush` empties every table, the audit record included: lift its append-only triggers just for that,
and put back the rows a fresh install starts with (the default permission groups and case
configuration of the data migrations).

Django's own flush (used by `supportal flush` and by transactional tests) would otherwise be refused.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
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
        default_groups = import_module("supportal.orgs.migrations.0002_default_permission_groups")
        default_groups.create_groups(apps, None)
        case_defaults = import_module("supportal.cases.migrations.0003_default_configuration")
        case_defaults.create_defaults(apps, None)
