"""The append-only triggers, for code that must remove them around a whole-database flush."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_migration = import_module("supportal.audit.migrations.0002_append_only_triggers")


def install_triggers(connection: Any) -> None:
    _migration.install_triggers(connection)


def remove_triggers(connection: Any) -> None:
    _migration.remove_triggers(connection)
