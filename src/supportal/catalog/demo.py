"""The demo's service catalog: its items, the Change approval rule, and orders in every status.

Called by core.demo_cases.load_demo_cases after the stories (so the stories' own changes and orders, made
before the catalog existed, keep the history they were written with). Items and rules are configuration
rows (get_or_create); the orders go through the services as the demo's people: Carmen orders for Acme
and Alice approves; Priya orders and approves for Globex; the agents work the tasks; the renewal job
opens the orders of the certificates near expiry. Skipped when the first order (`ORD-01`) exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from supportal.accounts.models import User
from supportal.cases.lifecycle import Action
from supportal.cases.models import (
    Case,
    CaseType,
    Category,
    Channel,
    ExtraField,
    FieldKind,
    Kind,
    RequestType,
    RoutingRule,
)
from supportal.cases.services import case_create, case_transition
from supportal.catalog.models import ApprovalRule, CatalogItem, FulfilmentStep, OrderTask
from supportal.catalog.services.approvals import approval_decide
from supportal.catalog.services.orders import order_sync
from supportal.catalog.services.renewals import certificate_renewals_open
from supportal.catalog.services.tasks import task_complete
from supportal.cmdb.models import ConfigItem
from supportal.orgs.models import Organisation, Team

PORTAL = Channel.PORTAL
FIRST_ORDER = "ORD-01"


@dataclass(frozen=True)
class Item:
    slug: str
    approvals: int
    days: int
    steps: tuple[tuple[str, str], ...]  # (name, team slug)


# New orderable request types: (category, slug, name, case type, description, fields as (key, label,
# kind, required, choices)).
FieldSpec = tuple[str, str, str, bool, tuple[str, ...]]
NEW_TYPES: tuple[tuple[str, str, str, str, str, tuple[FieldSpec, ...]], ...] = (
    ("cloud", "dns-change", "DNS change", "change", "Add, change or remove a record of a DNS zone we host.", (
        ("zone", "Zone", FieldKind.TEXT, True, ()),
        ("record", "Record name", FieldKind.TEXT, True, ()),
        ("record_type", "Record type", FieldKind.CHOICE, True, ("A", "AAAA", "CNAME", "MX", "TXT")),
        ("value", "New value", FieldKind.TEXT, True, ()),
    )),
    ("managed-services", "licence-update", "Licence update", "general-request",
     "Add or remove seats of a licence we manage for you.", (
        ("product", "Product", FieldKind.TEXT, True, ()),
        ("seats", "Seats wanted", FieldKind.NUMBER, True, ()),
    )),
    ("managed-services", "certificate-renewal", "Certificate renewal", "general-request",
     "Renew and install a TLS certificate before it expires (opened for you 30 days ahead).", ()),
    ("managed-services", "hosting-cancel", "Hosting: cancel a server", "general-request",
     "Cancel a server of Managed Hosting at the end of the month.", (
        ("last_day", "Last day", FieldKind.DATE, True, ()),
    )),
)  # fmt: skip

ITEMS: tuple[Item, ...] = (
    Item("dns-change", 1, 1, (("Change the record", "network"),
                              ("Verify and tell the customer", "service-desk"))),
    Item("licence-update", 0, 2, (("Update the licence", "service-desk"),)),
    Item("certificate-renewal", 0, 5, (("Renew and install the certificate", "cloud-operations"),)),
    Item("staff-onboarding", 1, 3, (("Create the accounts", "service-desk"),
                                    ("Send the welcome pack", "service-desk"))),
    Item("staff-offboarding", 1, 1, (("Remove the access", "service-desk"),)),
    Item("file-backup", 0, 2, (("Configure the backup client", "cloud-operations"),
                               ("Check the first run", "cloud-operations"))),
    Item("hosting", 2, 5, (("Provision the server", "cloud-operations"), ("Hand over", "service-desk"))),
    Item("hosting-cancel", 0, 5, (("Decommission the server", "cloud-operations"),)),
)  # fmt: skip

# Orders of these go to a team's queue (not round robin), so they wait there as Submitted or Approved.
QUEUES = (
    ("dns-change", "network"),
    ("certificate-renewal", "cloud-operations"),
    ("hosting-cancel", "cloud-operations"),
)


def load_demo_catalog() -> bool:
    """The catalog items, the Change rule and the orders; False when they were loaded before."""
    if Case.objects.filter(reference=FIRST_ORDER).exists():
        return False
    request_types = _request_types()
    teams = {t.slug: t for t in Team.objects.all()}
    for spec in ITEMS:
        item, created = CatalogItem.objects.get_or_create(
            request_type=request_types[spec.slug],
            defaults={"approvals_required": spec.approvals, "fulfilment_days": spec.days},
        )
        if created:
            for position, (name, team) in enumerate(spec.steps, start=1):
                FulfilmentStep.objects.create(item=item, position=position, name=name, team=teams[team])
    for position, (slug, team) in enumerate(QUEUES, start=1):
        RoutingRule.objects.get_or_create(
            name=f"{request_types[slug].name} → {teams[team].name}",
            defaults={"position": 30 + position, "team": teams[team], "request_type": request_types[slug]},
        )
    ApprovalRule.objects.get_or_create(
        request_type=request_types["change"], defaults={"approvals_required": 1}
    )
    _orders(request_types)
    certificate_renewals_open()  # the certificates near expiry get their renewal orders
    return True


def _request_types() -> dict[str, RequestType]:
    for category, slug, name, case_type, description, fields in NEW_TYPES:
        request_type, _ = RequestType.objects.get_or_create(
            slug=slug,
            defaults={
                "category": Category.objects.get(slug=category),
                "case_type": CaseType.objects.get(code=case_type),
                "kind": Kind.ORDER,
                "name": name,
                "description": description,
                "position": 20,
            },
        )
        for position, (key, label, kind, required, choices) in enumerate(fields):
            ExtraField.objects.get_or_create(
                request_type=request_type,
                key=key,
                defaults={"label": label, "kind": kind, "required": required, "choices": list(choices),
                          "position": position},
            )  # fmt: skip
    # Onboarding and offboarding are ordered (with approval) since the catalog exists.
    RequestType.objects.filter(slug__in=["staff-onboarding", "staff-offboarding"]).update(kind=Kind.ORDER)
    slugs = [spec.slug for spec in ITEMS] + ["change"]
    return {rt.slug: rt for rt in RequestType.objects.filter(slug__in=slugs)}


class _Orders:
    def __init__(self, request_types: dict[str, RequestType]) -> None:
        self.request_types = request_types
        self.people = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=_EMAILS)}
        self.orgs = {
            "acme": Organisation.objects.get(name="Acme Logistics"),
            "globex": Organisation.objects.get(name="Globex Bank"),
        }

    def order(self, key: str, org: str, who: str, slug: str, subject: str, text: str, **kwargs: Any) -> Case:
        return case_create(
            actor=self.people[who], organisation=self.orgs[org], subject=subject, description=text,
            channel=PORTAL, reference=key, request_type=self.request_types[slug], **kwargs,
        )  # fmt: skip

    def decide(self, case: Case, who: str, decision: str = "approve", comment: str = "") -> None:
        approval_decide(actor=self.people[who], case=case, decision=decision, comment=comment, channel=PORTAL)

    def work(self, case: Case, who: str, *, steps: int | None = None) -> None:
        tasks = list(OrderTask.objects.filter(order_id=case.pk).order_by("position", "id"))
        for task in tasks[:steps]:
            task_complete(actor=self.people[who], task=task, channel=PORTAL)


_EMAILS = [
    "alice@acme.example", "bob@acme.example", "carmen@acme.example", "charlie@globex.example",
    "priya@globex.example", "dana@provider.example", "hugo@provider.example", "ivan@provider.example",
]  # fmt: skip


def _orders(request_types: dict[str, RequestType]) -> None:
    o = _Orders(request_types)
    day = timezone.localdate()
    # Acme: Carmen orders, Alice approves.
    o.order(
        "ORD-01",
        "acme",
        "carmen",
        "dns-change",
        "Point track.acme.example at the new load balancer",
        "We move Track & Trace behind the new load balancer on Thursday night.",
        extra={
            "zone": "acme.example",
            "record": "track",
            "record_type": "CNAME",
            "value": "lb-02.cloud.example.",
        },
    )  # awaiting approval
    mx = o.order(
        "ORD-02",
        "acme",
        "carmen",
        "dns-change",
        "Add the MX records of our new mail service",
        "Our mail moves to the new provider next week.",
        extra={"zone": "acme.example", "record": "@", "record_type": "MX", "value": "10 mx1.mail.example."},
    )
    o.decide(mx, "alice", comment="Agreed with IT; go ahead any time this week.")  # approved
    leaver = o.order(
        "ORD-03",
        "acme",
        "carmen",
        "staff-offboarding",
        "Offboard Tom Becker",
        "Tom leaves the Warehouse team.",
        extra={
            "employee_email": "tom@acme.example",
            "last_day": (day + timedelta(days=3)).isoformat(),
            "revoke": ["Portal", "VPN"],
        },
    )
    o.decide(leaver, "alice", "reject", "Tom stays until the end of next month: order again with that date.")
    starter = o.order(
        "ORD-04",
        "acme",
        "carmen",
        "staff-onboarding",
        "Onboard Mia Schulz (Finance)",
        "Mia joins Finance on Monday.",
        extra={
            "employee_name": "Mia Schulz",
            "employee_email": "mia@acme.example",
            "start_date": (day + timedelta(days=5)).isoformat(),
            "department": "Finance",
            "hardware": ["Laptop", "Headset"],
        },
    )
    o.decide(starter, "alice", comment="Approved, welcome Mia!")
    o.work(starter, "dana", steps=1)  # in fulfilment
    server = ConfigItem.objects.get(organisation=o.orgs["acme"], name="acme-files-01")
    backup = o.order(
        "ORD-05",
        "acme",
        "carmen",
        "file-backup",
        "Back up the new Scans share on acme-files-01",
        "Please add D:\\Shares\\Scans to the nightly backup.",
        config_item=server,
        extra={"action": "Create client", "server": server.pk, "retention_days": 30},
    )
    o.work(backup, "hugo")  # fulfilled
    seats = o.order(
        "ORD-06",
        "acme",
        "carmen",
        "licence-update",
        "Two more seats of the route planner",
        "For the two new dispatchers.",
        extra={"product": "RoutePlanner Pro", "seats": 14},
    )
    case_transition(
        actor=o.people["carmen"],
        case=seats,
        action=Action.CLOSE,
        channel=PORTAL,
        comment="Sorry, the dispatchers start next quarter: I will order again then.",
    )
    order_sync(seats)  # cancelled now (the subscriber of the state change runs after the demo's commit)
    web = ConfigItem.objects.get(organisation=o.orgs["acme"], name="acme-web-01")
    o.order("ORD-11", "acme", "carmen", "hosting-cancel", "Cancel acme-web-01 after the move",
            "Track & Trace runs on the new cluster from next month.", config_item=web,
            extra={"last_day": (day + timedelta(days=30)).isoformat()})  # fmt: skip
    # A change that needs Alice's approval (the Change rule).
    o.order(
        "ORD-07",
        "acme",
        "bob",
        "change",
        "Raise the upload limit of Track & Trace to 50 MB",
        "Customers send bigger proofs of delivery now.",
        extra={"window": (day + timedelta(days=7)).isoformat()},
    )
    # Globex: Priya orders, and approves what others ask; her hosting order needs two approvers besides her.
    o.order(
        "ORD-08",
        "globex",
        "priya",
        "hosting",
        "A staging server for Online Banking 4.2",
        "For the load tests of 4.2 before the release.",
        extra={
            "action": "Create server",
            "application": "Globex Online Banking",
            "os": "Red Hat Enterprise Linux 9",
            "vcpus": 8,
            "memory_gb": 32,
        },
    )  # awaiting approval
    licences = o.order(
        "ORD-09",
        "globex",
        "priya",
        "licence-update",
        "Five more seats of the HSM console",
        "For the new payments engineers.",
        extra={"product": "HSM console", "seats": 25},
    )
    o.work(licences, "dana")  # fulfilled
    change = o.order(
        "ORD-10",
        "globex",
        "charlie",
        "change",
        "Rotate the signing keys of the payments API",
        "The yearly rotation.",
        extra={"window": (day + timedelta(days=4)).isoformat()},
    )
    o.decide(change, "priya", comment="Approved for the Tuesday window.")  # fmt: skip
