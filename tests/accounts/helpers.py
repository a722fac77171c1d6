"""Small helpers shared by the sign-in and onboarding tests."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.core import mail

from supportal.audit.models import AuditRecord

LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message: mail.EmailMessage) -> list[str]:
    return LINK.findall(str(message.body))


def path_of(url: str) -> str:
    return urlparse(url).path


def only_mail_to(address: str) -> mail.EmailMultiAlternatives:
    found = [m for m in mail.outbox if address in m.to]
    assert len(found) == 1, [(m.to, m.subject) for m in mail.outbox]
    message = found[0]
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def html_of(message: mail.EmailMultiAlternatives) -> str:
    return next(str(content) for content, kind in message.alternatives if kind == "text/html")


def audits(action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("position"))
