"""Shapes shared by several resources, and the rules every request body follows."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, field_validator

from supportal.accounts.models import User

# An id a client sends: the databases' 64-bit range, so an absurd number is a 422, never a crash.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Input(Schema):
    """Base of every request body. No database stores NUL characters, so no text may contain one."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("Must not contain NUL characters.")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class UserRef(Schema):
    """A person named inside another object."""

    id: int
    email: str
    name: str


def user_ref(user: User | None) -> UserRef | None:
    return UserRef(id=user.pk, email=user.email, name=user.name) if user is not None else None
