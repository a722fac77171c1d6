"""Every email Supportal sends goes through one function, from three templates found in any app's
`templates/email/`: `<name>_subject.txt`, `<name>.txt` and `<name>.html`.

The message is written to the outbox (EMAIL_BACKEND) in the caller's transaction: it is delivered by a
job only if that transaction commits, and it is never lost once it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A link for an email: SUPPORTAL_BASE_URL plus the path."""
    return f"{settings.BASE_URL}{path}"


def send_templated_email(*, name: str, to: Sequence[str], context: dict[str, Any]) -> None:
    """Render the three templates of `name` and queue the message to every distinct recipient."""
    recipients = sorted(set(to))
    if not recipients:
        return
    full = {"provider_name": settings.PROVIDER_NAME, "support_address": settings.SUPPORT_ADDRESS, **context}
    subject = " ".join(render_to_string(f"email/{name}_subject.txt", full).split())
    text = render_to_string(f"email/{name}.txt", full)
    html = render_to_string(f"email/{name}.html", full)
    message = EmailMultiAlternatives(subject, text, None, recipients)
    message.attach_alternative(html, "text/html")
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    message.send()
