"""/api/v1/tokens: list your API tokens (or, if you may, someone's), create one, revoke one.

Through a token: your own tokens with a write token (never one of a higher scope than the calling
token's); anyone else's (an integration's, or, for admins, an agent's) with an admin-scope token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import field_validator

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, TokenScope
from supportal.api.v1.auth import actor_of, api_token_of, ip_of, require_admin_scope
from supportal.api.v1.errors import errors
from supportal.api.v1.pagination import Page, PageParams, paginate
from supportal.api.v1.schemas import Id, Input
from supportal.audit.services import AuditChannel
from supportal.core.errors import Forbidden, NotFound
from supportal.orgs import access

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    user: int
    name: str
    prefix: str = Field(description="The visible start of the secret: sp_<prefix>_...")
    scope: TokenScope
    created_at: datetime
    last_used_at: datetime | None = Field(description="To the minute.")
    expires_at: datetime | None
    revoked_at: datetime | None
    rate_limit: str | None = Field(description="Its own budget of requests; null: the server's default.")


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown this once only: store it now.")


class TokenIn(Input):
    name: str = Field(min_length=1, max_length=100, description="What the token is for.")
    scope: TokenScope = TokenScope.WRITE
    user: Id | None = Field(None, description="Whose token; yourself when left out.")
    expires_at: datetime | None = None
    rate_limit: str | None = Field(
        None,
        pattern=tokens.RATE_PATTERN,
        description="Requests allowed per second, minute, hour or day, e.g. `600/min`; left out: the "
        "server's default. Only admins may set more than the default.",
    )

    @field_validator("expires_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """Stored as UTC: PostgreSQL refuses offsets beyond 15:59, which ISO 8601 allows (a 500 before)."""
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("Not a representable date and time.") from None


class TokenFilters(Schema):
    user: Id | None = Field(None, description="Whose tokens; yours when left out.")


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        user=token.user_id,
        name=token.name,
        prefix=token.prefix,
        scope=TokenScope(token.scope),
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        rate_limit=token.rate_limit or None,
    )


@router.get("", response={200: Page[TokenOut], **errors(404)}, summary="List API tokens")
def list_tokens(
    request: HttpRequest, page: Query[PageParams], filters: Query[TokenFilters]
) -> Page[TokenOut]:
    """Newest first. Secrets are never listed."""
    actor = actor_of(request)
    owner = access.user_for(actor, filters.user) if filters.user is not None else None
    if owner is not None and not tokens.can_view_tokens_of(actor, owner):
        raise Forbidden("You may not see this user's tokens.")
    result = paginate(tokens.tokens_visible_to(actor, owner=owner), page, ordering=("-id",))
    return Page[TokenOut](items=[token_out(t) for t in result.items], next_cursor=result.next_cursor)


@router.post("", response={201: TokenCreated, **errors(404, 409)}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    """For yourself (agents and integration users), or for an integration user you manage (through a
    token: an admin-scope one). Admin scope: for admins' own tokens, and integrations' whose organisation's
    users you manage. A token may not make a token of a higher scope than its own."""
    actor = actor_of(request)
    owner = access.user_for(actor, payload.user) if payload.user is not None else actor
    if owner.pk != actor.pk:
        require_admin_scope(request)
    calling = api_token_of(request)
    if (
        calling is not None
        and tokens.SCOPE_RANK[payload.scope] > tokens.SCOPE_RANK[TokenScope(calling.scope)]
    ):
        raise Forbidden(
            f"A {calling.scope}-scope token may not make a {payload.scope.value}-scope token.",
            fields={"scope": [f"At most {calling.scope}, the scope of the token you call with."]},
        )
    token, secret = tokens.token_create(
        actor=actor,
        channel=AuditChannel.API,
        user=owner,
        name=payload.name,
        scope=payload.scope.value,
        expires_at=payload.expires_at,
        rate_limit=payload.rate_limit or "",
        ip=ip_of(request),
    )
    return Status(201, TokenCreated(**token_out(token).model_dump(), token=secret))


@router.delete("/{int:token_id}", response={204: None, **errors(404)}, summary="Revoke an API token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    """Your own, or (through a token: an admin-scope one) one of a token holder you manage."""
    actor = actor_of(request)
    token = tokens.token_for(actor, token_id)
    if token is None:
        raise NotFound("No such token.")
    if token.user_id != actor.pk:
        require_admin_scope(request)
    tokens.token_revoke(actor=actor, channel=AuditChannel.API, token=token, ip=ip_of(request))
    return Status(204, None)
