"""Writing and verifying the audit record: append-only, hash-chained, one function for every writer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from supportal.audit.models import AuditRecord

GENESIS_HASH = "0" * 64
# Serialises appends on PostgreSQL; SQLite's IMMEDIATE transactions already hold the one write lock.
_ADVISORY_LOCK_KEY = 0x5A_AD17


class AuditChannel:
    WEB = "web"
    API = "api"
    EMAIL = "email"
    CHAT = "chat"
    ALERT = "alert"
    ADMIN = "admin"
    CLI = "cli"
    SYSTEM = "system"


def audit_record(
    *,
    actor: Any,
    action: str,
    channel: str,
    target: Model | None = None,
    organisation_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    ip: str | None = None,
    actor_label: str = "",
) -> AuditRecord:
    """Append one row to the audit record, in the caller's transaction.

    `actor` is a user or None (the system); `target` the object acted on. Values in `old` and `new` are
    stored as JSON (datetimes and other objects as strings).
    """
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = actor_label or (str(actor) if actor_id else "system")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        last = AuditRecord.objects.order_by("-position").values_list("position", "hash").first()
        position, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        record = AuditRecord(
            position=position,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=label[:300],
            channel=channel,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            organisation_id=organisation_id,
            old=_jsonable(old),
            new=_jsonable(new),
            ip=ip or None,
            prev_hash=prev_hash,
        )
        record.hash = record_hash(record)
        record.save(force_insert=True)
    return record


def _jsonable(values: dict[str, Any] | None) -> Any:
    return None if values is None else json.loads(json.dumps(values, default=str))


def record_hash(record: AuditRecord) -> str:
    """SHA-256 over the previous row's hash and this row's content in a canonical JSON form."""
    content = {
        "position": record.position,
        "at": record.at.astimezone(UTC).isoformat(),
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "channel": record.channel,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "organisation_id": record.organisation_id,
        "old": record.old,
        "new": record.new,
        "ip": record.ip,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((record.prev_hash + canonical).encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    position: int
    problem: str


def audit_verify(batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole record in order; report every row whose content, link or position is off.

    Returns (rows checked, problems). Reads in keyset-paginated batches, so memory stays flat.
    """
    problems: list[ChainProblem] = []
    expected_position, prev_hash, checked = 1, GENESIS_HASH, 0
    after = 0
    while True:
        batch = list(AuditRecord.objects.filter(position__gt=after).order_by("position")[:batch_size])
        if not batch:
            break
        for record in batch:
            checked += 1
            if record.position != expected_position:
                problems.append(
                    ChainProblem(
                        expected_position, f"rows {expected_position}..{record.position - 1} are missing"
                    )
                )
            if record.prev_hash != prev_hash:
                problems.append(ChainProblem(record.position, "link to the previous row is broken"))
            if record_hash(record) != record.hash:
                problems.append(ChainProblem(record.position, "content does not match its hash (altered)"))
            expected_position, prev_hash = record.position + 1, record.hash
        after = batch[-1].position
    return checked, problems
