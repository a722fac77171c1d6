"""People: customer users, agents, admins, virtual and integration users; registration and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserKind(models.TextChoices):
    CUSTOMER = "customer", "Customer user"
    AGENT = "agent", "Agent"
    VIRTUAL = "virtual", "Virtual user"
    INTEGRATION = "integration", "Integration"
    SYSTEM = "system", "System"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """The first admin (`supportal createsuperuser`): the operator vouches for the address, so it is
        verified at once and the admin can sign in before outgoing email is set up."""
        from allauth.account.models import EmailAddress

        fields.setdefault("kind", UserKind.AGENT)
        fields.update(is_staff=True, is_superuser=True)
        user = self.create_user(email, password, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=normalize_email(username or ""))


def normalize_email(email: str) -> str:
    """Emails identify people; they are compared and stored lowercased."""
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in or acts: identified by email.

    Agents are provider staff (kind=agent); admins are agents with is_staff; a CSM is an agent named on
    an organisation. Customer users belong to exactly one organisation through their Membership.
    """

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=UserKind.choices, default=UserKind.CUSTOMER)
    phone = models.CharField(max_length=50, blank=True)
    preferred_contact = models.CharField(
        max_length=8, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("admin", default=False, help_text="May use the admin configuration pages.")
    date_joined = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone the pages show times in; blank: the site's."
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        indexes = [models.Index(fields=["kind", "is_active"], name="accounts_user_kind_active")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_agent(self) -> bool:
        return self.kind == UserKind.AGENT

    @property
    def display_name(self) -> str:
        return self.name or self.email


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class RegistrationRequest(models.Model):
    """A "Register now" request: waits for the organisation's CSM to approve or decline it."""

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=50, blank=True)
    preferred_contact = models.CharField(
        max_length=8, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    company = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration_requests",
    )
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["status", "organisation", "-created_at"], name="accounts_regreq_queue")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.get_status_display()})"


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"
    ADMIN = "admin", "Read, write and administer"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash of the secret is kept; the prefix identifies it to people."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE)
    # Requests allowed per period, as "600/min"; blank: the server's default (settings.API_RATE_LIMIT).
    rate_limit = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
