"""Emails about a case: the subject carries `[#<number>]`, the footer the reference token, and the
headers thread the message under the case's earlier mail. Built on notifications.emails, the one
function every email goes through."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from supportal.cases.models import Case
from supportal.channels.email.models import AutoAnswer, Direction
from supportal.channels.email.threads import reference_token, thread_add, thread_headers
from supportal.notifications.emails import absolute_url, send_templated_email


def case_url(case: Case) -> str:
    return absolute_url(f"/cases/{case.number}/")


def send_case_email(
    *, name: str, case: Case, to: Sequence[str], context: dict[str, Any] | None = None
) -> str:
    """Queue email `name` about `case` to `to` (in the caller's transaction); returns its Message-ID.

    Templates get `case`, `case_url`, `reference_token` besides `context`, and the `[#number]` subject
    prefix is added here, so every case email threads the same way.
    """
    full = {
        "case": case,
        "case_url": case_url(case),
        "reference_token": reference_token(case.number),
        **(context or {}),
    }
    message_id = send_templated_email(
        name=name,
        to=to,
        context=full,
        headers=thread_headers(case),
        case_id=case.pk,
        subject_prefix=f"[#{case.number}] ",
    )
    thread_add(case, message_id, Direction.OUT)
    return message_id


def auto_answer_allowed(address: str, kind: str, *, once_a_day: bool = False) -> bool:
    """Whether another automatic answer may go to `address`: at most SUPPORTAL_EMAIL_AUTO_ANSWER_CAP in
    24 hours, all kinds together, and `once_a_day` kinds (instructions) once in 24 hours."""
    since = timezone.now() - timedelta(hours=24)
    cap = int(getattr(settings, "SUPPORTAL_EMAIL_AUTO_ANSWER_CAP", 10))
    recent = AutoAnswer.objects.filter(address=address.lower(), sent_at__gte=since)
    if once_a_day and recent.filter(kind=kind).exists():
        return False
    return recent.count() < cap


def auto_answer_record(address: str, kind: str) -> None:
    AutoAnswer.objects.create(address=address.lower()[:320], kind=kind[:40])
