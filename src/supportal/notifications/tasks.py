"""Jobs of the notifications app; each body calls one service."""

from __future__ import annotations

from huey import RetryTask
from huey.contrib.djhuey import db_task

from supportal.notifications.services import DeliveryFailed, outbox_deliver


@db_task()
def deliver_email(outbound_id: int) -> None:
    try:
        outbox_deliver(outbound_id)
    except DeliveryFailed as failure:  # the outbox row keeps the error; retry with backoff until it gives up
        if failure.retry_in is not None:
            raise RetryTask(str(failure), delay=failure.retry_in) from failure


@db_task()
def email_case_event(event_id: int) -> None:
    from supportal.notifications.case_emails import email_for_event

    email_for_event(event_id)
