"""Typed domain errors. Services raise these; the web, API and email adapters translate them."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose. `code` is the API's `error` value."""

    code = "error"
    status = 400

    def __init__(self, detail: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}


class InvalidInput(DomainError):
    code = "invalid"
    status = 422


class TooLarge(InvalidInput):
    """An upload or body over its size limit; the API answers 413."""

    code = "too_large"
    status = 413


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""

    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The change clashes with the object's current state (an illegal move, a duplicate)."""

    code = "conflict"
    status = 409
