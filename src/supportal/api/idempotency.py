"""`Idempotency-Key` on POST under /api/v1/: a client that retries a POST with the same key gets the first
answer back, and nothing is created twice.

A Django middleware, so it wraps every API operation at once and sees the finished response. For a POST
under /api/v1/ carrying the header:

1. The caller is identified before the view runs, because the key must be claimed before the work starts:
   a bearer token by `accounts.tokens.token_verify` (the very function the API's authentication uses, so
   a revoked or expired token is never replayed to; the cost is one indexed lookup, on these requests
   only), else the session's user (already loaded by Django's authentication middleware, which this one
   follows). No caller: the request goes on untouched and the API refuses it as usual (401).
2. The key must be 1 to 255 printable ASCII characters, no space at either end (else 422, the API's error
   shape).
3. A pending row (caller, key, method and path, SHA-256 of the body) is committed in its own transaction;
   the unique (caller, key) makes a concurrent second request find it and answer 409
   `idempotency_key_in_progress`. A row left pending by a crashed worker is taken over after
   PENDING_TIMEOUT.
4. After the view: the answer is stored when it is below 500, the API authenticated the same caller (so
   the operation ran, or refused on its merits) and it is not a 429 (a throttled call did not run).
   Otherwise (also for a streamed answer) the row is deleted, so the client may retry.

A later request with the same caller and key: same method, path and body: the stored status, body and
content type, with `Idempotent-Replayed: true`; anything else: 422 `idempotency_key_reused`. Keys of
different callers never meet; requests without the header are not touched. Rows are kept RETENTION (a
periodic job deletes older ones; an expired row is also taken over when its key comes back).

The body digest is over the raw bytes, except for multipart/form-data, whose boundary is random on every
send: there it is over the parsed fields and files (name, file name, size and bytes), so a retried upload
matches its first try.

A replay runs no operation, so it is neither throttled nor CSRF-checked: it only repeats to the same
caller what that caller was already answered (and a cross-site form cannot send this header).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, astuple, dataclass
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.utils import timezone

from supportal.accounts.tokens import token_verify
from supportal.api.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
KEY_MAX = 255
# Printable ASCII, no space at either end (HTTP strips those, so a retry could not send the same key).
KEY_PATTERN = r"^[!-~](?:[ -~]*[!-~])?$"
RETENTION = timedelta(hours=24)
# Far beyond any request's time limit: a row pending this long belongs to a worker that died.
PENDING_TIMEOUT = timedelta(minutes=10)
CLAIM_ATTEMPTS = 3


@dataclass(frozen=True)
class Fingerprint:
    """What makes a retry the same request."""

    method: str
    path: str
    body_sha256: str


class IdempotencyMiddleware:
    """Replays the first answer to a POST retried with the same Idempotency-Key (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        caller = caller_before_view(request)
        if caller is None:
            return self.get_response(request)
        if problem := key_problem(key):
            return error(422, "invalid", "The Idempotency-Key header is not valid.", {HEADER: [problem]})
        try:
            fingerprint = Fingerprint("POST", request.get_full_path(), body_digest(request))
        except RequestDataTooBig:
            return error(413, "too_large", "The request body is too large.")
        except (MultiPartParserError, SuspiciousOperation):
            return error(400, "bad_request", "The request body could not be parsed.")
        claimed = claim(caller, key, fingerprint)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            release(claimed)
            raise
        if isinstance(response, HttpResponse) and storable(request, response, caller):
            record(claimed, response)
        else:
            release(claimed)
        return response


def key_problem(key: str) -> str | None:
    if not 1 <= len(key) <= KEY_MAX or not re.fullmatch(KEY_PATTERN, key):
        return f"Between 1 and {KEY_MAX} printable ASCII characters, no space at either end."
    return None


def caller_before_view(request: HttpRequest) -> str | None:
    """`token-<id>` for a live bearer token, `user-<id>` for a signed-in session, else None.

    The same precedence as the API's authentication: an Authorization: Bearer header decides alone."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if header and scheme.lower() == "bearer":
        token = token_verify(secret)
        return f"token-{token.pk}" if token is not None else None
    user = request.user
    return f"user-{user.pk}" if user.is_authenticated and user.is_active else None


def caller_after_view(request: HttpRequest) -> str | None:
    """Whom the API authenticated: ninja sets `request.auth` only when a caller passed authentication,
    and BearerTokenAuth sets `request.api_token`."""
    user = getattr(request, "auth", None)
    if user is None:
        return None
    token = getattr(request, "api_token", None)
    return f"token-{token.pk}" if token is not None else f"user-{user.pk}"


def body_digest(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    if request.content_type == "multipart/form-data":
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps(["field", name, values]).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(json.dumps(["file", name, upload.name, upload.size]).encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        digest.update(request.body)
    return digest.hexdigest()


def claim(caller: str, key: str, fingerprint: Fingerprint) -> IdempotentRequest | HttpResponse:
    """This request's pending row for the key (new and committed at once, or an expired or abandoned one
    taken over), or the answer to give instead when the key is already someone's."""
    for _attempt in range(CLAIM_ATTEMPTS):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(
                    caller=caller, key=key, created_at=now, **asdict(fingerprint)
                )
        except IntegrityError:
            existing = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if existing is None:  # its first request just let it go: try again
            continue
        expired = existing.created_at <= now - RETENTION
        abandoned = existing.pending and existing.created_at <= now - PENDING_TIMEOUT
        if not (expired or (abandoned and same_request(existing, fingerprint))):
            return earlier_answer(existing, fingerprint)
        taken = IdempotentRequest.objects.filter(pk=existing.pk, created_at=existing.created_at).update(
            created_at=now, response_status=None, response_body=b"", response_content_type="",
            **asdict(fingerprint),
        )  # fmt: skip
        if taken:
            return IdempotentRequest.objects.get(pk=existing.pk)
    return in_progress()


def same_request(row: IdempotentRequest, fingerprint: Fingerprint) -> bool:
    return (row.method, row.path, row.body_sha256) == astuple(fingerprint)


def earlier_answer(row: IdempotentRequest, fingerprint: Fingerprint) -> HttpResponse:
    if not same_request(row, fingerprint):
        return error(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request; use a new key for a new request.",
        )
    if row.pending:
        return in_progress()
    replay = HttpResponse(
        bytes(row.response_body),
        status=row.response_status,
        content_type=row.response_content_type or None,
    )
    replay[REPLAYED_HEADER] = "true"
    return replay


def in_progress() -> HttpResponse:
    response = error(
        409,
        "idempotency_key_in_progress",
        "A request with this Idempotency-Key is still running; retry in a moment.",
    )
    response["Retry-After"] = "1"
    return response


def storable(request: HttpRequest, response: HttpResponse, caller: str) -> bool:
    return response.status_code < 500 and response.status_code != 429 and caller_after_view(request) == caller


def record(row: IdempotentRequest, response: HttpResponse) -> None:
    IdempotentRequest.objects.filter(pk=row.pk).update(
        response_status=response.status_code,
        response_body=response.content,
        response_content_type=response.get("Content-Type", ""),
    )


def release(row: IdempotentRequest) -> None:
    """Let the key go (the answer was a server error, or was not the operation's), so a retry runs."""
    IdempotentRequest.objects.filter(pk=row.pk, response_status__isnull=True).delete()


def error(status: int, code: str, detail: str, fields: dict[str, list[str]] | None = None) -> HttpResponse:
    """The API's error shape (errors.py), answered before any operation runs."""
    return JsonResponse({"error": code, "detail": detail, "fields": fields or {}}, status=status)


def idempotency_keys_expire() -> int:
    """Delete the rows older than RETENTION; their keys may be used afresh. Returns how many went."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()
    return deleted
