"""The audit record is append-only and any tampering is found by `supportal audit verify`."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from supportal.audit.models import AuditRecord
from supportal.audit.services import audit_record, audit_verify
from supportal.audit.triggers import install_triggers, remove_triggers


def test_story_is_recorded_and_verifies(story, capsys):
    actions = list(AuditRecord.objects.values_list("action", flat=True))
    assert actions.count("organisation.created") == 2
    assert actions.count("user.created") == 5
    call_command("audit", "verify")
    assert "audit record intact: 7 rows verified" in capsys.readouterr().out


def test_database_refuses_update_and_delete(story):
    record = AuditRecord.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(action="nothing.happened")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()
    assert AuditRecord.objects.get(pk=record.pk).action == record.action


@pytest.mark.parametrize("tamper", ["alter", "delete_middle", "relink"])
def test_verify_finds_tampering(story, tamper):
    third = AuditRecord.objects.get(position=3)
    remove_triggers(connection)  # what an attacker with database access could do
    try:
        if tamper == "alter":
            AuditRecord.objects.filter(pk=third.pk).update(new={"name": "Evil Corp"})
        elif tamper == "delete_middle":
            AuditRecord.objects.filter(pk=third.pk).delete()
        else:  # rewrite the row and its own hash consistently; the next row's link still breaks
            AuditRecord.objects.filter(pk=third.pk).update(action="x", hash="f" * 64)
    finally:
        install_triggers(connection)
    _checked, problems = audit_verify()
    assert problems, "tampering went unnoticed"
    assert {p.position for p in problems} & {3, 4}
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_values_are_stored_as_json_and_hash_stays_stable(story):
    from datetime import datetime

    record = audit_record(
        actor=story.erin,
        action="test.values",
        channel="cli",
        new={"when": datetime(2026, 1, 2, tzinfo=UTC)},
    )
    record.refresh_from_db()
    assert record.new == {"when": "2026-01-02 00:00:00+00:00"}
    assert audit_verify()[1] == []
