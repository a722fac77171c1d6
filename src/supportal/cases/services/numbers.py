"""Case numbers: `YYMMNNNNNN`, the year and month of creation and a sequence within the month.

One counter row per month is incremented with `UPDATE ... RETURNING` inside the creating transaction,
so concurrent creators queue on that row (PostgreSQL row lock, SQLite's single writer) and never share a
number. A rolled-back creation gives its number back; numbers are unique, never reused once committed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from supportal.core.errors import Conflict

MAX_PER_MONTH = 999_999

_BUMP = "UPDATE cases_casenumbercounter SET last = last + 1 WHERE period = %s RETURNING last"
_START = "INSERT INTO cases_casenumbercounter (period, last) VALUES (%s, 0) ON CONFLICT (period) DO NOTHING"


def next_case_number(now: datetime | None = None) -> str:
    """Call inside the transaction that creates the case."""
    period = timezone.localtime(now or timezone.now()).strftime("%y%m")
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [period])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(_START, [period])
            cursor.execute(_BUMP, [period])
            row = cursor.fetchone()
    assert row is not None
    sequence = int(row[0])
    if sequence > MAX_PER_MONTH:
        raise Conflict("This month's case numbers are used up.")
    return f"{period}{sequence:06d}"


def is_case_number(value: str) -> bool:
    return len(value) == 10 and value.isdigit()
