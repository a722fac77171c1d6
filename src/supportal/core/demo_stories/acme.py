"""Acme Logistics' stories (Standard: portal, email, API)."""

from __future__ import annotations

from supportal.cases.lifecycle import Action
from supportal.cases.services import attachment_add, case_merge
from supportal.core.demo_cases import PORTAL, Cast, move, say, text_file
from supportal.core.demo_stories.dates import L, M, day, next_weekday


def slow_track_and_trace(c: Cast, key: str) -> None:
    """A fresh incident (New)."""
    c.open(
        key, "acme", "bob", "Track & Trace is very slow every afternoon",
        """
Between about 14:00 and 16:00 the shipment search in Track & Trace takes 20-30 seconds instead of
one or two. Mornings are fine. It started this week.
""",
        request_type="incident", item="Acme Track & Trace", urgency=L, impact=M,
        extra={"service": "Compute", "region": "Amsterdam (ams1)"},
    )  # fmt: skip


def sign_in_withdrawn(c: Cast, key: str) -> None:
    """The customer finds the answer themselves and closes the case (Closed, withdrawn)."""
    case = c.open(
        key, "acme", "bob", "Cannot sign in to the Cloud Management Portal",
        "Since yesterday the Cloud Management Portal says *invalid credentials*; resetting did not help.",
        request_type="general-request", extra={"topic": "Account issue"},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.ASK_INFO, comment="Which address do you sign in with? We see no failed sign-ins.")
    say(case, c["bob"], "Found it: my password manager still filled in my old address. Sorry!")
    move(case, c["bob"], Action.CLOSE, comment="It works now, no need to look further.")


def certificate_duplicates(c: Cast, key: str) -> None:
    """Two reports of one problem: the duplicate is merged (Closed, merged), the survivor Resolved."""
    survivor = c.open(
        key, "acme", "alice", "Renew the certificate of portal.acme.example",
        "The certificate of our customer portal expires in nine days. Please renew it as usual.",
        request_type="change", item="portal.acme.example",
        extra={"item": c.item_id("portal.acme.example"), "window": day(2), "approver": "alice@acme.example"},
    )  # fmt: skip
    duplicate = c.open(
        f"{key}-B", "acme", "bob", "Browser warns about the certificate of portal.acme.example",
        "Chrome warns that the certificate of our customer portal expires soon. Will customers see errors?",
        case_type=c.case_type("incident"), item="portal.acme.example",
    )  # fmt: skip
    move(survivor, None, Action.TAKE)
    agent = survivor.assignee or c["grace"]
    case_merge(actor=agent, duplicate=duplicate, survivor=survivor, channel=PORTAL,
               reason="Same certificate: we renew it under Alice's change.")  # fmt: skip
    move(survivor, agent, Action.RESOLVE, comment="""
Renewed: the new certificate of `portal.acme.example` is valid for a year and installed on
`acme-web-01`. Bob's report was merged into this case.
""")  # fmt: skip


def restore_with_follow_up(c: Cast, key: str) -> None:
    """A restore order accepted and closed; the customer's later reply opens a follow-up case."""
    case = c.open(
        key, "acme", "carmen", "Restore the Finance quarter-close folder on acme-files-01",
        """
Someone deleted the folder `D:\\Shares\\Finance\\Quarter-close` yesterday afternoon. Please restore it
from the backup of the night before, next to the current folder so we can compare.
""",
        request_type="file-backup", item="acme-files-01",
        extra={"action": "Restore", "server": c.item_id("acme-files-01"), "restore_point": day(-2),
               "restore_path": "D:\\Shares\\Finance\\Quarter-close"},
    )  # fmt: skip
    move(case, c["jun"], Action.TAKE)
    move(case, c["jun"], Action.RESOLVE, comment="""
Restored from the backup of two nights ago to `D:\\Shares\\Finance\\Quarter-close (restored)`:
1,284 files, 3.1 GB.
""")  # fmt: skip
    move(case, c["carmen"], Action.ACCEPT, comment="Got it, thanks!")
    say(case, c["carmen"], """
Sorry to come back to this: the restored folder lacks the subfolder `Invoices`. Could it be in an
older backup?
""")  # fmt: skip


def failing_backup_with_log(c: Cast, key: str) -> None:
    """An incident with the customer's log file attached, passed to Cloud Operations, with a note."""
    case = c.open(
        key, "acme", "alice", "Nightly backup of acme-db-01 failed three nights in a row",
        "The backup report says *FAILED* for `acme-db-01` for three nights now. Job log attached.",
        request_type="incident", item="acme-db-01", urgency=M, impact=M,
        extra={"service": "Block storage", "region": "Amsterdam (ams1)", "started_on": day(-3)},
    )  # fmt: skip
    log = text_file("backup-acme-db-01.log", f"""
{day(-1)} 02:00:01 INFO  job acme-db-01-nightly started (pg_dump, retention 30 days)
{day(-1)} 02:00:02 INFO  connecting to acme-db-01.acme.example:5432 as backup
{day(-1)} 02:14:37 ERROR pg_dump: error: could not write to output file: No space left on device
{day(-1)} 02:14:37 ERROR job acme-db-01-nightly FAILED after 876 s (exit code 1)
""")  # fmt: skip
    attachment_add(actor=c["alice"], case=case, file=log, channel=PORTAL)
    c.assign(case, "cloud-operations", "hugo")
    say(case, c["hugo"], """
The backup staging volume is full: old dumps were not pruned since the retention job lost its cron entry
in last week's OS upgrade. Pruning manually now; restoring the cron entry in tonight's window.
""", public=False)  # fmt: skip
    say(case, c["hugo"], "Found it: the backup staging disk is full. We free it today and rerun the backup.")


def csv_export_idea(c: Cast, key: str) -> None:
    """A feature request parked until the roadmap review (On Hold)."""
    case = c.open(
        key, "acme", "alice", "Export the case list to CSV",
        "Our monthly service review uses a spreadsheet of all cases; an export button would save an hour.",
        request_type="feature-request",
        extra={"business_value": "We copy about 60 cases by hand each month for our board report."},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.HOLD, comment="Good idea; parked until the roadmap review at the quarter's end.")


def offboarding(c: Cast, key: str) -> None:
    """Staff offboarding being worked on (Open)."""
    case = c.open(
        key, "acme", "alice", "Offboarding: Tom Becker leaves Acme on Friday",
        "Tom moves to our sister company. Please remove his access at the end of his last day.",
        request_type="staff-offboarding",
        extra={"employee_email": "tom.becker@acme.example", "last_day": next_weekday(4),
               "revoke": ["Portal", "VPN"], "cases_to": "bob@acme.example"},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    say(case, case.assignee or c["grace"], "Scheduled for Friday 18:00; Tom's two open cases go to Bob then.")


def track_and_trace_upgrade(c: Cast, key: str) -> None:
    """A change assigned to Cloud Operations (Open)."""
    case = c.open(
        key, "acme", "alice", "Upgrade Track & Trace to 3.8 on Saturday night",
        "Release 3.8 fixes the label printing bug. Approved by me; the warehouses are quiet on Saturdays.",
        request_type="change", item="Acme Track & Trace",
        extra={"item": c.item_id("Acme Track & Trace"), "window": next_weekday(5),
               "approver": "alice@acme.example",
               "rollback": "Database snapshot before the upgrade; redeploy 3.7.2 from the registry."},
    )  # fmt: skip
    c.assign(case, "cloud-operations", "hugo")
    say(case, c["hugo"], """
Plan for Saturday:

| Time  | Step                                   |
|-------|----------------------------------------|
| 22:00 | Snapshot of `acme-db-01`               |
| 22:15 | Deploy 3.8 on `acme-web-01`            |
| 22:45 | Smoke test: search, label printing     |
""")  # fmt: skip


def portal_feedback(c: Cast, key: str) -> None:
    """Feedback nobody has answered yet (New)."""
    c.open(
        key, "acme", "carmen", "Show the engineer's working hours on a case",
        "It would help to see when the assigned engineer works, so we know when to expect news.",
        request_type="feedback-proposals", urgency=L, impact=L, extra={"area": "Portal"},
    )  # fmt: skip
