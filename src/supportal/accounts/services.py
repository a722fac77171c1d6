"""The only writers of onboarding: invitations, "Register now" requests and their decisions, and
self-registration. Keyword-only, the actor named, audited inside, email sent after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from supportal.accounts import selectors
from supportal.accounts.invitation_tokens import INVITATION_VALID_DAYS, invitation_tokens, uid_of
from supportal.accounts.models import (
    ContactMethod,
    RegistrationRequest,
    RegistrationStatus,
    User,
    UserKind,
    normalize_email,
)
from supportal.audit.services import AuditChannel, audit_record
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.notifications.emails import absolute_url, send_templated_email
from supportal.orgs import policies
from supportal.orgs import services as org_services
from supportal.orgs.models import Membership, Organisation, PermissionGroup
from supportal.orgs.policies import Actor

DEFAULT_SELF_REGISTRATION_GROUP = "case-reporter"


# --- Invitations


def set_password_link(user: User) -> str:
    """The one-time link to set a password (see invitation_tokens)."""
    path = reverse("account_invitation", args=[uid_of(user), invitation_tokens.make_token(user)])
    return absolute_url(path)


def invitation_send(*, actor: Actor, channel: str, user: User, ip: str | None = None) -> None:
    """Email a person their one-time link to set a password and sign in."""
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    organisation = membership.organisation if membership is not None else None
    if organisation is None:
        allowed = policies.is_admin(actor)
    else:
        allowed = policies.can_manage_users(actor, organisation)
    if not allowed:
        raise Forbidden("You may not invite this user.")
    if user.kind not in {UserKind.CUSTOMER, UserKind.AGENT} or not user.is_active:
        raise InvalidInput(f"{user.email} cannot sign in, so cannot be invited.")
    if user.has_usable_password():
        raise Conflict(f"{user.email} has set a password already; they can use “Forgot password?”.")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="user.invited",
            channel=channel,
            target=user,
            organisation_id=organisation.pk if organisation else None,
            new={"email": user.email},
            ip=ip,
        )
        send_templated_email(
            name="invitation",
            to=[user.email],
            context={
                "user": user,
                "inviter": actor,
                "organisation": organisation,
                "link": set_password_link(user),
                "valid_days": INVITATION_VALID_DAYS,
            },
        )


def colleague_invite(
    *,
    actor: Actor,
    channel: str,
    organisation: Organisation,
    email: str,
    name: str,
    groups: Iterable[PermissionGroup],
    ip: str | None = None,
) -> User:
    """Add a customer user to the organisation and send them their invitation, in one go."""
    with transaction.atomic():
        user = org_services.customer_user_create(
            actor=actor, channel=channel, organisation=organisation, email=email, name=name, groups=groups
        )
        invitation_send(actor=actor, channel=channel, user=user, ip=ip)
    return user


def invitation_accept(*, user: User, password: str, ip: str | None = None) -> User:
    """The invited person sets their password through the link: their address is now verified."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        audit_record(
            actor=user,
            action="user.invitation_accepted",
            channel=AuditChannel.WEB,
            target=user,
            organisation_id=policies.organisation_id_of(user),
            ip=ip,
        )
    return user


# --- "Register now"


def _clean_registration(
    *, email: str, name: str, phone: str, preferred_contact: str, company: str, message: str
) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter a valid email address."]
    name, phone, company, message = name.strip(), phone.strip(), company.strip(), message.strip()
    if not name:
        errors["name"] = ["Tell us your name."]
    if preferred_contact not in ContactMethod.values:
        errors["preferred_contact"] = ["Choose email or phone."]
    elif preferred_contact == ContactMethod.PHONE and not phone:
        errors["phone"] = ["Give a phone number if you prefer to be called."]
    limits = {
        "name": (name, 200),
        "phone": (phone, 50),
        "company": (company, 200),
        "message": (message, 4000),
    }
    for field, (value, limit) in limits.items():
        if len(value) > limit:
            errors[field] = [f"At most {limit} characters, please."]
    if errors:
        raise InvalidInput("Please correct the marked fields.", fields=errors)
    return {
        "email": email,
        "name": name,
        "phone": phone,
        "preferred_contact": preferred_contact,
        "company": company,
        "message": message,
    }


def registration_request_submit(
    *,
    email: str,
    name: str,
    phone: str = "",
    preferred_contact: str = ContactMethod.EMAIL,
    company: str = "",
    message: str = "",
    ip: str | None = None,
) -> RegistrationRequest | None:
    """Store a "Register now" request and tell the CSM who decides it.

    Someone who has an account already, or a request pending, gets no second request; the caller shows
    the same "request received" page either way, so the form never reveals who has an account. An
    existing user is sent a reminder to use "Forgot password?" instead.
    """
    data = _clean_registration(
        email=email,
        name=name,
        phone=phone,
        preferred_contact=preferred_contact,
        company=company,
        message=message,
    )
    existing = User.objects.filter(email__iexact=data["email"], is_active=True).first()
    if existing is not None:
        send_templated_email(
            name="registration_existing_account",
            to=[existing.email],
            context={"user": existing, "reset_link": absolute_url(reverse("account_reset_password"))},
        )
        return None
    pending = RegistrationRequest.objects.filter(
        email__iexact=data["email"], status=RegistrationStatus.PENDING
    ).exists()
    if pending:
        return None
    organisation = selectors.organisation_by_email_domain(data["email"])
    with transaction.atomic():
        request = RegistrationRequest.objects.create(organisation=organisation, **data)
        audit_record(
            actor=None,
            action="registration.requested",
            channel=AuditChannel.WEB,
            target=request,
            organisation_id=organisation.pk if organisation else None,
            new={**data, "organisation": organisation.name if organisation else None},
            ip=ip,
            actor_label=data["email"],
        )
        reviewers = list(selectors.registration_reviewers(organisation).values_list("email", flat=True))
        send_templated_email(
            name="registration_requested",
            to=reviewers,
            context={
                "request": request,
                "organisation": organisation,
                "link": absolute_url(reverse("agent:registration", args=[request.pk])),
            },
        )
    return request


def _locked_pending(actor: Actor, request: RegistrationRequest) -> RegistrationRequest:
    locked = (
        RegistrationRequest.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=request.pk)
    )
    if not policies.can_decide_registration(actor, locked):
        raise Forbidden("You may not decide this registration request.")
    if locked.status != RegistrationStatus.PENDING:
        raise Conflict(f"This request has been {locked.get_status_display().lower()} already.")
    return locked


def registration_approve(
    *,
    actor: User,
    channel: str,
    request: RegistrationRequest,
    groups: Iterable[PermissionGroup],
    organisation: Organisation | None = None,
    ip: str | None = None,
) -> User:
    """Create the requester's account in the organisation and send them the set-password email."""
    group_list = list(groups)
    with transaction.atomic():
        locked = _locked_pending(actor, request)
        target = locked.organisation or organisation
        if target is None:
            raise InvalidInput(
                "Choose the organisation this person belongs to.",
                fields={"organisation": ["This field is required."]},
            )
        user = org_services.customer_user_create(
            actor=actor,
            channel=channel,
            organisation=target,
            email=locked.email,
            name=locked.name,
            phone=locked.phone,
            groups=group_list,
        )
        user.preferred_contact = locked.preferred_contact
        user.save(update_fields=["preferred_contact"])
        locked.status = RegistrationStatus.APPROVED
        locked.organisation = target
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.user = user
        locked.save(update_fields=["status", "organisation", "decided_by", "decided_at", "user"])
        audit_record(
            actor=actor,
            action="registration.approved",
            channel=channel,
            target=locked,
            organisation_id=target.pk,
            old={"status": RegistrationStatus.PENDING},
            new={
                "status": RegistrationStatus.APPROVED,
                "email": user.email,
                "organisation": target.name,
                "groups": sorted(g.code for g in group_list),
            },
            ip=ip,
        )
        send_templated_email(
            name="registration_approved",
            to=[user.email],
            context={
                "user": user,
                "organisation": target,
                "link": set_password_link(user),
                "valid_days": INVITATION_VALID_DAYS,
            },
        )
    request.refresh_from_db()
    return user


def registration_decline(
    *, actor: User, channel: str, request: RegistrationRequest, reason: str, ip: str | None = None
) -> RegistrationRequest:
    """Decline with a reason, which the requester is told politely."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Say why the request is declined; the requester is told.",
            fields={"reason": ["This field is required."]},
        )
    with transaction.atomic():
        locked = _locked_pending(actor, request)
        locked.status = RegistrationStatus.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="registration.declined",
            channel=channel,
            target=locked,
            organisation_id=locked.organisation_id,
            old={"status": RegistrationStatus.PENDING},
            new={"status": RegistrationStatus.DECLINED, "email": locked.email, "reason": reason},
            ip=ip,
        )
        send_templated_email(
            name="registration_declined", to=[locked.email], context={"request": locked, "reason": reason}
        )
    request.refresh_from_db()
    return locked


# --- Self-registration (allauth's signup form, through AccountAdapter.save_user)


def self_registration_complete(
    *,
    user: User,
    organisation: Organisation,
    ip: str | None = None,
    identity_provider: str = "",
    save: Callable[[User], None] | None = None,
) -> User:
    """Save a person who registered themselves with an address in the organisation's allowed domain, by
    signing up (allauth then verifies the address) or through an identity provider (`identity_provider`,
    with `save` storing the user with their provider account): a customer user with the organisation's
    default groups, or case reporter when it names none."""
    if not organisation.self_registration or not organisation.is_active:
        raise Forbidden("This organisation does not allow self-registration.")
    groups = list(organisation.default_groups.all()) or list(
        PermissionGroup.objects.filter(code=DEFAULT_SELF_REGISTRATION_GROUP)
    )
    details = {"identity_provider": identity_provider} if identity_provider else {}
    with transaction.atomic():
        user.kind = UserKind.CUSTOMER
        user.is_staff = user.is_superuser = False
        if save is None:
            user.save()
        else:
            save(user)
        membership = Membership.objects.create(user=user, organisation=organisation)
        membership.groups.set(groups)
        audit_record(
            actor=user,
            action="user.self_registered",
            channel=AuditChannel.WEB,
            target=user,
            organisation_id=organisation.pk,
            new={
                "email": user.email,
                "name": user.name,
                "kind": UserKind.CUSTOMER,
                "groups": sorted(g.code for g in groups),
                **details,
            },
            ip=ip,
        )
    return user


SYSTEM_USER_DOMAIN = "system.supportal.invalid"


def system_user(code: str, name: str) -> User:
    """The named system actor jobs and inbound channels act as ("auto-close", "email"); made on first use.

    It cannot sign in (no usable password) and is never shown as a person, only by its name.
    """
    email = f"{code}@{SYSTEM_USER_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"name": name, "kind": UserKind.SYSTEM, "is_active": True}
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return user
