"""The demo's case stories, drawn from the scenarios of the portal guides. Each story opens its first case
with its key as the reference and plays what happened next through the services; one module per customer."""

from __future__ import annotations

from supportal.core.demo_cases import Story
from supportal.core.demo_stories import acme, crumbs, globex

STORIES: tuple[tuple[str, str, Story], ...] = (
    ("DEMO-01", "globex", globex.online_banking_outage),
    ("DEMO-02", "globex", globex.certificate_renewal),
    ("DEMO-03", "globex", globex.dns_change),
    ("DEMO-04", "globex", globex.vm_unreachable),
    ("DEMO-05", "globex", globex.payments_batch_by_phone),
    ("DEMO-06", "globex", globex.export_quota_rejected),
    ("DEMO-07", "globex", globex.database_exploration),
    ("DEMO-08", "globex", globex.staging_server_order),
    ("DEMO-09", "globex", globex.new_employee),
    ("DEMO-10", "acme", acme.slow_track_and_trace),
    ("DEMO-11", "acme", acme.sign_in_withdrawn),
    ("DEMO-12", "acme", acme.certificate_duplicates),
    ("DEMO-13", "acme", acme.restore_with_follow_up),
    ("DEMO-14", "acme", acme.failing_backup_with_log),
    ("DEMO-15", "acme", acme.csv_export_idea),
    ("DEMO-16", "acme", acme.offboarding),
    ("DEMO-17", "acme", acme.track_and_trace_upgrade),
    ("DEMO-18", "acme", acme.portal_feedback),
    ("DEMO-19", "crumbs", crumbs.card_reader),
    ("DEMO-20", "crumbs", crumbs.shop_certificate),
    ("DEMO-21", "crumbs", crumbs.orders_mailbox_question),
    ("DEMO-22", "globex", globex.card_payments_email),
    ("DEMO-23", "globex", globex.core_switch_alert),
    ("DEMO-24", "globex", globex.upgrade_in_qa),
)
