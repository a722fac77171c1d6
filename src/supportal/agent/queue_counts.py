"""Capped counts for the workspace sidebar: every queue and saved view counted in ONE SQL query.

    SELECT (SELECT COUNT(*) FROM (<queue 1's cases> LIMIT 1000) AS c0),
           (SELECT COUNT(*) FROM (<queue 2's cases> LIMIT 1000) AS c1), ...

Each part stops after CAP rows, on the same indexes the queue pages use, so the cost is bounded
whatever the number of cases; a count of CAP shows as "999+".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

CAP = 1000


def capped_counts(querysets: Mapping[str, QuerySet[Any]], *, cap: int | None = None) -> dict[str, int]:
    """How many rows each queryset has, up to `cap` (CAP), in one query (none if `querysets` is empty)."""
    cap = cap or CAP
    if not querysets:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    using = next(iter(querysets.values())).db
    for n, queryset in enumerate(querysets.values()):
        inner = queryset.order_by().values("pk")[:cap]
        try:
            sql, inner_params = inner.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that can match nothing (e.g. `pk__in=[]`)
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS c{n})")  # noqa: S608 (compiled by Django)
        params.extend(inner_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: int(value) for key, value in zip(querysets, row, strict=True)}


def shown(count: int, *, cap: int | None = None) -> str:
    """How a capped count reads: "999+" once it reaches the cap."""
    cap = cap or CAP
    return f"{cap - 1}+" if count >= cap else str(count)
