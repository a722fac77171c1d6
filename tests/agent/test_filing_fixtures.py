"""Shared set-up of the filing tests: the page's URLs and a complete filing for Bob (Acme) by phone."""

from __future__ import annotations

from supportal.accounts.models import User

URL = "/agent/cases/new/"
CONTACTS_URL = "/agent/cases/new/contacts/"
FIELDS_URL = "/agent/cases/new/fields/"
PRIORITY_URL = "/agent/cases/new/priority/"
ITEMS_URL = "/agent/cases/new/config-items/"


def filing_post(organisation_id: int | str, requester: User | None, **overrides: object) -> dict[str, object]:
    """A complete filing of a Cloud incident (see tests/web/cases/test_create_fixtures.make_catalogue) by
    phone; `overrides` replace or add fields, None removes one."""
    data: dict[str, object] = {
        "organisation": organisation_id,
        "requester": requester.pk if requester else "",
        "channel": "phone",
        "filed_reason": "Requested by Bob by phone",
        "request_type": "cloud-incident",
        "subject": "The VPN drops every ten minutes",
        "description": "Since **Monday**; Bob restarted the tunnel.",
        "urgency": "high",
        "impact": "medium",
        "visibility": "private",
        "extra.service": "DNS",
        "extra.started_on": "2026-01-05",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
