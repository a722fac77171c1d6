"""Keyset pagination of "My cases": the cases I requested, merged with those I watch.

One query with `requester = me OR EXISTS(watcher)` cannot use an index for its ordering: PostgreSQL
walks the organisation's cases newest first and tests each, which is slow for someone with few cases
in a large organisation. So each part is paged on its own, with the same cursor (the requested part on
the `requester, -updated_at, -id` index; the watched part from the watcher's `user, case` index), and
the two pages are merged here: two queries, whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from supportal.api.v1.pagination import PageOf, PageParams, encode_cursor, paginate
from supportal.cases.models import Case, Watcher
from supportal.orgs.policies import Actor


def parts_of_mine(actor: Actor, cases: QuerySet[Case]) -> list[QuerySet[Case]]:
    """`cases` split into those the actor requested and those they watch but did not request."""
    watching = Watcher.objects.filter(case_id=OuterRef("pk"), user_id=actor.pk or 0)
    requested = cases.filter(requester_id=actor.pk or 0)
    watched = cases.filter(Exists(watching)).exclude(requester_id=actor.pk or 0)
    return [requested, watched]


def paginate_merged(
    parts: Sequence[QuerySet[Case]], *, cursor: str | None, limit: int, ordering: Sequence[str]
) -> PageOf[Case]:
    """One page of the union of disjoint `parts`, as `paginate` would give for the union itself.

    Every part's own page holds all its rows that can be on the merged page, so merging them and
    keeping the first `limit` is exact; the cursor is the last kept row's values, as paginate makes it.
    Raises InvalidInput for a cursor that is not one of this list's.
    """
    pages = [paginate(part, PageParams(cursor=cursor, limit=limit), ordering=ordering) for part in parts]
    rows = ordered([row for page in pages for row in page.items], ordering)
    more = len(rows) > limit or any(page.next_cursor for page in pages)
    rows = rows[:limit]
    next_cursor = encode_cursor([_value(rows[-1], field) for field in ordering]) if more and rows else None
    return PageOf(rows, next_cursor)


def ordered(rows: list[Case], ordering: Sequence[str]) -> list[Case]:
    """`rows` sorted as the database sorts them by `ordering` (stable sorts, the last field first)."""
    for field in reversed(ordering):
        name = field.lstrip("-")
        rows.sort(key=partial(_attribute, name=name), reverse=field.startswith("-"))
    return rows


def _attribute(row: Case, *, name: str) -> Any:
    return getattr(row, name)


def _value(row: Case, field: str) -> Any:
    value = getattr(row, field.lstrip("-"))
    return value.isoformat() if isinstance(value, datetime | date) else value
