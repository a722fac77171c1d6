"""Certificate renewals: a certificate nearing its expiry opens a renewal order for its organisation, once.

`certificate_renewals_open` (the daily job, jobs/schedules.py) looks at every active configuration item
of type `certificate` whose `expires_on` attribute lies within SUPPORTAL_CERT_RENEWAL_DAYS of today, or
passed at most that long ago, and orders the catalog item `certificate-renewal` for it as the system
("Service catalog"), for the organisation's virtual user. Each item and expiry date is claimed first (a
CertificateRenewal row, unique): two runs at once never open two orders, and a renewed certificate (a
new expiry date) gets a new order when its time comes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.models import Channel
from supportal.cases.services.create import SUBJECT_MAX, case_create
from supportal.catalog.models import CatalogItem, CertificateRenewal
from supportal.catalog.services.orders import system_user
from supportal.cmdb.models import ConfigItem
from supportal.core.errors import DomainError

logger = logging.getLogger("supportal.catalog")

RENEWAL_ITEM = "certificate-renewal"
CERTIFICATE_TYPE = "certificate"


def certificate_renewals_open(now: datetime | None = None) -> int:
    """Open the renewal orders that are due; returns how many were opened."""
    today = timezone.localdate(now or timezone.now())
    days = int(settings.SUPPORTAL_CERT_RENEWAL_DAYS)
    item = CatalogItem.objects.select_related("request_type").filter(request_type__slug=RENEWAL_ITEM).first()
    if item is None or not item.request_type.is_active:
        logger.warning("No active catalog item %r: no certificate renewal orders are opened.", RENEWAL_ITEM)
        return 0
    due = _due(today - timedelta(days=days), today + timedelta(days=days))
    if not due:
        return 0
    claimed = set(
        CertificateRenewal.objects.filter(config_item__in=[c for c, _ in due]).values_list(
            "config_item_id", "expires_on"
        )
    )
    actor = system_user()
    opened = 0
    for certificate, expires_on in due:
        if (certificate.pk, expires_on) not in claimed and _open(item, certificate, expires_on, actor):
            opened += 1
    return opened


def _due(first: date, last: date) -> list[tuple[ConfigItem, date]]:
    """Active certificates expiring between `first` and `last`, with their expiry date."""
    certificates = (
        ConfigItem.objects.filter(
            item_type__code=CERTIFICATE_TYPE,
            is_active=True,
            organisation__is_active=True,
        )
        .alias(expiry=Cast(KT("attributes__expires_on"), CharField()))  # ISO dates sort as text
        .filter(expiry__gte=first.isoformat(), expiry__lte=f"{last.isoformat()}~")
        .select_related("organisation__virtual_user", "organisation__plan")
        .order_by("pk")
    )
    due: list[tuple[ConfigItem, date]] = []
    for certificate in certificates:
        try:
            expires_on = date.fromisoformat(str(certificate.attributes.get("expires_on", ""))[:10])
        except ValueError:
            continue
        if first <= expires_on <= last:
            due.append((certificate, expires_on))
    return due


def _open(item: CatalogItem, certificate: ConfigItem, expires_on: date, actor: User) -> bool:
    organisation = certificate.organisation
    if organisation.virtual_user is None:
        logger.warning("Organisation %s has no virtual user: no renewal order.", organisation.pk)
        return False
    subject = f"Renew certificate {certificate.name} (expires {expires_on.isoformat()})"
    try:
        with transaction.atomic():
            renewal = CertificateRenewal.objects.create(config_item=certificate, expires_on=expires_on)
            case = case_create(
                actor=actor,
                organisation=organisation,
                subject=subject[:SUBJECT_MAX],
                channel=Channel.SYSTEM,
                description=(
                    f"The certificate **{certificate.name}** ({certificate.identifier or 'no identifier'}) "
                    f"expires on {expires_on.isoformat()}. This renewal order was opened automatically."
                ),
                requester=organisation.virtual_user,
                request_type=item.request_type,
                config_item=certificate,
            )
            renewal.case = case
            renewal.save(update_fields=["case"])
    except IntegrityError:  # another run claimed it first
        return False
    except DomainError as error:
        logger.warning("No renewal order for certificate %s: %s", certificate.pk, error.detail)
        return False
    return True
