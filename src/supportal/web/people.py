"""The organisation's users (/organisation/users/): list them with their groups, invite a colleague,
re-send an invitation, change someone's groups.

Customers with the "manage users" permission see their own organisation; the organisation's CSM and
admins add ``?organisation=<id>``. Everyone else is refused (403), and users of another organisation
do not exist for them (404).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from supportal.accounts import services as account_services
from supportal.accounts.models import User, UserKind
from supportal.audit.services import AuditChannel
from supportal.core.errors import DomainError, Forbidden, NotFound
from supportal.core.http import client_ip
from supportal.orgs import access, policies
from supportal.orgs import services as org_services
from supportal.orgs.models import Membership, Organisation, PermissionGroup


def _groups_field() -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        queryset=PermissionGroup.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Permission groups",
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    name = forms.CharField(label="Name", max_length=200)
    groups = _groups_field()


class GroupsForm(forms.Form):
    groups = _groups_field()


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation whose users the actor manages, authorised; 404/403 otherwise."""
    wanted: Any = request.GET.get("organisation") or policies.organisation_id_of(request.user)
    if wanted is None:
        raise Http404("Choose an organisation.")
    try:
        return access.organisation_to_change(request.user, wanted, policies.can_manage_users)
    except NotFound as error:
        raise Http404(error.detail) from None
    except Forbidden as error:
        raise PermissionDenied(error.detail) from None


def _member(request: HttpRequest, organisation: Organisation, user_id: int) -> User:
    """A user of this organisation the actor may see; anybody else does not exist."""
    try:
        user = access.user_for(request.user, user_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    if policies.organisation_id_of(user) != organisation.pk or user.kind != UserKind.CUSTOMER:
        raise Http404("No such user.")
    return user


def _back(organisation: Organisation, request: HttpRequest) -> HttpResponseRedirect:
    url = reverse("web:people")
    if request.GET.get("organisation"):
        url += "?" + urlencode({"organisation": organisation.pk})
    return HttpResponseRedirect(url)


def _render(
    request: HttpRequest,
    organisation: Organisation,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = (
        Membership.objects.filter(organisation=organisation, user__kind=UserKind.CUSTOMER)
        .select_related("user")
        .prefetch_related("groups")
        .order_by("user__name", "user__email")
    )
    rows = [
        {
            "user": m.user,
            "groups": list(m.groups.all()),
            "group_ids": {g.pk for g in m.groups.all()},
            "field": f"u{m.user.pk}-groups",  # GroupsForm(prefix=f"u{pk}") reads it back
            "invited": not m.user.has_usable_password(),
        }
        for m in members
    ]
    query = f"?{urlencode({'organisation': organisation.pk})}" if request.GET.get("organisation") else ""
    context = {
        "organisation": organisation,
        "rows": rows,
        "all_groups": list(PermissionGroup.objects.order_by("name")),
        "invite_form": invite_form or InviteForm(),
        "query": query,
    }
    return render(request, "web/people/users.html", context, status=status)


@login_required
def people(request: HttpRequest) -> HttpResponse:
    return _render(request, _organisation(request))


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _render(request, organisation, form, status=200)
    try:
        user = account_services.colleague_invite(
            actor=request.user,
            channel=AuditChannel.WEB,
            organisation=organisation,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            groups=form.cleaned_data["groups"],
            ip=client_ip(request),
        )
    except DomainError as error:
        form.add_error("email" if "email" in error.fields or error.code == "conflict" else None, error.detail)
        return _render(request, organisation, form, status=200)
    messages.success(request, f"Invitation sent to {user.email}.")
    return _back(organisation, request)


@login_required
@require_POST
def reinvite(request: HttpRequest, user_id: int) -> HttpResponse:
    organisation = _organisation(request)
    user = _member(request, organisation, user_id)
    try:
        account_services.invitation_send(
            actor=request.user, channel=AuditChannel.WEB, user=user, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"Invitation sent again to {user.email}.")
    return _back(organisation, request)


@login_required
@require_POST
def change_groups(request: HttpRequest, user_id: int) -> HttpResponse:
    organisation = _organisation(request)
    user = _member(request, organisation, user_id)
    form = GroupsForm(request.POST, prefix=f"u{user.pk}")
    if not form.is_valid():
        messages.error(request, "Choose permission groups from the list.")
        return _back(organisation, request)
    try:
        org_services.membership_groups_set(
            actor=request.user,
            channel=AuditChannel.WEB,
            user=user,
            groups=form.cleaned_data["groups"],
            ip=client_ip(request),
        )
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, f"Permission groups of {user.display_name} saved.")
    return _back(organisation, request)
