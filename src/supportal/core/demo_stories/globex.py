"""Globex Bank's stories (Premium: portal, email, chat, API, phone; 24/7 paging)."""

from __future__ import annotations

from supportal.cases.lifecycle import Action
from supportal.cases.models import Visibility
from supportal.cases.services import case_escalate, case_update, watcher_add
from supportal.core.demo_cases import ALERT, EMAIL, PHONE, PORTAL, Cast, move, png_file, say
from supportal.core.demo_stories.dates import H, L, M, day


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
        extra={"service": "Load balancer", "region": "London (lon1)", "started_on": day(0),
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
        extra={"item": c.item_id("online.globex.example"), "window": day(14),
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
        extra={"item": c.item_id("globex.example DNS zone"), "window": day(9),
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
        extra={"service": "Compute", "region": "London (lon1)", "started_on": day(0),
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
        extra={"service": "Block storage", "region": "London (lon1)", "started_on": day(0)},
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
        extra={"employee_name": "Li Wei", "employee_email": "li.wei@globex.example", "start_date": day(7),
               "department": "Payments", "hardware": ["Laptop", "Headset"],
               "manager": "priya@globex.example"},
    )  # fmt: skip
    move(case, None, Action.TAKE)
    say(case, case.assignee or c["grace"], """
Li already sent a registration request; Frank approves it today, and Li gets the *Case reporter* and
*Organisation cases* groups. The laptop and headset ship before the start date.
""")  # fmt: skip


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
