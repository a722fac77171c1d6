"""Sending one signed POST to a webhook: no redirects followed, a 10-second limit, the answer's start kept.

X-Supportal-Signature: v1=<hex HMAC-SHA256(secret, "<X-Supportal-Timestamp>.<raw body>")>
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import urllib3

from supportal.webhooks.addresses import Target, UnsafeAddress, resolve, target_of

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 2048
USER_AGENT = "Supportal-Webhooks/1"
MAX_ADDRESSES = 3  # tried in turn when a connection cannot be made (IPv6 first, then IPv4, say)


@dataclass(frozen=True)
class Outcome:
    """What one try got: a status code (None when no answer came), the answer's start, or the error."""

    status: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Supportal-Signature value for `body` sent at `timestamp` (Unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    *, secret: str, event: str, delivery_id: str, body: bytes, timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Supportal-Event": event,
        "X-Supportal-Delivery": delivery_id,
        "X-Supportal-Timestamp": str(timestamp),
        "X-Supportal-Signature": signature(secret, timestamp, body),
    }


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool) -> Outcome:
    """POST `body` to `url`, connecting only to addresses the SSRF guard checked (webhooks.addresses):
    the next one when a connection cannot be made, at most MAX_ADDRESSES."""
    started = time.monotonic()
    try:
        target = target_of(url)
        addresses = resolve(target, allow_private=allow_private)
    except UnsafeAddress as refused:
        return Outcome(None, "", str(refused), _ms(started))
    except (ValueError, UnicodeError) as unusable:  # a URL saved before a stricter check
        return Outcome(None, "", _describe(unusable), _ms(started))
    error = ""
    for address in addresses[:MAX_ADDRESSES]:
        try:
            status, excerpt = _send(target, address, body, headers)
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as failed:
            error = _describe(failed)
            continue
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as failed:
            return Outcome(None, "", _describe(failed), _ms(started))
        return Outcome(status, excerpt, "", _ms(started))
    return Outcome(None, "", error, _ms(started))


def _send(target: Target, address: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    pool = _pool(target, address)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
            timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS, total=TIMEOUT_SECONDS),
        )
        try:
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        finally:
            response.release_conn()
        return response.status, excerpt.replace("\x00", "")
    finally:
        pool.close()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _pool(target: Target, address: str) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(address, target.port, maxsize=1)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
