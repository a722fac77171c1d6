"""A case's version as an HTTP validator, so a client's change cannot silently undo someone else's.

`GET` and `PATCH /api/v1/cases/{number}` answer `ETag: "<case id>-<updated_at in microseconds>"`. Every
service that changes a case moves `updated_at` (cases/services/history.touch), so the tag changes with
every change. A PATCH sent with `If-Match` goes ahead only while the case still has one of the tags given
(or `*`); else 409. The tag is strong (If-Match compares strong tags, RFC 9110 13.1.1); a `W/` prefix sent
back is accepted all the same, since it names the same version. The case's JSON carries the same version
as `version`, and If-Match takes it bare too (`If-Match: 12-1700000000000000`), for clients that read the
body and not the headers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from supportal.cases.models import Case
from supportal.core.errors import Conflict, InvalidInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ANY = "*"
# One entry of If-Match: a quoted tag (maybe weak), or a bare version as the JSON's `version` has it.
_ENTRY = re.compile(r'^(?:W/)?"([^"]*)"$|^([0-9]+-[0-9]+)$')

# For an operation's `openapi_extra`: its 200 answer carries the ETag header.
ETAG_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "headers": {
                "ETag": {
                    "description": "The case's version; send it back as If-Match to change the case safely.",
                    "schema": {"type": "string"},
                }
            }
        }
    }
}
IF_MATCH_DESCRIPTION = (
    "The ETag from reading the case (or its `version`, quoted or not): the change is made only if nobody "
    "changed the case since (else 409). `*`: any version."
)


def version_of(case: Case) -> str:
    """`<id>-<updated_at in microseconds since 1970>`, exact (integer arithmetic, no float rounding)."""
    return f"{case.pk}-{(case.updated_at - EPOCH) // MICROSECOND}"


def etag_of(case: Case) -> str:
    return f'"{version_of(case)}"'


def lock_if_matches(case: Case, if_match: str) -> None:
    """Lock the case's row and refuse the change (409) unless it still has a version `if_match` names.

    Call it inside the transaction that makes the change: the lock holds until it commits, so no other
    change can come between this check and the services' own (re-entrant) lock of the same row."""
    versions = versions_in(if_match)
    if not versions:
        raise InvalidInput(
            "The If-Match header is not valid.",
            fields={"If-Match": ['Send the ETag as it was read ("12-1700000000000000"), or the version.']},
        )
    current = Case.objects.select_for_update().only("id", "updated_at").get(pk=case.pk)
    if ANY in versions:
        return
    if version_of(current) not in versions:
        raise Conflict("The case changed since you read it; fetch it again.")


def versions_in(if_match: str) -> set[str]:
    """The versions an If-Match header names (`*` for any); empty when any entry is not a tag or version."""
    if if_match.strip() == ANY:
        return {ANY}
    versions = set()
    for entry in if_match.split(","):
        match = _ENTRY.match(entry.strip())
        if match is None:
            return set()
        versions.add(match[1] if match[1] is not None else match[2])
    return versions
