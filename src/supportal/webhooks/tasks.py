"""Jobs of the webhooks app; each body calls one service."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from supportal.webhooks.delivery import delivery_attempt


@db_task()
def deliver_webhook(delivery_id: int) -> None:
    """One try of one delivery; a failure is recorded on the row and retried by the sweep."""
    delivery_attempt(delivery_id)
