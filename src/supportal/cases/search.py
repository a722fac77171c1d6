"""Full-text search over cases: one interface, SQLite FTS5 or PostgreSQL full-text (GIN) behind it.

The services keep `CaseSearchText` current in the change's transaction: the subject and description
plus public comments in `public_text`, internal notes in `internal_text`. Customers search the public
text only, so an internal note never reveals that a case matches.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from supportal.cases.models import Case, CaseSearchText

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def index_case(case: Case) -> None:
    """(Re)write the case's own text; comments already indexed are kept."""
    head = f"{case.number}\n{case.subject}\n{case.description}"
    row = CaseSearchText.objects.filter(pk=case.pk).only("public_text").first()
    if row is None:
        CaseSearchText.objects.create(case=case, public_text=head)
        return
    _, sep, comments = row.public_text.partition("\n\x1e\n")
    CaseSearchText.objects.filter(pk=case.pk).update(public_text=head + (sep + comments if sep else ""))


def add_text(case: Case, text: str, *, public: bool) -> None:
    """Append a comment's text to the case's public or internal text."""
    row = CaseSearchText.objects.filter(pk=case.pk).first()
    if row is None:
        index_case(case)
        row = CaseSearchText.objects.get(pk=case.pk)
    if public:
        sep = "\n" if "\n\x1e\n" in row.public_text else "\n\x1e\n"
        row.public_text = f"{row.public_text}{sep}{text}"
    else:
        row.internal_text = f"{row.internal_text}\n{text}" if row.internal_text else text
    row.save(update_fields=["public_text", "internal_text"])


def terms_of(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_TERMS]


def matching(cases: QuerySet[Case], query: str, *, include_internal: bool) -> QuerySet[Case]:
    """`cases` narrowed to those whose text holds every word of `query` (a word's prefix matches)."""
    terms = terms_of(query)
    if not terms:
        return cases
    if connection.vendor == "postgresql":
        return cases.filter(pk__in=_postgres_ids(terms, include_internal))
    return cases.filter(pk__in=_sqlite_ids(terms, include_internal))


def _sqlite_ids(terms: list[str], include_internal: bool) -> RawSQL:
    # Every term quoted (no FTS5 syntax from users), with a prefix star: "net"* matches network.
    expression = " AND ".join(f'"{t}"*' for t in terms)
    if not include_internal:
        expression = "{public_text} : (" + expression + ")"
    return RawSQL("SELECT rowid FROM cases_search_fts WHERE cases_search_fts MATCH %s", [expression])


def _postgres_ids(terms: list[str], include_internal: bool) -> RawSQL:
    tsquery = " & ".join(f"{t}:*" for t in terms)
    document = PUBLIC_DOCUMENT if not include_internal else ALL_DOCUMENT
    return RawSQL(  # noqa: S611
        f"SELECT case_id FROM cases_casesearchtext WHERE {document} @@ to_tsquery('simple', %s)",  # noqa: S608
        [tsquery],
    )


# The expressions the GIN indexes of migration 0003 are built on: a query must use exactly these.
PUBLIC_DOCUMENT = "to_tsvector('simple', public_text)"
ALL_DOCUMENT = "to_tsvector('simple', public_text || ' ' || internal_text)"
