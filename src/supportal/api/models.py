"""What the API keeps between requests: the first answer to each POST sent with an Idempotency-Key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """One caller's use of one Idempotency-Key, and the answer it got, so a retry gets the same answer.

    `caller` is `token-<ApiToken id>` for a bearer token, else `user-<User id>` for a session (the same
    identities the rate limit counts by); never the secret. While the first request runs the row is
    pending (`response_status` is null); it is filled with the answer afterwards, or deleted when the
    answer was a server error so the client may try again. Rows go after a day (see idempotency.py).
    """

    caller = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField(help_text="The path with its query string, as the client sent it.")
    body_sha256 = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(default=b"")
    response_content_type = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="api_idempotency_caller_key")]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"

    @property
    def pending(self) -> bool:
        """The first request with this key has not answered yet."""
        return self.response_status is None
