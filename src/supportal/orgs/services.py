"""The only writers of organisations, memberships, teams and people. Each runs in one transaction,
checks the actor's right through policies, writes the audit record, and sends mail after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from supportal.accounts.models import User, UserKind, normalize_email
from supportal.audit.services import audit_record
from supportal.core.errors import Conflict, Forbidden, InvalidInput
from supportal.notifications.emails import send_templated_email
from supportal.orgs import policies
from supportal.orgs.models import (
    AccountStatus,
    AccountStatusChange,
    EscalationContact,
    EscalationLevel,
    Membership,
    Organisation,
    OrganisationDomain,
    PermissionGroup,
    SupportPlan,
    Team,
    TeamMembership,
    TeamRole,
)
from supportal.orgs.policies import Actor

VIRTUAL_USER_DOMAIN = "virtual.invalid"
ORGANISATION_NAME_MAX = 200


def organisation_create(
    *,
    actor: Actor,
    channel: str,
    name: str,
    plan: SupportPlan,
    csm: User | None = None,
    domains: Sequence[str] = (),
    self_registration: bool = False,
    shared_login: bool = False,
    alias_email: str = "",
) -> Organisation:
    """Create an organisation with its virtual user (tied to the group alias mailbox, if given)."""
    if not policies.can_configure_organisations(actor):
        raise Forbidden("Only admins may create organisations.")
    name = name.strip()
    if not name:
        raise InvalidInput("An organisation needs a name.", fields={"name": ["This field is required."]})
    if len(name) > ORGANISATION_NAME_MAX:
        raise InvalidInput(
            "The organisation's name is too long.",
            fields={"name": [f"At most {ORGANISATION_NAME_MAX} characters."]},
        )
    if csm is not None and csm.kind != UserKind.AGENT:
        raise InvalidInput("The CSM must be an agent.", fields={"csm": ["Not an agent."]})
    slug = _unique_slug(name)
    clean_domains = [_clean_domain(d) for d in domains if d.strip()]
    try:
        with transaction.atomic():
            virtual = User.objects.create_user(
                alias_email or f"{slug}@{VIRTUAL_USER_DOMAIN}",
                name=f"{name[: ORGANISATION_NAME_MAX - len(' (on behalf of)')]} (on behalf of)",
                kind=UserKind.VIRTUAL,
            )
            organisation = Organisation.objects.create(
                name=name,
                slug=slug,
                plan=plan,
                csm=csm,
                virtual_user=virtual,
                self_registration=self_registration,
                shared_login=shared_login,
            )
            Membership.objects.create(user=virtual, organisation=organisation)
            OrganisationDomain.objects.bulk_create(
                OrganisationDomain(organisation=organisation, domain=d) for d in clean_domains
            )
            audit_record(
                actor=actor,
                action="organisation.created",
                channel=channel,
                target=organisation,
                organisation_id=organisation.pk,
                new={
                    "name": name,
                    "plan": plan.code,
                    "csm": csm.email if csm else None,
                    "domains": clean_domains,
                },
            )
    except IntegrityError as error:
        raise Conflict(
            f"An organisation named {name!r}, a user {alias_email!r} or a domain exists already."
        ) from error
    return organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_domain(domain: str) -> str:
    cleaned = domain.strip().lower().lstrip("@")
    if "." not in cleaned or " " in cleaned or "@" in cleaned:
        raise InvalidInput(
            f"{domain!r} is not an email domain.", fields={"domains": [f"Not a domain: {domain}"]}
        )
    return cleaned


@dataclass(frozen=True)
class EscalationContactSpec:
    name: str
    role: str
    email: str
    phone: str = ""


@dataclass(frozen=True)
class EscalationLevelSpec:
    name: str
    contacts: Sequence[EscalationContactSpec]
    description: str = ""


def escalation_matrix_set(
    *, actor: Actor, channel: str, organisation: Organisation, levels: Sequence[EscalationLevelSpec]
) -> list[EscalationLevel]:
    """Replace the organisation's escalation matrix: level 1 is the first of `levels`. Admins and the
    organisation's CSM may do it; the audit keeps the old and the new matrix."""
    if not (policies.can_configure_organisations(actor) or policies.is_csm_of(actor, organisation)):
        raise Forbidden("Only admins and the organisation's CSM may change its escalation matrix.")
    errors = {
        f"levels[{i}]": ["A level needs a name and at least one contact with a name and an email address."]
        for i, level in enumerate(levels)
        if not level.name.strip() or not level.contacts or any(not c.name.strip() for c in level.contacts)
    }
    if errors:
        raise InvalidInput("The escalation matrix is incomplete.", fields=errors)
    contacts_valid = {c.email: _valid_email(c.email) for level in levels for c in level.contacts}
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        old = [level.name for level in EscalationLevel.objects.filter(organisation=organisation)]
        EscalationLevel.objects.filter(organisation=organisation).delete()
        created = []
        for number, spec in enumerate(levels, start=1):
            level = EscalationLevel.objects.create(
                organisation=organisation, level=number, name=spec.name.strip(), description=spec.description
            )
            EscalationContact.objects.bulk_create(
                EscalationContact(
                    level=level,
                    name=c.name.strip(),
                    role=c.role.strip(),
                    email=contacts_valid[c.email],
                    phone=c.phone.strip(),
                    position=position,
                )
                for position, c in enumerate(spec.contacts)
            )
            created.append(level)
        audit_record(
            actor=actor,
            action="organisation.escalation_matrix_set",
            channel=channel,
            target=organisation,
            organisation_id=organisation.pk,
            old={"levels": old},
            new={
                "levels": [
                    {
                        "name": spec.name,
                        "contacts": [f"{c.name} <{contacts_valid[c.email]}>" for c in spec.contacts],
                    }
                    for spec in levels
                ]
            },
        )
    return created


def account_status_change(
    *, actor: User, channel: str, organisation: Organisation, status: str, reason: str, ip: str | None = None
) -> AccountStatusChange:
    """Raise (or lower) the account status; recorded in its history and the audit, and the CSM is told."""
    if not policies.can_change_account_status(actor, organisation):
        raise Forbidden("You may not change this organisation's account status.")
    if status not in AccountStatus.values:
        raise InvalidInput(
            f"Unknown account status {status!r}.",
            fields={"status": [f"Choose one of {', '.join(AccountStatus.values)}."]},
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Say why the account status changes.", fields={"reason": ["This field is required."]}
        )
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to the CSM.
        locked = (
            Organisation.objects.select_for_update(of=("self",)).select_related("csm").get(pk=organisation.pk)
        )
        if locked.account_status == status:
            raise Conflict(f"The account status is already {locked.get_account_status_display()}.")
        change = AccountStatusChange.objects.create(
            organisation=locked,
            old_status=locked.account_status,
            new_status=status,
            reason=reason,
            changed_by=actor,
        )
        locked.account_status = status
        locked.save(update_fields=["account_status"])
        audit_record(
            actor=actor,
            action="organisation.account_status_changed",
            channel=channel,
            target=locked,
            organisation_id=locked.pk,
            old={"account_status": change.old_status},
            new={"account_status": status, "reason": reason},
            ip=ip,
        )
        _tell_of_account_status(locked, change, actor)
    organisation.account_status = status
    return change


def _tell_of_account_status(organisation: Organisation, change: AccountStatusChange, actor: User) -> None:
    """The CSM and provider management (the admins) hear of it by email and in the app."""
    from supportal.accounts.selectors import active_admins
    from supportal.notifications.models import Notification

    people = {u.pk: u for u in active_admins()}
    if organisation.csm is not None and organisation.csm.is_active:
        people[organisation.csm.pk] = organisation.csm
    people.pop(actor.pk, None)
    if not people:
        return
    text = (
        f"{actor.display_name} changed {organisation.name}'s account status from "
        f"{change.get_old_status_display()} to {change.get_new_status_display()}: {change.reason}"
    )
    Notification.objects.bulk_create(
        [Notification(user=person, verb="account_status", text=text[:300]) for person in people.values()]
    )
    send_templated_email(
        name="account_status_changed",
        to=[person.email for person in people.values()],
        context={"organisation": organisation, "change": change, "actor": actor},
    )


def customer_user_create(
    *,
    actor: Actor,
    channel: str,
    organisation: Organisation,
    email: str,
    name: str,
    groups: Iterable[PermissionGroup] = (),
    phone: str = "",
    kind: str = UserKind.CUSTOMER,
) -> User:
    """Add a person (or an integration) to an organisation. Sign-in comes later, by invitation."""
    if not policies.can_manage_users(actor, organisation):
        raise Forbidden("You may not add users to this organisation.")
    email = _valid_email(email)
    group_list = list(groups)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, name=name.strip(), phone=phone.strip(), kind=kind)
            membership = Membership.objects.create(user=user, organisation=organisation)
            membership.groups.set(group_list)
            audit_record(
                actor=actor,
                action="user.created",
                channel=channel,
                target=user,
                organisation_id=organisation.pk,
                new={
                    "email": email,
                    "name": user.name,
                    "kind": kind,
                    "groups": sorted(g.code for g in group_list),
                },
            )
    except IntegrityError as error:
        raise Conflict(f"A user with the email address {email} exists already.") from error
    return user


def agent_create(
    *,
    actor: Actor,
    channel: str,
    email: str,
    name: str,
    teams: Iterable[Team] = (),
    is_admin: bool = False,
    lead_of: Iterable[Team] = (),
) -> User:
    if not policies.can_create_agents(actor):
        raise Forbidden("Only admins may add agents.")
    email = _valid_email(email)
    team_list, lead_list = list(teams), list(lead_of)
    try:
        with transaction.atomic():
            agent = User.objects.create_user(email, name=name.strip(), kind=UserKind.AGENT, is_staff=is_admin)
            for team in {*team_list, *lead_list}:
                role = TeamRole.LEAD if team in lead_list else TeamRole.MEMBER
                TeamMembership.objects.create(team=team, user=agent, role=role)
            audit_record(
                actor=actor,
                action="user.created",
                channel=channel,
                target=agent,
                new={
                    "email": email,
                    "name": agent.name,
                    "kind": UserKind.AGENT,
                    "admin": is_admin,
                    "teams": sorted(t.slug for t in team_list),
                    "lead_of": sorted(t.slug for t in lead_list),
                },
            )
    except IntegrityError as error:
        raise Conflict(f"A user with the email address {email} exists already.") from error
    return agent


def membership_groups_set(
    *, actor: Actor, channel: str, user: User, groups: Iterable[PermissionGroup], ip: str | None = None
) -> Membership:
    """Change what a customer user may do; the audit keeps the old and new groups."""
    membership = Membership.objects.select_related("organisation").get(user=user)
    if not policies.can_manage_users(actor, membership.organisation):
        raise Forbidden("You may not change this user's permissions.")
    new_groups = list(groups)
    with transaction.atomic():
        old_codes = sorted(membership.groups.values_list("code", flat=True))
        membership.groups.set(new_groups)
        new_codes = sorted(g.code for g in new_groups)
        if old_codes != new_codes:
            audit_record(
                actor=actor,
                action="user.permissions_changed",
                channel=channel,
                target=user,
                organisation_id=membership.organisation_id,
                old={"groups": old_codes},
                new={"groups": new_codes},
                ip=ip,
            )
    policies.forget_cached_permissions(user)
    return membership


def _valid_email(email: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    cleaned = normalize_email(email)
    try:
        validate_email(cleaned)
    except ValidationError:
        raise InvalidInput(
            f"{email!r} is not a valid email address.", fields={"email": ["Enter a valid email address."]}
        ) from None
    return cleaned
