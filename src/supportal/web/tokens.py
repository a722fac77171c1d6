"""API tokens in the portal: your own (/account/tokens/) and your organisation's integrations'
(/organisation/tokens/).

Agents (admins included) create and revoke their personal tokens. People who manage an organisation's
users (orgs.policies.can_manage_users: its user managers, its CSM, admins, the latter two with
``?organisation=<id>``) create integration users and their tokens and revoke them. Every write goes
through accounts.tokens (token_create, token_revoke: hashed, audited, the same rules as the API); the
secret is in the one response that created it (never stored, never cached) and never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from supportal.accounts import tokens
from supportal.accounts.models import ApiToken, User, UserKind
from supportal.audit.services import AuditChannel
from supportal.core.errors import Conflict, DomainError, Forbidden, NotFound
from supportal.core.http import client_ip
from supportal.orgs import access, policies
from supportal.orgs import services as org_services
from supportal.orgs.models import Organisation
from supportal.web.tokens_forms import (
    IntegrationTokenForm,
    NewIntegrationForm,
    TokenForm,
    add_domain_errors,
    scope_choices,
)


@dataclass(frozen=True)
class TokenRow:
    """A token as the tables show it: its state says at a glance whether it still works."""

    token: ApiToken
    state: str  # "active", "expired" or "revoked"


@dataclass(frozen=True)
class Created:
    """The token just made and its secret: rendered into this one response, then gone."""

    token: ApiToken
    secret: str


def token_rows(token_list: list[ApiToken], now: datetime) -> list[TokenRow]:
    def state(token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "expired" if token.expires_at is not None and token.expires_at <= now else "active"

    return [TokenRow(token, state(token)) for token in token_list]


# --- Personal tokens (/account/tokens/)


def _token_holder(request: HttpRequest) -> User:
    """Personal tokens are for agents; customers script through their organisation's integrations."""
    user: Any = request.user
    if not (policies.is_agent(user) and tokens.may_hold_token(user)):
        raise PermissionDenied(
            "API tokens are for agents; your organisation's user managers set up integrations."
        )
    holder: User = user
    return holder


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account_tokens(request: HttpRequest) -> HttpResponse:
    holder = _token_holder(request)
    scopes = scope_choices(tokens.can_grant_admin_scope(holder, holder))
    form = TokenForm(request.POST if request.method == "POST" else None, scopes=scopes)
    created: Created | None = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                token, secret = tokens.token_create(
                    actor=holder,
                    channel=AuditChannel.WEB,
                    user=holder,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=form.expires_at(),
                    rate_limit=form.cleaned_data["rate_limit"],
                    ip=client_ip(request),
                )
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                created, status = Created(token, secret), 200
                form = TokenForm(scopes=scopes)
    own = list(tokens.tokens_visible_to(holder).order_by("-created_at", "-id"))
    context = {"form": form, "rows": token_rows(own, timezone.now()), "created": created}
    return render(request, "web/tokens/account.html", context, status=status)


@login_required
@require_POST
def account_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    holder = _token_holder(request)
    token = tokens.token_for(holder, token_id)
    if token is None or token.user_id != holder.pk:
        raise Http404("No such token.")
    _revoke(request, token)
    return HttpResponseRedirect(reverse("web:account_tokens"))


def _revoke(request: HttpRequest, token: ApiToken) -> None:
    try:
        tokens.token_revoke(actor=request.user, channel=AuditChannel.WEB, token=token, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, f"The token “{token.name}” ({token.prefix}…) is revoked: it no longer works."
        )


# --- The organisation's integrations (/organisation/tokens/)


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation whose integrations the actor manages, authorised: as on the users page, a
    customer's own, or ``?organisation=<id>`` for its CSM and admins; 404 unseen, 403 not allowed."""
    wanted: Any = request.GET.get("organisation") or policies.organisation_id_of(request.user)
    if wanted is None:
        raise Http404("Choose an organisation.")
    try:
        return access.organisation_to_change(request.user, wanted, policies.can_manage_users)
    except NotFound as error:
        raise Http404(error.detail) from None
    except Forbidden as error:
        raise PermissionDenied(error.detail) from None


def _integrations(organisation: Organisation) -> list[User]:
    """The organisation's integration users with their tokens, newest token first (two queries)."""
    newest_first = ApiToken.objects.order_by("-created_at", "-id")
    return list(
        User.objects.filter(kind=UserKind.INTEGRATION, membership__organisation=organisation)
        .prefetch_related(Prefetch("api_tokens", queryset=newest_first))
        .order_by("name", "email")
    )


def _scopes(request: HttpRequest, organisation: Organisation) -> list[tuple[str, str]]:
    """Admin scope for integrations' tokens is offered to whoever manages the organisation's users (as
    everyone on this page does; accounts.tokens.can_grant_admin_scope decides again on creation)."""
    return scope_choices(policies.can_manage_users(request.user, organisation))


def _query(request: HttpRequest, organisation: Organisation) -> str:
    """``?organisation=<id>`` when the page was opened with it (CSM and admins), for forms and links."""
    return f"?{urlencode({'organisation': organisation.pk})}" if request.GET.get("organisation") else ""


def _render_organisation(
    request: HttpRequest,
    organisation: Organisation,
    *,
    integrations: list[User] | None = None,
    token_form: IntegrationTokenForm | None = None,
    integration_form: NewIntegrationForm | None = None,
    created: Created | None = None,
    status: int = 200,
) -> HttpResponse:
    integrations = _integrations(organisation) if integrations is None else integrations
    now = timezone.now()
    scopes = _scopes(request, organisation)
    context = {
        "organisation": organisation,
        "integrations": [(user, token_rows(list(user.api_tokens.all()), now)) for user in integrations],
        "token_form": token_form or IntegrationTokenForm(scopes=scopes, integrations=integrations),
        "integration_form": integration_form or NewIntegrationForm(scopes=scopes),
        "created": created,
        "query": _query(request, organisation),
    }
    return render(request, "web/tokens/organisation.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def organisation_tokens(request: HttpRequest) -> HttpResponse:
    """The integrations and their tokens; a POST adds a token to one of them."""
    organisation = _organisation(request)
    if request.method == "GET":
        return _render_organisation(request, organisation)
    integrations = _integrations(organisation)
    form = IntegrationTokenForm(
        request.POST, scopes=_scopes(request, organisation), integrations=integrations
    )
    if not form.is_valid():
        return _render_organisation(
            request, organisation, integrations=integrations, token_form=form, status=422
        )
    holder = next(user for user in integrations if user.pk == form.cleaned_data["holder"])
    try:
        token, secret = tokens.token_create(
            actor=request.user,
            channel=AuditChannel.WEB,
            user=holder,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at(),
            rate_limit=form.cleaned_data["rate_limit"],
            ip=client_ip(request),
        )
    except DomainError as error:
        add_domain_errors(form, error, {"user": "holder"})
        return _render_organisation(
            request, organisation, integrations=integrations, token_form=form, status=error.status
        )
    return _render_organisation(request, organisation, created=Created(token, secret))


@login_required
@never_cache
@require_POST
def organisation_integration_create(request: HttpRequest) -> HttpResponse:
    """A new integration user and its first token, together or not at all."""
    organisation = _organisation(request)
    form = NewIntegrationForm(request.POST, scopes=_scopes(request, organisation))
    if not form.is_valid():
        return _render_organisation(request, organisation, integration_form=form, status=422)
    data = form.cleaned_data
    integration: User | None = None
    try:
        with transaction.atomic():
            integration = org_services.customer_user_create(
                actor=request.user,
                channel=AuditChannel.WEB,
                organisation=organisation,
                email=data["email"],
                name=data["name"],
                kind=UserKind.INTEGRATION,
            )
            token, secret = tokens.token_create(
                actor=request.user,
                channel=AuditChannel.WEB,
                user=integration,
                name=data["name"],
                scope=data["scope"],
                expires_at=form.expires_at(),
                rate_limit=data["rate_limit"],
                ip=client_ip(request),
            )
    except DomainError as error:  # a clash before the integration exists: its email address is taken
        taken = integration is None and isinstance(error, Conflict)
        add_domain_errors(form, error, detail_field="email" if taken else None)
        return _render_organisation(request, organisation, integration_form=form, status=error.status)
    return _render_organisation(request, organisation, created=Created(token, secret))


@login_required
@require_POST
def organisation_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    organisation = _organisation(request)
    token = tokens.token_for(request.user, token_id)
    membership = getattr(token.user, "membership", None) if token is not None else None
    if (
        token is None
        or token.user.kind != UserKind.INTEGRATION
        or membership is None
        or membership.organisation_id != organisation.pk
    ):
        raise Http404("No such token.")
    _revoke(request, token)
    return HttpResponseRedirect(reverse("web:organisation_tokens") + _query(request, organisation))
