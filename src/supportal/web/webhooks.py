"""An organisation's webhooks in the portal (/organisation/webhooks/): list, create (the secret shown
once), and a page per webhook with its delivery log, its settings, a test, enable/disable, a new secret
and deletion.

For the people who manage the organisation's users (webhooks.policies: its user managers, its CSM and
admins, the latter two with ``?organisation=<id>`` on the list). Every write goes through
webhooks.services; pages get webhooks only through webhooks.access (another organisation's is a 404).
Provider admins manage provider-wide webhooks in the admin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError, Forbidden, NotFound
from supportal.core.http import client_ip
from supportal.orgs import access as orgs_access
from supportal.orgs import policies as orgs_policies
from supportal.orgs.models import Organisation
from supportal.web.tokens_forms import add_domain_errors
from supportal.web.webhooks_forms import WebhookForm, form_for
from supportal.webhooks import access, policies, selectors, services
from supportal.webhooks.events import EVENT_TYPES
from supportal.webhooks.models import Webhook

LOG_PAGE = 25


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation whose webhooks are shown: a customer's own, or ``?organisation=<id>`` for its
    CSM and admins; 404 unseen, 403 not allowed."""
    wanted: Any = request.GET.get("organisation") or orgs_policies.organisation_id_of(request.user)
    if wanted is None:
        raise Http404("Choose an organisation.")
    try:
        return orgs_access.organisation_to_change(request.user, wanted, policies.can_manage_webhooks)
    except NotFound as error:
        raise Http404(error.detail) from None
    except Forbidden as error:
        raise PermissionDenied(error.detail) from None


def _webhook(request: HttpRequest, webhook_id: int) -> Webhook:
    try:
        return access.webhook_for(request.user, webhook_id)
    except NotFound as error:
        raise Http404(error.detail) from None


def _query(request: HttpRequest, organisation: Organisation | None) -> str:
    """``?organisation=<id>`` for people outside the organisation (its CSM, admins)."""
    if organisation is None or orgs_policies.organisation_id_of(request.user) == organisation.pk:
        return ""
    return f"?{urlencode({'organisation': organisation.pk})}"


def _list_url(request: HttpRequest, webhook: Webhook) -> str:
    return reverse("web:organisation_webhooks") + _query(request, webhook.organisation)


def _detail_url(webhook: Webhook) -> str:
    return reverse("web:webhook_detail", kwargs={"webhook_id": webhook.pk})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def organisation_webhooks(request: HttpRequest) -> HttpResponse:
    """The organisation's webhooks; a POST creates one and shows its secret, this once."""
    organisation = _organisation(request)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    created: Webhook | None = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                created = services.webhook_create(
                    actor=request.user, channel=AuditChannel.WEB, organisation=organisation,
                    ip=client_ip(request), **form.cleaned_data,
                )  # fmt: skip
            except DomainError as error:
                add_domain_errors(form, error)
                status = error.status
            else:
                form, status = WebhookForm(), 200
    webhooks = selectors.webhooks_visible_to(request.user).filter(organisation=organisation).order_by("-id")
    context = {
        "organisation": organisation,
        "webhooks": list(webhooks),
        "form": form,
        "created": created,
        "query": _query(request, organisation),
        "events": EVENT_TYPES,
    }
    return render(request, "web/webhooks/list.html", context, status=status)


def _render_detail(
    request: HttpRequest,
    webhook: Webhook,
    *,
    form: WebhookForm | None = None,
    secret: str | None = None,
    status: int = 200,
) -> HttpResponse:
    before = request.GET.get("before", "")
    log = selectors.deliveries_of(webhook).order_by("-id")
    if before.isdigit() and len(before) < 19:
        log = log.filter(id__lt=int(before))
    page = list(log[: LOG_PAGE + 1])
    context = {
        "webhook": webhook,
        "live": policies.is_live(webhook),
        "form": form or form_for(webhook),
        "secret": secret,
        "deliveries": page[:LOG_PAGE],
        "older": page[LOG_PAGE - 1].pk if len(page) > LOG_PAGE else None,
        "list_url": _list_url(request, webhook),
        "events": EVENT_TYPES,
    }
    return render(request, "web/webhooks/detail.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """The webhook, its delivery log (newest first); a POST saves its settings."""
    webhook = _webhook(request, webhook_id)
    if request.method == "GET":
        return _render_detail(request, webhook)
    form = form_for(webhook, request.POST)
    if not form.is_valid():
        return _render_detail(request, webhook, form=form, status=422)
    try:
        services.webhook_update(
            actor=request.user, channel=AuditChannel.WEB, webhook=webhook, ip=client_ip(request),
            **form.cleaned_data,
        )  # fmt: skip
    except DomainError as error:
        add_domain_errors(form, error)
        return _render_detail(request, webhook, form=form, status=error.status)
    messages.success(request, "The webhook is saved.")
    return HttpResponseRedirect(_detail_url(webhook))


def _act(request: HttpRequest, webhook: Webhook, service: Any, done: str) -> HttpResponse:
    try:
        service(actor=request.user, channel=AuditChannel.WEB, webhook=webhook, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_detail_url(webhook))


@login_required
@require_POST
def webhook_enable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _act(request, _webhook(request, webhook_id), services.webhook_enable, "The webhook is enabled.")


@login_required
@require_POST
def webhook_disable(request: HttpRequest, webhook_id: int) -> HttpResponse:
    done = "The webhook is disabled: no events are sent to it."
    return _act(request, _webhook(request, webhook_id), services.webhook_disable, done)


@login_required
@require_POST
def webhook_ping(request: HttpRequest, webhook_id: int) -> HttpResponse:
    done = "A test delivery is on its way; its answer appears in the log below."
    return _act(request, _webhook(request, webhook_id), services.webhook_ping, done)


@login_required
@never_cache
@require_POST
def webhook_rotate_secret(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """The new secret is in this one response, never shown again."""
    webhook = _webhook(request, webhook_id)
    try:
        services.webhook_rotate_secret(
            actor=request.user, channel=AuditChannel.WEB, webhook=webhook, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return HttpResponseRedirect(_detail_url(webhook))
    return _render_detail(request, webhook, secret=webhook.secret)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    webhook = _webhook(request, webhook_id)
    back = _list_url(request, webhook)
    try:
        services.webhook_delete(
            actor=request.user, channel=AuditChannel.WEB, webhook=webhook, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
        return HttpResponseRedirect(_detail_url(webhook))
    messages.success(request, f"The webhook to {webhook.url} is deleted.")
    return HttpResponseRedirect(back)


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, webhook_id: int, delivery_id: str) -> HttpResponse:
    webhook = _webhook(request, webhook_id)
    try:
        delivery = access.delivery_for(request.user, delivery_id)
        if delivery.webhook_id != webhook.pk:
            raise NotFound("No such delivery.")
    except NotFound as error:
        raise Http404(error.detail) from None
    try:
        services.delivery_redeliver(
            actor=request.user, channel=AuditChannel.WEB, delivery=delivery, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"The {delivery.event} event is sent again, as a new delivery.")
    return HttpResponseRedirect(_detail_url(webhook))
