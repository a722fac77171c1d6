"""The demo's case stories, drawn from the scenarios of the portal guides. Each story opens its first case
with its key as the reference and plays what happened next through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from supportal.cases.lifecycle import Action
from supportal.cases.models import Level, Visibility
from supportal.cases.services import attachment_add, case_escalate, case_merge, case_update, watcher_add
from supportal.core.demo_cases import ALERT, EMAIL, PHONE, PORTAL, Cast, Story, move, png_file, say, text_file

H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _next(weekday: int) -> str:
    """The date of the next such weekday (Monday is 0), at least a day away."""
    today = timezone.localdate()
    return (today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)).isoformat()


def online_banking_outage(c: Cast, key: str) -> None:
    """Globex's P1, shared with the organisation, watched, escalated, with an internal note and a graph."""
    case = c.open(
        key, "globex", "charlie", "Online banking returns 502 Bad Gateway for all customers",
        """
Since **09:12** every login to <https://online.globex.example> ends in `502 Bad Gateway`.

- Mobile app and web are both affected.
- Our branch staff cannot see customer accounts either.
- We changed nothing on our side today.

Please treat this as critical: no customer can use online banking.
""",
        request_type="incident", item="glx-ob-app-01", urgency=H, impact=H,
        visibility=Visibility.ORGANIZATION, watchers=[c["priya"], c["sam"], "cio.office@globex.example"],
        extra={"service": "Load balancer", "region": "London (lon1)", "started_on": _day(0),
               "error_message": "502 Bad Gateway (nginx)"},
    )  # fmt: skip
    move(case, c["hugo"], Action.TAKE)
    say(case, c["hugo"], """
We are on it. Both application nodes behind the load balancer fail their health check since 09:12,
so the balancer has no healthy backend. Next update within 30 minutes.
""")  # fmt: skip
    say(case, c["hugo"], """
Health checks fail on TCP connect **from the load-balancer subnet only**; from the jump host the nodes
answer fine. Same pattern as last month's core switch firmware bug. Ivan, can you check `glx-core-sw-01`?
""", public=False)  # fmt: skip
    watcher_add(actor=c["hugo"], case=case, watcher=c["ivan"], channel=PORTAL)
    case_escalate(
        actor=c["charlie"], case=case, channel=PORTAL,
        reason="Customers cannot log in for 40 minutes now; our CIO asks for a call every 30 minutes.",
    )  # fmt: skip
    red, green = (200, 40, 40), (40, 160, 70)
    graph = png_file("health-checks.png", [green] * 48 + [red] * 80 + [green] * 32, height=48)
    say(case, c["hugo"], """
Traffic flows again: we moved the load balancer's uplink to the standby switch path at 10:05 and both
nodes are healthy (graph of the health checks attached). We keep watching for 30 minutes before we
resolve; the root cause on the core switch stays with our Network team.
""", files=[graph])  # fmt: skip


def certificate_renewal(c: Cast, key: str) -> None:
    """A change waiting for the customer's answer (Awaiting Info)."""
    case = c.open(
        key, "globex", "priya", "Renew the certificate of online.globex.example before it expires",
        """
Our monitoring warns that the TLS certificate of `online.globex.example` expires in three weeks.
Please renew it with the same issuer and install it on the load balancer.
""",
        request_type="change", item="online.globex.example",
        extra={"item": c.item_id("online.globex.example"), "window": _day(14),
               "approver": "priya@globex.example",
               "rollback": "Switch the listener back to the old certificate."},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.ASK_INFO, comment="""
Two questions before we order it:

1. Should the new certificate also cover `www.online.globex.example`?
2. Do we generate the key and CSR, or will your PKI team send us a CSR?
""")  # fmt: skip


def dns_change(c: Cast, key: str) -> None:
    """A change handed to the Network team, on hold until the customer's advisory board approves."""
    case = c.open(
        key, "globex", "priya", "DNS change: point api.globex.example at the new load balancer",
        """
Please change the `A` record of `api.globex.example` from `203.0.113.10` to `203.0.113.42`
(the new load balancer). Partners call this API, so we want a short TTL before the switch.
""",
        request_type="change", item="globex.example DNS zone",
        extra={"item": c.item_id("globex.example DNS zone"), "window": _day(9),
               "approver": "priya@globex.example", "rollback": "Restore the old A record; TTL is 300 s."},
    )  # fmt: skip
    c.assign(case, "network", "jun")
    say(case, c["jun"], "Lowered the TTL of `api.globex.example` to 300 s today, so the switch spreads fast.")
    move(case, c["jun"], Action.HOLD, comment="""
Ready to go. On hold until your change advisory board approves it on Thursday; tell us here when it has.
""")  # fmt: skip


def vm_unreachable(c: Cast, key: str) -> None:
    """An incident resolved and accepted (Closed, solution accepted)."""
    case = c.open(
        key, "globex", "charlie", "glx-payments-vm unreachable after last night's host maintenance",
        """
Since the maintenance window last night we cannot reach `glx-payments-vm`: no SSH, no ping, and
the payments API on it times out. The console shows the VM as *running*.
""",
        request_type="incident", item="glx-payments-vm", urgency=H, impact=M,
        extra={"service": "Compute", "region": "London (lon1)", "started_on": _day(0),
               "resource_uuid": "6f1c2d9e-3b47-4c1a-9e55-0d8a7b2f4c11"},
    )  # fmt: skip
    move(case, c["hugo"], Action.TAKE)
    say(case, c["hugo"], "Confirmed: the VM runs, but its network port did not come back after the move.")
    move(case, c["hugo"], Action.RESOLVE, comment="""
The hypervisor host came back with the VM's network port detached. We re-attached it and added a check
to our maintenance runbook. `glx-payments-vm` answers again; please confirm payments flow.
""")  # fmt: skip
    move(case, c["charlie"], Action.ACCEPT, comment="Confirmed, payments are flowing again. Thank you!")


def payments_batch_by_phone(c: Cast, key: str) -> None:
    """Filed by an agent for a customer who phoned; still New."""
    c.open(
        key, "globex", "dana", "Payments batch job runs three times slower since this morning",
        """
Priya phoned: the 06:00 payments batch, which normally takes 20 minutes, took just over an hour today.
Nothing failed, but the 08:00 cut-off was nearly missed. She will send the job log by email.
""",
        request_type="incident", item="glx-payments-vm", channel=PHONE, requester=c["priya"],
        filed_reason="Priya Raman called the Service Desk at 08:40.", urgency=M, impact=M,
        extra={"service": "Block storage", "region": "London (lon1)", "started_on": _day(0)},
    )  # fmt: skip


def export_quota_rejected(c: Cast, key: str) -> None:
    """A solution rejected by the customer, so the case is Open again."""
    case = c.open(
        key, "globex", "charlie", "Nightly export to the data warehouse fails: disk quota exceeded",
        """
The nightly export job stops with `write error: Disk quota exceeded` on the export volume.
We need roughly 200 GB more; the volume is in project `globex-dwh`.
""",
        request_type="general-request",
        extra={"topic": "Quota increase", "resource_uuid": "c41d7a2e-5f3b-4b8e-9d21-7e6a0f8b3c55"},
    )  # fmt: skip
    c.assign(case, "cloud-operations", "jun")
    move(case, c["jun"], Action.RESOLVE, comment="Raised the quota of `globex-dwh` from 500 GB to 750 GB.")
    move(case, c["charlie"], Action.REJECT,
         reason="The export still fails, now with `permission denied` on /exports/monthly.")  # fmt: skip
    say(case, c["jun"], "Sorry: the enlarged volume came back owned by root. Fixing the ownership now.")


def database_exploration(c: Cast, key: str) -> None:
    """A question (an exploration) nobody has picked up yet: New."""
    c.open(
        key, "globex", "priya", "Exploration: move the online banking database to managed PostgreSQL",
        """
We would like to know what moving the online banking database from our own PostgreSQL VMs to your
managed PostgreSQL service would involve: risks, downtime, cost, and what changes for backups.
A short document is enough; no proof of concept yet.
""",
        request_type="question", urgency=L, impact=M, visibility=Visibility.ORGANIZATION,
        extra={"deliverable": "A document of risks and benefits"},
    )  # fmt: skip


def staging_server_order(c: Cast, key: str) -> None:
    """A hosting order delivered and waiting for the customer's acceptance (Resolved)."""
    case = c.open(
        key, "globex", "priya", "Staging server for Online Banking 4.2",
        "We need a staging server to test release 4.2 of Online Banking before it goes live next month.",
        request_type="hosting",
        extra={"action": "Create server", "application": "Globex Online Banking",
               "application_version": "4.2.0-rc1", "os": "Red Hat Enterprise Linux 9", "vcpus": 4,
               "memory_gb": 16},
    )  # fmt: skip
    move(case, c["hugo"], Action.TAKE)
    move(case, c["hugo"], Action.RESOLVE, comment="""
`glx-ob-stg-02` is up: 4 vCPUs, 16 GB, RHEL 9, in the staging network. The credentials are in your
vault under *Hosting / staging*. Please accept once you have signed in.
""")  # fmt: skip


def new_employee(c: Cast, key: str) -> None:
    """Staff onboarding with every kind of form field, being worked on (Open)."""
    case = c.open(
        key, "globex", "charlie", "New employee: Li Wei joins the payments team",
        "Li starts next week in Payments and needs portal access to follow our open cases.",
        request_type="staff-onboarding",
        extra={"employee_name": "Li Wei", "employee_email": "li.wei@globex.example", "start_date": _day(7),
               "department": "Payments", "hardware": ["Laptop", "Headset"],
               "manager": "priya@globex.example"},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    say(case, case.assignee or c["grace"], """
Li already sent a registration request; Frank approves it today, and Li gets the *Case reporter* and
*Organisation cases* groups. The laptop and headset ship before the start date.
""")  # fmt: skip


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
        extra={"item": c.item_id("portal.acme.example"), "window": _day(2), "approver": "alice@acme.example"},
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
        extra={"action": "Restore", "server": c.item_id("acme-files-01"), "restore_point": _day(-2),
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
        extra={"service": "Block storage", "region": "Amsterdam (ams1)", "started_on": _day(-3)},
    )  # fmt: skip
    log = text_file("backup-acme-db-01.log", f"""
{_day(-1)} 02:00:01 INFO  job acme-db-01-nightly started (pg_dump, retention 30 days)
{_day(-1)} 02:00:02 INFO  connecting to acme-db-01.acme.example:5432 as backup
{_day(-1)} 02:14:37 ERROR pg_dump: error: could not write to output file: No space left on device
{_day(-1)} 02:14:37 ERROR job acme-db-01-nightly FAILED after 876 s (exit code 1)
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
        extra={"employee_email": "tom.becker@acme.example", "last_day": _next(4),
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
        extra={"item": c.item_id("Acme Track & Trace"), "window": _next(5), "approver": "alice@acme.example",
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


def card_reader(c: Cast, key: str) -> None:
    """Crumbs' shared login by email, with the person's name; asked for details, answered (Open again)."""
    case = c.open(
        key, "crumbs", "counter", "Card reader at the till keeps dropping off the Wi-Fi",
        "Hi, Maya here. The card reader loses the Wi-Fi every hour or so and customers have to pay cash.",
        channel=EMAIL, requester_name="Maya (shop manager)",
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.ASK_INFO, comment="Which card reader model is it, and which Wi-Fi router?")
    say(case, c["counter"], """
It's Maya again. The reader is a SumUp Solo; the router is the one from our internet provider, in the
back office behind the ovens.
""", channel=EMAIL)  # fmt: skip


def shop_certificate(c: Cast, key: str) -> None:
    """Crumbs' webshop certificate, resolved and accepted by email (Closed, solution accepted)."""
    case = c.open(
        key, "crumbs", "counter", "Our webshop says 'Not secure'",
        "Customers tell us the browser says our shop is not secure for two days. Tom",
        channel=EMAIL, requester_name="Tom (owner)", item="shop.crumbs.example",
    )  # fmt: skip
    move(case, None, Action.TAKE)
    move(case, None, Action.RESOLVE, comment="""
The certificate of `shop.crumbs.example` expired two days ago because its automatic renewal could not
reach the shop. We renewed it and fixed the renewal, so it will not happen again.
""")  # fmt: skip
    move(case, c["counter"], Action.ACCEPT, comment="Lovely, the padlock is back. Thanks! Tom", channel=EMAIL)


def orders_mailbox_question(c: Cast, key: str) -> None:
    """A question by email from the shared login (New)."""
    c.open(
        key, "crumbs", "counter", "Can orders@crumbs.example get your emails too?",
        "Lena from orders here: could your emails about our cases also go to orders@crumbs.example?",
        channel=EMAIL, requester_name="Lena (orders)", request_type="question",
        extra={"deliverable": "An answer"},
    )  # fmt: skip


def card_payments_email(c: Cast, key: str) -> None:
    """An email case starts at P3; the customer raises the priority in the portal, saying why."""
    case = c.open(
        key, "globex", "charlie", "Card payments declined at some branch terminals",
        "Three branches report that card payments are declined now and then since 10:00. Cash works.",
        channel=EMAIL, case_type=c.case_type("incident"),
    )  # fmt: skip
    case_update(
        actor=c["charlie"], case=case, channel=PORTAL, urgency=H, impact=M,
        reason="Customers are queuing at the counters of three branches; this cannot wait for a P3.",
    )  # fmt: skip
    move(case, c["hugo"], Action.TAKE)


def core_switch_alert(c: Cast, key: str) -> None:
    """Filed by the on-call engineer for the organisation's virtual user from a monitoring alert."""
    case = c.open(
        key, "globex", "jun", "glx-core-sw-01: CPU above 90% for 10 minutes",
        "Monitoring alert: CPU of `glx-core-sw-01` above 90% since 03:10; no packet loss measured yet.",
        channel=ALERT, item="glx-core-sw-01", case_type=c.case_type("incident"), urgency=H, impact=M,
        filed_reason="Raised by monitoring: CPU above 90% for 10 minutes on glx-core-sw-01.",
    )  # fmt: skip
    move(case, c["ivan"], Action.TAKE)
    say(case, c["ivan"], "Spanning tree loops again: the firmware bug of last month.", public=False)
    say(case, c["ivan"], "Investigating with the vendor. No impact on traffic so far; we keep you posted.")


def upgrade_in_qa(c: Cast, key: str) -> None:
    """An OnBoarding request (an upgrade in QA), being worked on (Open)."""
    case = c.open(
        key, "globex", "priya", "Upgrade Online Banking from 4.1.3 to 4.2 in QA",
        "Please upgrade our QA environment to 4.2 so our testers can start on Monday.",
        request_type="onboarding",
        extra={"current_version": "4.1.3", "target_version": "4.2.0", "environment": "QA"},
    )  # fmt: skip
    move(case, None, Action.TAKE)


STORIES: tuple[tuple[str, str, Story], ...] = (
    ("DEMO-01", "globex", online_banking_outage),
    ("DEMO-02", "globex", certificate_renewal),
    ("DEMO-03", "globex", dns_change),
    ("DEMO-04", "globex", vm_unreachable),
    ("DEMO-05", "globex", payments_batch_by_phone),
    ("DEMO-06", "globex", export_quota_rejected),
    ("DEMO-07", "globex", database_exploration),
    ("DEMO-08", "globex", staging_server_order),
    ("DEMO-09", "globex", new_employee),
    ("DEMO-10", "acme", slow_track_and_trace),
    ("DEMO-11", "acme", sign_in_withdrawn),
    ("DEMO-12", "acme", certificate_duplicates),
    ("DEMO-13", "acme", restore_with_follow_up),
    ("DEMO-14", "acme", failing_backup_with_log),
    ("DEMO-15", "acme", csv_export_idea),
    ("DEMO-16", "acme", offboarding),
    ("DEMO-17", "acme", track_and_trace_upgrade),
    ("DEMO-18", "acme", portal_feedback),
    ("DEMO-19", "crumbs", card_reader),
    ("DEMO-20", "crumbs", shop_certificate),
    ("DEMO-21", "crumbs", orders_mailbox_question),
    ("DEMO-22", "globex", card_payments_email),
    ("DEMO-23", "globex", core_switch_alert),
    ("DEMO-24", "globex", upgrade_in_qa),
)
