"""How messages find their case: the `[#number]` in the subject, the reference token in the body, and
the Message-IDs of every message of the case's thread (ThreadMessage)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from django.conf import settings

from supportal.cases.models import Case
from supportal.channels.email.models import Direction, ThreadMessage

SUBJECT_NUMBER = re.compile(r"\[#\s*(\d{10})\s*\]")
# The token survives quoting ("> "), wrapping at spaces and HTML: short, no spaces, letters and digits.
TOKEN = re.compile(r"ref:(\d{10})-([0-9a-f]{10})", re.IGNORECASE)
THREAD_DEPTH = 10


def reference_token(number: str) -> str:
    """`ref:<number>-<10 hex>`; the signature stops people from guessing another case's token."""
    return f"ref:{number}-{_signature(number)}"


def _signature(number: str) -> str:
    key = f"supportal-email-token:{settings.SECRET_KEY}".encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:10]


def numbers_in_tokens(text: str) -> list[str]:
    """Case numbers named by valid reference tokens in `text`, first seen first."""
    found: list[str] = []
    for number, signature in TOKEN.findall(text or ""):
        if hmac.compare_digest(signature.lower(), _signature(number)) and number not in found:
            found.append(number)
    return found


def number_in_subject(subject: str) -> str:
    match = SUBJECT_NUMBER.search(subject or "")
    return match.group(1) if match else ""


def case_of_message_ids(message_ids: Iterable[str]) -> Case | None:
    """The case whose thread holds one of these Message-IDs (the newest such message wins)."""
    wanted = [mid for mid in dict.fromkeys(message_ids) if mid][:50]
    if not wanted:
        return None
    row = (
        ThreadMessage.objects.filter(message_id__in=wanted)
        .select_related("case")
        .order_by("-created_at", "-id")
        .first()
    )
    return row.case if row is not None else None


def thread_add(case: Case, message_id: str, direction: Direction | str) -> None:
    if message_id:
        ThreadMessage.objects.create(case=case, message_id=message_id[:998], direction=direction)


def thread_headers(case: Case) -> dict[str, str]:
    """In-Reply-To and References for the next message about `case`: the thread's first message and its
    latest few, so every client threads it under the customer's original mail."""
    ids = list(
        ThreadMessage.objects.filter(case=case)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    if not ids:
        return {}
    chain = list(dict.fromkeys([ids[0], *ids[-(THREAD_DEPTH - 1) :]]))
    return {"In-Reply-To": chain[-1], "References": " ".join(chain)}
