"""Every email Supportal sends goes through one function, from three templates found in any app's
`templates/email/`: `<name>_subject.txt`, `<name>.txt` and `<name>.html`.

The message is written to the outbox (EMAIL_BACKEND) in the caller's transaction: it is delivered by a
job only if that transaction commits, and it is never lost once it has.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid, sanitize_address
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link for an email: SUPPORTAL_BASE_URL plus the path."""
    return f"{settings.BASE_URL}{path}"


LOOP_HEADER = "X-Supportal-Loop"


def send_templated_email(
    *,
    name: str,
    to: Sequence[str],
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    case_id: int | None = None,
    subject_prefix: str = "",
) -> str:
    """Render the three templates of `name` and queue the message to every distinct recipient.

    Every message is automatic (`Auto-Submitted: auto-generated`) and carries the loop header inbound
    mail is checked for. Returns its Message-ID ("" when there was nobody to send to).
    """
    recipients = sorted({address.strip().lower() for address in to if address and address.strip()})
    recipients = [address for address in recipients if can_address(address)]
    if not recipients:
        return ""
    full = {"provider_name": settings.PROVIDER_NAME, "support_address": settings.SUPPORT_ADDRESS, **context}
    subject = " ".join(f"{subject_prefix}{render_to_string(f'email/{name}_subject.txt', full)}".split())
    text = render_to_string(f"email/{name}.txt", full)
    html = render_to_string(f"email/{name}.html", full)
    message = EmailMultiAlternatives(subject, text, None, recipients)
    message.attach_alternative(html, "text/html")
    message_id = (headers or {}).get("Message-ID") or make_msgid(domain=message_id_domain())
    message.extra_headers.update(headers or {})
    message.extra_headers["Message-ID"] = message_id
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    message.extra_headers[LOOP_HEADER] = settings.SUPPORT_ADDRESS
    message.supportal_case_id = case_id  # type: ignore[attr-defined]  # read by the outbox
    message.supportal_kind = name  # type: ignore[attr-defined]
    message.send()
    return message_id


def can_address(address: str) -> bool:
    """Whether an address can be written on a message at all (inbound mail brings broken ones)."""
    try:
        sanitize_address(address, "utf-8")
    except (ValueError, UnicodeError):
        logger.warning("Not sending to an unusable address: %r", address)
        return False
    return "@" in address


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: the support address's domain."""
    return settings.SUPPORT_ADDRESS.rpartition("@")[2] or "supportal.invalid"
