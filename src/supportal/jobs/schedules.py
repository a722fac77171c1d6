"""Every periodic job of Supportal, declared in this one place.

Only one consumer runs the schedule (`supportal worker` by default; pass `--no-periodic` to the others).
Each body calls one service and is idempotent.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def retry_queued_email() -> None:
    """Re-deliver outbox messages whose delivery job was lost or is due for a retry."""
    from supportal.notifications.services import outbox_retry_due

    outbox_retry_due()


@db_periodic_task(crontab(minute="*/15"))
def close_resolved_cases() -> None:
    """Close cases left Resolved for longer than SUPPORTAL_AUTO_CLOSE_DAYS."""
    from supportal.cases.services import close_resolved_cases as close

    close()


@db_periodic_task(crontab(minute="*"))
def process_waiting_email() -> None:
    """Finish inbound messages stored but not processed (a crash mid-way) or due for a retry."""
    from supportal.channels.email.inbound import inbound_retry_due

    inbound_retry_due()


@db_periodic_task(crontab(minute="*"))
def poll_imap_mailboxes() -> None:
    """Fetch new messages from every active IMAP mailbox (failures are recorded on the mailbox)."""
    from supportal.channels.email.imap import poll_all_mailboxes

    poll_all_mailboxes()


@db_periodic_task(crontab(minute="7"))
def expire_idempotency_keys() -> None:
    """Forget the API's Idempotency-Key answers older than a day."""
    from supportal.api.idempotency import idempotency_keys_expire

    idempotency_keys_expire()


@db_periodic_task(crontab(minute="*"))
def retry_webhook_deliveries() -> None:
    """Send webhook deliveries due for a retry (exponential backoff), or whose first job was lost."""
    from supportal.webhooks.delivery import deliveries_retry_due

    deliveries_retry_due()


@db_periodic_task(crontab(minute="*"))
def sla_sweep() -> None:
    """Mark the SLA clocks whose warning or due time has come, and tell the people (sla.notify)."""
    from supportal.sla.services import sla_sweep as sweep

    sweep()


@db_periodic_task(crontab(minute="*"))
def pass_on_unacknowledged_pages() -> None:
    """Pass each page not acknowledged by its deadline to the next person on the rota."""
    from supportal.escalation.services.paging import page_sweep

    page_sweep()


@db_periodic_task(crontab(hour="6", minute="20"))
def open_certificate_renewals() -> None:
    """Open a renewal order for each certificate within SUPPORTAL_CERT_RENEWAL_DAYS of expiry (once each)."""
    from supportal.catalog.services.renewals import certificate_renewals_open

    certificate_renewals_open()
