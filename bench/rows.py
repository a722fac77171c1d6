"""Writing generated rows fast: PostgreSQL `COPY ... FROM STDIN` (psycopg 3), SQLite `executemany`.

Rows come with their primary keys, in the column order below, checked against the models' columns so
that a schema change breaks the seed loudly instead of silently. Values are what the driver takes:
datetimes for PostgreSQL, Django's text form (UTC, `YYYY-MM-DD HH:MM:SS.ffffff`) for SQLite, JSON as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from bench.seed_history import Ids, Rows, Timestamp
from supportal.cases.models import Attachment, Case, CaseEvent, CaseSearchText, Comment, Watcher

CASE_COLUMNS = (
    "id", "number", "kind", "case_type_id", "request_type_id", "organisation_id", "requester_id",
    "requester_name", "filed_by_id", "filed_reason", "config_item_id", "urgency", "impact", "priority",
    "subject", "description", "reference", "visibility", "team_id", "assignee_id", "channel", "state",
    "escalation_level", "extra", "reject_count", "close_reason", "merged_into_id", "created_at",
    "updated_at", "resolved_at", "closed_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "case_id", "kind", "actor_id", "actor_label", "on_behalf_of_id", "channel", "public", "data", "at",
)  # fmt: skip
COMMENT_COLUMNS = (
    "id", "case_id", "author_id", "author_label", "on_behalf_of_id", "body", "public", "channel",
    "created_at",
)  # fmt: skip
ATTACHMENT_COLUMNS = (
    "id", "case_id", "comment_id", "storage_path", "filename", "content_type", "size", "sha256", "public",
    "uploaded_by_id", "channel", "created_at",
)  # fmt: skip
WATCHER_COLUMNS = ("id", "case_id", "user_id", "email", "added_at")
SEARCH_COLUMNS = ("case_id", "public_text", "internal_text")

# In the order rows must be written (foreign keys point backwards).
TABLES: tuple[tuple[type[Model], tuple[str, ...], str], ...] = (
    (Case, CASE_COLUMNS, "cases"),
    (CaseSearchText, SEARCH_COLUMNS, "search"),
    (Comment, COMMENT_COLUMNS, "comments"),
    (Attachment, ATTACHMENT_COLUMNS, "attachments"),
    (CaseEvent, EVENT_COLUMNS, "events"),
    (Watcher, WATCHER_COLUMNS, "watchers"),
)


class SchemaChanged(Exception):
    pass


def check_columns() -> None:
    for model, columns, _ in TABLES:
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise SchemaChanged(
                f"{model.__name__} has columns {sorted(actual)}; bench/rows.py writes {sorted(columns)}. "
                "Update the bench's generator with the model."
            )


def timestamp() -> Timestamp:
    if connection.vendor == "postgresql":
        return lambda seconds: datetime.fromtimestamp(seconds, UTC)
    return lambda seconds: str(datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None))


def next_ids() -> Ids:
    def after(model: type[Model]) -> int:
        return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1

    return Ids(after(Case), after(CaseEvent), after(Comment), after(Attachment), after(Watcher))


def write_rows(rows: Rows) -> int:
    """Write every table's rows of a chunk (call inside a transaction); the number of rows written."""
    written = 0
    for model, columns, name in TABLES:
        batch: list[tuple[Any, ...]] = getattr(rows, name)
        if batch:
            _write(model._meta.db_table, columns, batch)
            written += len(batch)
    return written


def _write(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3's own cursor, under Django's wrapper
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


def reset_sequences() -> None:
    """PostgreSQL's identity sequences past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
    models = [model for model, _, _ in TABLES if model is not CaseSearchText]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """Fresh planner statistics and visibility maps after the bulk load, as autovacuum would make them
    soon after (PostgreSQL; inside a transaction, as in tests, VACUUM cannot run: statistics only)."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model, _, _ in TABLES:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
