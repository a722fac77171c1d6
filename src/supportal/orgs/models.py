"""Organisations, their plans, people's memberships and permission groups, teams and escalation matrices."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Permission(models.TextChoices):
    """What a customer user may do; granted through permission groups."""

    VIEW_OWN_CASES = "view_own_cases", "View own cases"
    VIEW_ORGANISATION_CASES = "view_organisation_cases", "View the organisation's shared cases"
    CREATE_CASES = "create_cases", "Create cases"
    COMMENT = "comment", "Comment on cases"
    ORDER_SERVICES = "order_services", "Order services"
    APPROVE_CHANGES = "approve_changes", "Approve changes"
    MANAGE_USERS = "manage_users", "Manage the organisation's users"


class PermissionGroup(models.Model):
    """A named set of permissions an admin defines, e.g. "Case reporter" or "Organisation administrator"."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    permissions = models.JSONField(default=list, help_text="Permission codes this group grants.")

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    API = "api", "API"
    PHONE = "phone", "Phone"


class SupportPlan(models.Model):
    """What an organisation has bought: channels, whether new cases need the portal, 24/7 paging."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    channels = models.JSONField(default=list, help_text="Channels the organisation may use.")
    portal_required_for_new_cases = models.BooleanField(
        default=False, help_text="New cases must be opened in the portal; email replies still update cases."
    )
    paging_24x7 = models.BooleanField(
        default=False, help_text="Urgent incidents page on-call engineers 24/7."
    )
    page_on_p2 = models.BooleanField(default=False, help_text="P2 incidents page as well as P1.")
    escalate_on_sla_breach = models.BooleanField(
        default=False, help_text="A missed SLA target escalates the case one level, once per target."
    )

    def __str__(self) -> str:
        return self.name

    def allows(self, channel: str) -> bool:
        return channel in self.channels


class AccountStatus(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="organisations")
    account_status = models.CharField(
        max_length=8, choices=AccountStatus.choices, default=AccountStatus.GREEN
    )
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organisations",
        verbose_name="customer success manager",
        limit_choices_to={"kind": "agent"},
    )
    virtual_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="virtual_for",
        help_text="Files cases opened on the organisation's behalf; tied to its group alias mailbox.",
    )
    shared_login = models.BooleanField(
        default=False, help_text="Discouraged: one login for everybody; the portal asks each person's name."
    )
    self_registration = models.BooleanField(
        default=False, help_text="People with an email address in an allowed domain may register themselves."
    )
    default_groups = models.ManyToManyField(
        PermissionGroup, blank=True, related_name="+", help_text="Groups given to self-registered users."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="orgs_organisation_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class OrganisationDomain(models.Model):
    """An email domain that belongs to an organisation (self-registration, matching inbound email)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


class AccountStatusChange(models.Model):
    """Every change of an organisation's account status, newest last; the CSM is notified of each."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=8, choices=AccountStatus.choices)
    new_status = models.CharField(max_length=8, choices=AccountStatus.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-changed_at"], name="orgs_status_change_org")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.old_status} → {self.new_status}"


class Membership(models.Model):
    """A customer user's place in their (one) organisation, with the groups that say what they may do."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    groups = models.ManyToManyField(PermissionGroup, blank=True, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "user"], name="orgs_membership_org_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Team(models.Model):
    """A group of agents that works cases: Service Desk, Cloud Operations, Network, ..."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    email = models.EmailField(blank=True)
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="teams"
    )

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    MEMBER = "member", "Member"
    LEAD = "lead", "Team lead"


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="orgs_team_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class EscalationLevel(models.Model):
    """One step of an organisation's escalation matrix; level 1 is the first step up."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="escalation_levels")
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation", "level"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "level"], name="orgs_escalation_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} L{self.level}: {self.name}"


class EscalationContact(models.Model):
    level = models.ForeignKey(EscalationLevel, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["level", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
