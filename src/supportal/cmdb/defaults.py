"""The configuration item types every installation starts with (made by migration 0003 when missing,
used by the demo). Pure data: changing it changes only new installations, so a change for existing ones
needs a migration of its own."""

from __future__ import annotations

from typing import Any

ENVIRONMENTS = ["Production", "Staging", "QA"]


def _attr(key: str, label: str, kind: str = "text", required: bool = False, *choices: str) -> dict[str, Any]:
    return {"key": key, "label": label, "kind": kind, "required": required, "choices": list(choices)}


# (code, name, description, attribute definitions in their full form)
DEFAULT_TYPES: tuple[tuple[str, str, str, list[dict[str, Any]]], ...] = (
    ("server", "Server", "A physical or virtual server.", [
        _attr("hostname", "Hostname"), _attr("ip_address", "IP address"), _attr("os", "Operating system"),
        _attr("environment", "Environment", "choice", False, *ENVIRONMENTS),
    ]),
    ("certificate", "Certificate", "A TLS certificate and when it expires.", [
        _attr("subject", "Subject"), _attr("issuer", "Issuer"),
        _attr("expires_on", "Expires on", "date", True),
    ]),
    ("network-item", "Network item", "A switch, router, firewall, load balancer or link.", [
        _attr("role", "Role"), _attr("model", "Model"), _attr("firmware", "Firmware version"),
        _attr("ip_address", "Management IP address"),
    ]),
    ("application", "Application", "An application we host or support.", [
        _attr("version", "Version"), _attr("url", "URL"),
        _attr("environment", "Environment", "choice", False, *ENVIRONMENTS),
    ]),
    ("database", "Database", "A database or database cluster.", [
        _attr("engine", "Engine"), _attr("version", "Version"), _attr("host", "Host"),
    ]),
    ("cloud-resource", "Cloud resource", "A resource in a cloud, identified by its UUID.", [
        _attr("uuid", "UUID", "text", True), _attr("region", "Region"), _attr("provider", "Provider"),
        _attr("resource_kind", "Kind"),
    ]),
)  # fmt: skip
