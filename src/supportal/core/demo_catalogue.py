"""The demo's configuration: the request-type catalogue of the portal guides, the CMDB and routing rules.

Categories, request types, their forms and routing rules are configuration rows (get_or_create); item
types and configuration items go through `cmdb.services`. Every step is idempotent on its natural key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from supportal.accounts.models import User
from supportal.audit.services import AuditChannel
from supportal.cases.models import CaseType, Category, ExtraField, FieldKind, Kind, RequestType, RoutingRule
from supportal.cmdb.defaults import DEFAULT_TYPES
from supportal.cmdb.models import ConfigItem, ConfigItemRelation, ConfigItemType, RelationKind
from supportal.cmdb.services import config_item_create, config_item_type_create, relation_add
from supportal.orgs.models import Organisation, Team

CHANNEL = AuditChannel.CLI
T, LT, NUM, DATE = FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.NUMBER, FieldKind.DATE
CHOICE, MULTI, USER = FieldKind.CHOICE, FieldKind.MULTI_CHOICE, FieldKind.USER
ITEM, VERSION = FieldKind.CONFIG_ITEM, FieldKind.VERSION


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help_text: str = ""


@dataclass(frozen=True)
class Request:
    slug: str
    name: str
    case_type: str
    description: str
    fields: tuple[Field, ...]
    kind: str = Kind.CASE


REGIONS = ("London (lon1)", "Frankfurt (fra1)", "Amsterdam (ams1)")
ENVIRONMENTS = ("Production", "Staging", "QA")

# (slug, name, description, request types): the three categories of the guides, then "General" for the
# trackers of the other guides (Task/Change, Question, Feature Requests, OnBoarding).
CATALOGUE: tuple[tuple[str, str, str, tuple[Request, ...]], ...] = (
    ("cloud", "Cloud", "Issues with our cloud operations.", (
        Request("incident", "Incident", "incident", "Report an ongoing incident.", (
            Field("service", "Affected service", CHOICE, True, (
                "Compute", "Block storage", "Object storage", "Networking", "Load balancer", "DNS",
            )),
            Field("region", "Region", CHOICE, False, REGIONS),
            Field("resource_uuid", "Resource UUID", T, help_text="The UUID of the affected resource(s)."),
            Field("started_on", "Started on", DATE),
            Field("error_message", "Exact error message", LT),
        )),
        Request("general-request", "General request", "general-request",
                "Get assistance for general problems and questions.", (
            Field("topic", "Topic", CHOICE, True, (
                "Quota increase", "Information", "Invoice issue", "Account issue",
                "Cloud Management Portal issue",
            )),
            Field("resource_uuid", "Project or resource UUID", T),
        )),
    )),
    ("service-center-portal", "Service Center Portal", "Your organisation on the portal.", (
        Request("staff-onboarding", "Staff Onboarding", "onboarding",
                "Provision portal access for a new employee.", (
            Field("employee_name", "Employee name", T, True),
            Field("employee_email", "Work email address", T, True),
            Field("start_date", "Start date", DATE, True),
            Field("department", "Department", CHOICE, False, (
                "Operations", "Finance", "Payments", "IT", "Warehouse", "Customer service",
            )),
            Field("hardware", "Hardware needed", MULTI, False, ("Laptop", "Monitor", "Phone", "Headset")),
            Field("manager", "Manager", USER, help_text="Who approves the access."),
        )),
        Request("staff-offboarding", "Staff Offboarding", "general-request",
                "Remove portal access for an employee.", (
            Field("employee_email", "Employee's email address", T, True),
            Field("last_day", "Last working day", DATE, True),
            Field("revoke", "Access to remove", MULTI, True, ("Portal", "VPN", "Cloud console")),
            Field("cases_to", "Hand their open cases to", USER),
        )),
        Request("feedback-proposals", "Feedback & Proposals", "feedback",
                "Submit feedback or improvement proposals for our Service Center Portal.", (
            Field("area", "Area", CHOICE, True, ("Portal", "Email notifications", "Service desk", "Reports")),
        )),
    )),
    ("managed-services", "Managed Services", "Requests for our managed services.", (
        Request("file-backup", "File Backup", "general-request",
                "Create, cancel or restore a client of Managed File Backup.", (
            Field("action", "Action", CHOICE, True, ("Create client", "Cancel client", "Restore")),
            Field("server", "Server", ITEM, True),
            Field("retention_days", "Retention (days)", NUM),
            Field("restore_point", "Restore point", DATE, help_text="For a restore: the backup's date."),
            Field("restore_path", "Path to restore", T),
        ), kind=Kind.ORDER),
        Request("hosting", "Hosting", "general-request", "Create or cancel a server of Managed Hosting.", (
            Field("action", "Action", CHOICE, True, ("Create server", "Cancel server")),
            Field("application", "Application", T),
            Field("application_version", "Application version", VERSION),
            Field("os", "Operating system", CHOICE, False, (
                "Ubuntu 24.04 LTS", "Debian 12", "Red Hat Enterprise Linux 9", "Windows Server 2022",
            )),
            Field("vcpus", "vCPUs", NUM),
            Field("memory_gb", "Memory (GB)", NUM),
            Field("server", "Server to cancel", ITEM),
        ), kind=Kind.ORDER),
    )),
    ("general", "General", "Changes, questions, ideas and installations.", (
        Request("change", "Change", "change", "Ask for a change to a production system.", (
            Field("item", "Affected item", ITEM),
            Field("window", "Preferred change window", DATE, True),
            Field("approver", "Approved by", USER, help_text="Someone with authority to approve changes."),
            Field("rollback", "Rollback plan", LT),
        )),
        Request("question", "Question", "question", "Ask a question or request an exploration.", (
            Field("deliverable", "Desired deliverable", CHOICE, True, (
                "An answer", "A document of risks and benefits", "A proof of concept in QA",
            )),
        )),
        Request("feature-request", "Feature Request", "feature-request", "Propose a new feature.", (
            Field("business_value", "Why it matters to you", LT),
        )),
        Request("onboarding", "OnBoarding", "onboarding", "Help with a new install or a version upgrade.", (
            Field("current_version", "Current version", VERSION),
            Field("target_version", "Target version", VERSION, True),
            Field("environment", "Environment", CHOICE, True, ENVIRONMENTS),
        )),
    )),
)  # fmt: skip


def load_catalogue() -> dict[str, RequestType]:
    """Categories, request types and their forms; returns the request types by slug."""
    case_types = {t.code: t for t in CaseType.objects.all()}
    request_types: dict[str, RequestType] = {}
    for position, (slug, name, description, requests) in enumerate(CATALOGUE):
        category, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        for rt_position, spec in enumerate(requests):
            request_type, _ = RequestType.objects.get_or_create(
                slug=spec.slug,
                defaults={
                    "category": category,
                    "case_type": case_types[spec.case_type],
                    "kind": spec.kind,
                    "name": spec.name,
                    "description": spec.description,
                    "position": rt_position,
                },
            )
            for f_position, field in enumerate(spec.fields):
                ExtraField.objects.get_or_create(
                    request_type=request_type,
                    key=field.key,
                    defaults={
                        "label": field.label,
                        "kind": field.kind,
                        "required": field.required,
                        "choices": list(field.choices),
                        "help_text": field.help_text,
                        "position": f_position,
                    },
                )
            request_types[spec.slug] = request_type
    return request_types


def _items() -> dict[str, tuple[tuple[str, str, str, dict[str, Any]], ...]]:
    """Per organisation: (type, name, identifier, attributes). Certificates expire relative to today."""
    today = timezone.localdate()
    return {
        "Crumbs & Co. Bakery": (
            ("application", "Crumbs webshop", "shop.crumbs.example",
             {"version": "2.3", "url": "https://shop.crumbs.example", "environment": "Production"}),
            ("certificate", "shop.crumbs.example", "shop.crumbs.example",
             {"subject": "CN=shop.crumbs.example", "expires_on": str(today - timedelta(days=2)),
              "issuer": "Let's Encrypt R11"}),
        ),
        "Acme Logistics": (
            ("server", "acme-web-01", "acme-web-01.acme.example",
             {"hostname": "acme-web-01.acme.example", "os": "Ubuntu 22.04 LTS", "environment": "Production",
              "ip_address": "10.20.1.11"}),
            ("server", "acme-db-01", "acme-db-01.acme.example",
             {"hostname": "acme-db-01.acme.example", "os": "Debian 12", "environment": "Production",
              "ip_address": "10.20.1.21"}),
            ("server", "acme-files-01", "acme-files-01.acme.example",
             {"hostname": "acme-files-01.acme.example", "os": "Windows Server 2022",
              "environment": "Production", "ip_address": "10.20.1.31"}),
            ("certificate", "portal.acme.example", "portal.acme.example",
             {"subject": "CN=portal.acme.example", "expires_on": str(today + timedelta(days=9)),
              "issuer": "Sectigo RSA DV"}),
            ("database", "acme-tracking-db", "acme-db-01.acme.example:5432/tracking",
             {"engine": "PostgreSQL", "version": "16", "host": "acme-db-01.acme.example"}),
            ("application", "Acme Track & Trace", "track.acme.example",
             {"version": "3.7.2", "url": "https://track.acme.example", "environment": "Production"}),
            ("network-item", "acme-fw-01", "FGT60F-4411",
             {"role": "Firewall", "model": "FortiGate 60F", "firmware": "7.2.8"}),
        ),
        "Globex Bank": (
            ("server", "glx-ob-app-01", "glx-ob-app-01.globex.example",
             {"hostname": "glx-ob-app-01.globex.example", "os": "Red Hat Enterprise Linux 9",
              "environment": "Production", "ip_address": "10.40.2.15"}),
            ("certificate", "online.globex.example", "online.globex.example",
             {"subject": "CN=online.globex.example", "expires_on": str(today + timedelta(days=21)),
              "issuer": "DigiCert Global G2 TLS RSA SHA256 2020 CA1"}),
            ("network-item", "glx-core-sw-01", "FDO2231X0KQ",
             {"role": "Core switch", "model": "Cisco Nexus 93180YC-FX", "firmware": "10.3(4a)"}),
            ("application", "Globex Online Banking", "online.globex.example",
             {"version": "4.1.3", "url": "https://online.globex.example", "environment": "Production"}),
            ("cloud-resource", "glx-payments-vm", "6f1c2d9e-3b47-4c1a-9e55-0d8a7b2f4c11",
             {"uuid": "6f1c2d9e-3b47-4c1a-9e55-0d8a7b2f4c11", "resource_kind": "Virtual machine",
              "region": "London (lon1)", "provider": "Supportal Cloud"}),
            ("cloud-resource", "globex.example DNS zone", "b2e81f40-9c3d-4d7e-8a16-5f0e2c9d7a38",
             {"uuid": "b2e81f40-9c3d-4d7e-8a16-5f0e2c9d7a38", "resource_kind": "DNS zone",
              "region": "Frankfurt (fra1)", "provider": "Supportal Cloud"}),
        ),
    }  # fmt: skip


# (source, kind, target) between the items above, by name.
RELATIONS: tuple[tuple[str, str, str], ...] = (
    ("Acme Track & Trace", RelationKind.RUNS_ON, "acme-web-01"),
    ("Acme Track & Trace", RelationKind.DEPENDS_ON, "acme-tracking-db"),
    ("acme-tracking-db", RelationKind.RUNS_ON, "acme-db-01"),
    ("portal.acme.example", RelationKind.CONNECTED_TO, "acme-web-01"),
    ("acme-web-01", RelationKind.CONNECTED_TO, "acme-fw-01"),
    ("Globex Online Banking", RelationKind.RUNS_ON, "glx-ob-app-01"),
    ("Globex Online Banking", RelationKind.DEPENDS_ON, "glx-payments-vm"),
    ("glx-ob-app-01", RelationKind.CONNECTED_TO, "glx-core-sw-01"),
)


def load_cmdb(*, admin: User, agent: User) -> dict[str, ConfigItem]:
    """The default item types (made by the cmdb's data migration; by the admin here if missing), the
    customers' items and their relations (by an agent); returns the items by name."""
    types: dict[str, ConfigItemType] = {}
    for code, name, description, attrs in DEFAULT_TYPES:
        existing = ConfigItemType.objects.filter(code=code).first()
        types[code] = existing or config_item_type_create(
            actor=admin, channel=CHANNEL, code=code, name=name, description=description, attributes=attrs
        )
    items: dict[str, ConfigItem] = {}
    for organisation_name, specs in _items().items():
        organisation = Organisation.objects.get(name=organisation_name)
        for code, name, identifier, values in specs:
            found = ConfigItem.objects.filter(organisation=organisation, item_type=types[code], name=name)
            items[name] = found.first() or config_item_create(
                actor=agent, channel=CHANNEL, organisation=organisation, item_type=types[code],
                name=name, identifier=identifier, attributes=values,
            )  # fmt: skip
    for source_name, kind, target_name in RELATIONS:
        source, target = items[source_name], items[target_name]
        if not ConfigItemRelation.objects.filter(source=source, target=target, kind=kind).exists():
            relation_add(actor=agent, channel=CHANNEL, source=source, target=target, kind=kind)
    return items


def load_routing(request_types: dict[str, RequestType]) -> None:
    """First match wins: network gear to Network, Globex's incidents to the on-call Cloud Operations team,
    Managed Services orders to Cloud Operations, everything else to the Service Desk in turn."""
    teams = {t.slug: t for t in Team.objects.all()}
    globex = Organisation.objects.get(name="Globex Bank")
    rules: tuple[tuple[str, Team, dict[str, Any], bool], ...] = (
        ("Network devices → Network", teams["network"],
         {"config_item_type": ConfigItemType.objects.get(code="network-item")}, False),
        ("Globex incidents → Cloud Operations (24/7 on call)", teams["cloud-operations"],
         {"organisation": globex, "case_type": CaseType.objects.get(code="incident")}, False),
        ("Hosting → Cloud Operations", teams["cloud-operations"],
         {"request_type": request_types["hosting"]}, False),
        ("File Backup → Cloud Operations", teams["cloud-operations"],
         {"request_type": request_types["file-backup"]}, False),
        ("Everything else → Service Desk, in turn", teams["service-desk"], {}, True),
    )  # fmt: skip
    for position, (name, team, conditions, round_robin) in enumerate(rules, start=1):
        RoutingRule.objects.get_or_create(
            name=name,
            defaults={"position": 10 * position, "team": team, "assign_round_robin": round_robin}
            | conditions,
        )
