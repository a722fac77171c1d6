"""Where a webhook may point: the URL's form, and the SSRF guard on the addresses it reaches.

An organisation's webhook may not reach loopback, private, link-local or other non-public addresses
(unless SUPPORTAL_WEBHOOK_ALLOW_PRIVATE): its URL is checked when saved (an address written in it, or
`localhost`), and the host is resolved again on every delivery, which then connects to the address
that was checked, so a name that changes its answer (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

URL_MAX = 2000
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
PATH_SAFE = "!#$%&'()*+,/:;=?@[]~"  # kept as written; anything else (non-ASCII) is percent-encoded
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOST_NAME = re.compile(rf"(?=.{{1,253}}\.?$){_LABEL}(?:\.{_LABEL})*\.?")


class UnsafeAddress(Exception):
    """The host is, or resolves to, an address this webhook may not reach (or does not resolve)."""


@dataclass(frozen=True)
class Target:
    """A checked URL, split: what to connect to and what to say in the request."""

    scheme: str
    host: str  # as written (IDNA-encoded), without brackets
    port: int
    path: str  # with the query
    host_header: str


def url_problems(url: str) -> list[str]:
    """What is wrong with `url` as a webhook's address (empty when nothing is)."""
    if not url:
        return ["Enter the URL to send events to."]
    if len(url) > URL_MAX:
        return [f"At most {URL_MAX} characters."]
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return ["A URL has no spaces or control characters."]
    try:
        parts = urlsplit(url)
        port = parts.port
        host = _host(parts)
    except (ValueError, UnicodeError):
        return ["This is not a valid URL."]
    if parts.scheme not in {"http", "https"}:
        return ["Use an http:// or https:// URL."]
    if parts.username is not None or parts.password is not None:
        return ["Put no user name or password in the URL; check the signature instead."]
    if not host:
        return ["The URL needs a host name."]
    if not _valid_host(host):
        return ["The host name is not valid."]
    if port == 0:
        return ["This is not a valid port."]
    if parts.fragment:
        return ["A webhook URL has no #fragment."]
    return []


def literal_problem(url: str) -> str | None:
    """For an organisation's webhook: the URL names a non-public address outright (an IP address or
    `localhost`). Names are resolved only at delivery (saving never waits on DNS)."""
    host = _host(urlsplit(url)).lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return "The URL points at this server (localhost)."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return None if is_public(address) else "The URL points at a private or local address."


def target_of(url: str) -> Target:
    parts = urlsplit(url)
    host = _host(parts)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    default = port == (443 if parts.scheme == "https" else 80)
    shown = f"[{host}]" if ":" in host else host
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=PATH_SAFE)
    return Target(parts.scheme, host, port, path, shown if default else f"{shown}:{port}")


def resolve(target: Target, *, allow_private: bool) -> list[str]:
    """The addresses to connect to, in the resolver's order. Unless `allow_private`, every address the
    host resolves to must be public, else UnsafeAddress."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeAddress(f"The host {target.host} could not be resolved ({error}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnsafeAddress(f"The host {target.host} has no address.")
    if not allow_private:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text.split("%", 1)[0])):
                raise UnsafeAddress(
                    f"The host {target.host} resolves to a private or local address ({text})."
                )
    return addresses


def is_public(address: IpAddress) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address is judged as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _valid_host(host: str) -> bool:
    """An IP address, or a DNS name (labels of letters, digits and inner hyphens, at most 63 each)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(HOST_NAME.fullmatch(host))
    return True


def _host(parts: SplitResult) -> str:
    """The host, IDNA-encoded (a non-ASCII name becomes xn--...), without brackets."""
    host = parts.hostname or ""
    return host.encode("idna").decode("ascii") if host and not host.isascii() else host
